package json

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ingotdata/ingot/internal/format/textread"
	"github.com/ingotdata/ingot/types"
)

// Infer reads one JSON file and returns its schema by Spark's rules: the
// fields of all records merged, sorted by name; integral numbers as long
// (decimal(p,0) beyond long, double beyond 38 digits), other numbers as
// double (decimal with PrefersDecimal), booleans as boolean, strings as
// string, objects as struct, arrays as array of the merged element type.
// Conflicting types widen long+double to double and anything else to
// string; a field that is only ever null becomes string, and a struct with
// no fields is dropped. Malformed JSON is an error naming file, line and
// column (DropMalformed skips it).
func Infer(r io.Reader, name string, opts Options) (types.StructType, error) {
	data, err := textread.ReadAll(r, "json", name)
	if err != nil {
		return types.StructType{}, err
	}
	return InferBytes(data, name, opts)
}

// InferBytes is Infer over bytes already in memory.
func InferBytes(data []byte, name string, opts Options) (types.StructType, error) {
	f := newFramer(name, data, opts.MultiLine, opts.Mode == DropMalformed)
	in := inferrer{vd: valueDecoder{d: f.dec}, asString: opts.PrimitivesAsString, decimals: opts.PrefersDecimal}
	root := &node{kind: nStruct, fields: map[string]*node{}}
	for i := 0; ; i++ {
		ok, err := f.Next()
		if err != nil {
			return types.StructType{}, err
		}
		if !ok {
			break
		}
		if !textread.Sampled(i, opts.SamplingRatio) {
			err = skipMembers(f.dec)
		} else {
			err = in.object(root)
		}
		if err != nil {
			return types.StructType{}, f.err(err)
		}
	}
	t, _ := root.finish()
	st, _ := t.(types.StructType)
	return st, nil
}

// skipMembers skips the rest of an object whose '{' has been read.
func skipMembers(d *jsontext.Decoder) error {
	for d.PeekKind() != '}' {
		if _, err := d.ReadValue(); err != nil {
			return err
		}
		if err := d.SkipValue(); err != nil {
			return err
		}
	}
	_, err := d.ReadToken()
	return err
}

type nodeKind uint8

const (
	nNull nodeKind = iota
	nBool
	nLong
	nDouble
	nDecimal
	nString
	nStruct
	nArray
)

// node accumulates the inferred type of one position (a field or an array's
// elements) across all records, merged in place so that inference allocates
// only when a new field name first appears.
type node struct {
	kind        nodeKind
	prec, scale int
	fields      map[string]*node
	elem        *node
}

// observe widens n to also hold a scalar of kind k (and decimal size p, s),
// following Spark's JSON compatibleType.
func (n *node) observe(k nodeKind, p, s int) {
	switch {
	case n.kind == nNull:
		n.kind, n.prec, n.scale = k, p, s
	case n.kind == k && k != nDecimal:
	case n.kind == nDecimal && k == nDecimal:
		n.prec, n.scale = widerDecimal(n.prec, n.scale, p, s)
	case n.kind == nLong && k == nDouble, n.kind == nDouble && k == nLong,
		n.kind == nDouble && k == nDecimal, n.kind == nDecimal && k == nDouble:
		n.kind = nDouble
	case n.kind == nLong && k == nDecimal:
		n.kind = nDecimal
		n.prec, n.scale = widerDecimal(20, 0, p, s)
	case n.kind == nDecimal && k == nLong:
		n.prec, n.scale = widerDecimal(n.prec, n.scale, 20, 0)
	default:
		n.kind, n.fields, n.elem = nString, nil, nil
	}
}

// widerDecimal is Spark's DecimalPrecision.widerDecimalType, bounded to 38.
func widerDecimal(p1, s1, p2, s2 int) (int, int) {
	scale := max(s1, s2)
	whole := max(p1-s1, p2-s2)
	return min(whole+scale, types.MaxDecimalPrecision), min(scale, types.MaxDecimalPrecision)
}

// finish converts the accumulated node to a Spark type; false means the
// position is dropped (a struct with no fields, or an array of such).
func (n *node) finish() (types.DataType, bool) {
	switch n.kind {
	case nNull, nString:
		return types.String, true
	case nBool:
		return types.Boolean, true
	case nLong:
		return types.Long, true
	case nDouble:
		return types.Double, true
	case nDecimal:
		return types.DecimalType{Precision: n.prec, Scale: n.scale}, true
	case nArray:
		et, ok := n.elem.finish()
		if !ok {
			return nil, false
		}
		return types.ArrayType{ElementType: et, ContainsNull: true}, true
	}
	names := make([]string, 0, len(n.fields))
	for name := range n.fields {
		if name != "" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	st := types.StructType{Fields: make([]types.StructField, 0, len(names))}
	for _, name := range names {
		if t, ok := n.fields[name].finish(); ok {
			st.Fields = append(st.Fields, types.Field(name, t))
		}
	}
	return st, len(st.Fields) > 0
}

type inferrer struct {
	vd       valueDecoder
	asString bool
	decimals bool
}

// object merges the members of an object whose '{' has been read into n.
func (in *inferrer) object(n *node) error {
	d := in.vd.d
	for d.PeekKind() != '}' {
		name, err := in.vd.stringBytes()
		if err != nil {
			return err
		}
		child, ok := n.fields[string(name)]
		if !ok {
			child = &node{}
			n.fields[string(name)] = child
		}
		if err := in.value(child); err != nil {
			return err
		}
	}
	_, err := d.ReadToken()
	return err
}

// value merges the next JSON value into n.
func (in *inferrer) value(n *node) error {
	d := in.vd.d
	k := d.PeekKind()
	switch k {
	case 'n':
		_, err := d.ReadToken()
		return err
	case 't', 'f':
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		if in.asString {
			n.observe(nString, 0, 0)
		} else {
			n.observe(nBool, 0, 0)
		}
		return nil
	case '"':
		if _, err := d.ReadValue(); err != nil {
			return err
		}
		n.observe(nString, 0, 0)
		return nil
	case '0':
		raw, err := d.ReadValue()
		if err != nil {
			return err
		}
		if in.asString {
			n.observe(nString, 0, 0)
			return nil
		}
		k, p, s := in.number(raw)
		n.observe(k, p, s)
		return nil
	case '{':
		if n.kind != nNull && n.kind != nStruct {
			n.observe(nString, 0, 0)
			return d.SkipValue()
		}
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		if n.kind == nNull {
			n.kind, n.fields = nStruct, map[string]*node{}
		}
		return in.object(n)
	case '[':
		if n.kind != nNull && n.kind != nArray {
			n.observe(nString, 0, 0)
			return d.SkipValue()
		}
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		if n.kind == nNull {
			n.kind, n.elem = nArray, &node{}
		}
		for d.PeekKind() != ']' {
			if err := in.value(n.elem); err != nil {
				return err
			}
		}
		_, err := d.ReadToken()
		return err
	}
	_, err := d.ReadToken() // surfaces the syntax error
	if err == nil {
		err = fmt.Errorf("unexpected %v", k)
	}
	return err
}

// number classifies a JSON number as Jackson and Spark do: integers that fit
// in 64 bits are long, wider integers decimal(p,0) up to 38 digits and
// double beyond; fractions and exponents are double, or decimal(p,s) with
// PrefersDecimal when they fit.
func (in *inferrer) number(raw []byte) (nodeKind, int, int) {
	fractional := bytes.ContainsAny(raw, ".eE")
	if !fractional {
		if _, ok := textread.ParseInteger(raw, 64); ok {
			return nLong, 0, 0
		}
	} else if !in.decimals || bytes.ContainsAny(raw, "eE") {
		return nDouble, 0, 0
	}
	// A JSON number without an exponent is a plain decimal literal.
	p, s, ok := textread.DecimalShape(raw)
	if !ok || p > types.MaxDecimalPrecision {
		return nDouble, 0, 0
	}
	return nDecimal, p, s
}

// MergeSchemas combines the inferred schemas of two files by Spark's JSON
// rules: fields are matched by name and the union is sorted by name; a field
// in both takes the wider of the two types (long+double is double, integral
// or decimal+decimal the wider decimal, struct+struct merged, array+array of
// the merged element) and any other conflict becomes string.
func MergeSchemas(a, b types.StructType) (types.StructType, error) {
	return mergeStruct(a, b), nil
}

func mergeStruct(a, b types.StructType) types.StructType {
	out := types.StructType{Fields: slices.Clone(a.Fields)}
	idx := make(map[string]int, len(a.Fields))
	for i, f := range a.Fields {
		idx[f.Name] = i
	}
	for _, f := range b.Fields {
		i, ok := idx[f.Name]
		if !ok {
			out.Fields = append(out.Fields, f)
			continue
		}
		g := out.Fields[i]
		g.Type = mergeType(g.Type, f.Type)
		g.Nullable = g.Nullable || f.Nullable
		out.Fields[i] = g
	}
	slices.SortStableFunc(out.Fields, func(x, y types.StructField) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// numericRank orders the non-decimal numbers for Spark's tightest common type.
func numericRank(t types.DataType) int {
	switch t.(type) {
	case types.ByteType:
		return 1
	case types.ShortType:
		return 2
	case types.IntegerType:
		return 3
	case types.LongType:
		return 4
	case types.FloatType:
		return 5
	case types.DoubleType:
		return 6
	}
	return 0
}

// integralDecimal is Spark's DecimalType.forType for integral types.
func integralDecimal(t types.DataType) (types.DecimalType, bool) {
	switch t.(type) {
	case types.ByteType:
		return types.DecimalType{Precision: 3}, true
	case types.ShortType:
		return types.DecimalType{Precision: 5}, true
	case types.IntegerType:
		return types.DecimalType{Precision: 10}, true
	case types.LongType:
		return types.DecimalType{Precision: 20}, true
	}
	return types.DecimalType{}, false
}

func mergeType(a, b types.DataType) types.DataType {
	if types.Equal(a, b) {
		return a
	}
	if _, ok := a.(types.NullType); ok {
		return b
	}
	if _, ok := b.(types.NullType); ok {
		return a
	}
	if ra, rb := numericRank(a), numericRank(b); ra > 0 && rb > 0 {
		if ra > rb {
			return a
		}
		return b
	}
	da, aDec := a.(types.DecimalType)
	db, bDec := b.(types.DecimalType)
	if !aDec {
		da, aDec = integralDecimal(a)
	}
	if !bDec {
		db, bDec = integralDecimal(b)
	}
	if aDec && bDec {
		p, s := widerDecimal(da.Precision, da.Scale, db.Precision, db.Scale)
		return types.DecimalType{Precision: p, Scale: s}
	}
	if (aDec && numericRank(b) >= 5) || (bDec && numericRank(a) >= 5) {
		return types.Double
	}
	switch at := a.(type) {
	case types.StructType:
		if bt, ok := b.(types.StructType); ok {
			return mergeStruct(at, bt)
		}
	case types.ArrayType:
		if bt, ok := b.(types.ArrayType); ok {
			return types.ArrayType{ElementType: mergeType(at.ElementType, bt.ElementType), ContainsNull: at.ContainsNull || bt.ContainsNull}
		}
	}
	return types.String
}
