package json

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ingotdata/ingot/internal/format/textread"
	"github.com/ingotdata/ingot/types"
)

// column decodes JSON values of one Spark type into one Arrow builder:
// scalars through the shared textread.Column, nested values through the
// struct, list and map builders and the child columns kept here.
type column struct {
	textread.Column
	name string // dotted path, for error messages

	st     *array.StructBuilder
	lst    *array.ListBuilder
	mp     *array.MapBuilder
	fields *structDecoder // KindStruct
	elem   *column        // KindArray
	key    *column        // KindMap
	val    *column        // KindMap
}

// structDecoder fills the fields of one struct (or the top-level record)
// from a JSON object. Fields are matched by exact name, as Spark's JSON
// parser does; unknown names are skipped and missing fields become NULL.
type structDecoder struct {
	cols   []*column
	names  []string // field names, to check order's guesses
	byName map[string]int
	seen   []bool
	// order[k] is the field the k-th member of the previous object matched
	// (-1: none). Files nearly always list members in the same order, so
	// checking that guess first saves most map lookups. A guess is only
	// taken when the names are equal, and order only holds indexes byName
	// returned, so a hit is the field the lookup would have found.
	order []int
}

func newStructDecoder(s types.StructType, builders func(i int) array.Builder, prefix string) (*structDecoder, error) {
	sd := &structDecoder{byName: make(map[string]int, len(s.Fields)), seen: make([]bool, len(s.Fields))}
	for i, f := range s.Fields {
		c, err := newColumn(f.Type, builders(i), prefix+f.Name)
		if err != nil {
			return nil, err
		}
		sd.cols = append(sd.cols, c)
		sd.names = append(sd.names, f.Name)
		if _, dup := sd.byName[f.Name]; !dup {
			sd.byName[f.Name] = i
		}
	}
	return sd, nil
}

func newColumn(t types.DataType, b array.Builder, name string) (*column, error) {
	col, ok := textread.NewColumn(t, b)
	if !ok {
		return nil, fmt.Errorf("json: column %s: cannot read %s: %w", name, t.SimpleString(), types.ErrUnsupportedType)
	}
	c := &column{Column: col, name: name}
	switch t := t.(type) {
	case types.StructType:
		c.st = b.(*array.StructBuilder)
		sd, err := newStructDecoder(t, func(i int) array.Builder { return c.st.FieldBuilder(i) }, name+".")
		if err != nil {
			return nil, err
		}
		c.fields = sd
	case types.ArrayType:
		c.lst = b.(*array.ListBuilder)
		e, err := newColumn(t.ElementType, c.lst.ValueBuilder(), name+".element")
		if err != nil {
			return nil, err
		}
		c.elem = e
	case types.MapType:
		if _, ok := t.KeyType.(types.StringType); !ok {
			return nil, fmt.Errorf("json: column %s: map keys must be string, not %s: %w", name, t.KeyType.SimpleString(), types.ErrUnsupportedType)
		}
		c.mp = b.(*array.MapBuilder)
		k, err := newColumn(t.KeyType, c.mp.KeyBuilder(), name+".key")
		if err != nil {
			return nil, err
		}
		v, err := newColumn(t.ValueType, c.mp.ItemBuilder(), name+".value")
		if err != nil {
			return nil, err
		}
		c.key, c.val = k, v
	}
	return c, nil
}

// mismatch describes a value that parsed as JSON but does not fit a column.
type mismatch struct {
	col *column
	off int64 // decoder offset just before the value
	got string
}

// valueDecoder carries the per-file state the column decoders share.
type valueDecoder struct {
	d          *jsontext.Decoder
	numStrings bool   // AllowNumbersAsStrings
	scratch    []byte // unquoting and compaction
	bad        *mismatch
}

// miss records the first mismatch of the current record and appends NULL.
func (v *valueDecoder) miss(c *column, off int64, got string) {
	if v.bad == nil {
		v.bad = &mismatch{col: c, off: off, got: got}
	}
	c.AppendNull()
}

// skipMiss skips the value the decoder is at and records a mismatch.
func (v *valueDecoder) skipMiss(c *column, k jsontext.Kind) error {
	off := v.d.InputOffset()
	if err := v.d.SkipValue(); err != nil {
		return err
	}
	v.miss(c, off, kindName(k))
	return nil
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// stringBytes reads a JSON string value and returns its unquoted bytes, which
// alias the decoder's buffer (or v.scratch) until the next read.
func (v *valueDecoder) stringBytes() ([]byte, error) {
	raw, err := v.d.ReadValue()
	if err != nil {
		return nil, err
	}
	body := raw[1 : len(raw)-1]
	for _, ch := range body {
		if ch == '\\' {
			v.scratch, err = jsontext.AppendUnquote(v.scratch[:0], raw)
			return v.scratch, err
		}
	}
	return body, nil
}

// read decodes the next JSON value into c. A returned error is a syntax or
// I/O error; a value that does not fit is appended as NULL and noted in v.bad.
func (v *valueDecoder) read(c *column) error {
	d := v.d
	k := d.PeekKind()
	switch k {
	case 'n':
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		c.AppendNull()
		return nil
	case 0, ']', '}':
		_, err := d.ReadToken() // surfaces the syntax error
		if err == nil {
			err = fmt.Errorf("unexpected %v", k)
		}
		return err
	}
	switch c.Kind {
	case textread.KindBool:
		if k != 't' && k != 'f' {
			return v.skipMiss(c, k)
		}
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		c.AppendBool(k == 't')
		return nil
	case textread.KindByte, textread.KindShort, textread.KindInt, textread.KindLong:
		return v.readInt(c, k)
	case textread.KindFloat, textread.KindDouble:
		return v.readFloat(c, k)
	case textread.KindString:
		return v.readString(c, k)
	case textread.KindBinary:
		if k != '"' {
			return v.skipMiss(c, k)
		}
		off := d.InputOffset()
		s, err := v.stringBytes()
		if err != nil {
			return err
		}
		out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
		n, derr := base64.StdEncoding.Decode(out, s)
		if derr != nil {
			v.miss(c, off, "non-base64 string")
			return nil
		}
		c.AppendBinary(out[:n])
		return nil
	case textread.KindDecimal:
		return v.readDecimal(c, k)
	case textread.KindDate, textread.KindTimestamp:
		return v.readTime(c, k)
	case textread.KindNull:
		if err := d.SkipValue(); err != nil {
			return err
		}
		c.AppendNull()
		return nil
	case textread.KindStruct:
		if ok, err := v.open(c, k, '{'); !ok {
			return err
		}
		c.st.Append(true)
		return v.readObject(c.fields)
	case textread.KindArray:
		if ok, err := v.open(c, k, '['); !ok {
			return err
		}
		c.lst.Append(true)
		for d.PeekKind() != ']' {
			if err := v.read(c.elem); err != nil {
				return err
			}
		}
		_, err := d.ReadToken()
		return err
	case textread.KindMap:
		if ok, err := v.open(c, k, '{'); !ok {
			return err
		}
		c.mp.Append(true)
		for d.PeekKind() != '}' {
			name, err := v.stringBytes()
			if err != nil {
				return err
			}
			c.key.AppendString(name)
			if err := v.read(c.val); err != nil {
				return err
			}
		}
		_, err := d.ReadToken()
		return err
	}
	return fmt.Errorf("json: internal: unhandled column kind %d", c.Kind)
}

// open consumes the '{' or '[' (want) that starts a nested value of c. ok
// is false when the value is of another kind k: it is then skipped as a
// mismatch, or err says why it could not be.
func (v *valueDecoder) open(c *column, k, want jsontext.Kind) (ok bool, err error) {
	if k != want {
		return false, v.skipMiss(c, k)
	}
	if _, err := v.d.ReadToken(); err != nil {
		return false, err
	}
	return true, nil
}

// readObject fills sd from the members of an object whose '{' has been read,
// consuming the closing '}'. Fields absent from the object become NULL; a
// repeated name keeps its first value.
func (v *valueDecoder) readObject(sd *structDecoder) error {
	d := v.d
	clear(sd.seen)
	for k := 0; d.PeekKind() != '}'; k++ {
		name, err := v.stringBytes()
		if err != nil {
			return err
		}
		i, ok := sd.lookup(k, name)
		if !ok || sd.seen[i] {
			if err := d.SkipValue(); err != nil {
				return err
			}
			continue
		}
		sd.seen[i] = true
		if err := v.read(sd.cols[i]); err != nil {
			return err
		}
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	for i, ok := range sd.seen {
		if !ok {
			sd.cols[i].AppendNull()
		}
	}
	return nil
}

// lookup finds the field named name, the k-th member of its object.
func (sd *structDecoder) lookup(k int, name []byte) (int, bool) {
	if k < len(sd.order) {
		if g := sd.order[k]; g >= 0 && sd.names[g] == string(name) {
			return g, true
		}
	}
	i, ok := sd.byName[string(name)]
	g := i
	if !ok {
		g = -1
	}
	if k < len(sd.order) {
		sd.order[k] = g
	} else if k == len(sd.order) {
		sd.order = append(sd.order, g)
	}
	return i, ok
}

// numberText reads the text of a number, or the contents of a string when
// fromString. ok is false when the value is of another kind: it is then
// skipped as a mismatch of c, or err says why it could not be.
func (v *valueDecoder) numberText(c *column, k jsontext.Kind, fromString bool) (text []byte, ok bool, err error) {
	switch {
	case k == '0':
		text, err = v.d.ReadValue()
	case k == '"' && fromString:
		text, err = v.stringBytes()
	default:
		return nil, false, v.skipMiss(c, k)
	}
	return text, err == nil, err
}

func (v *valueDecoder) readInt(c *column, k jsontext.Kind) error {
	off := v.d.InputOffset()
	text, ok, err := v.numberText(c, k, v.numStrings)
	if !ok {
		return err
	}
	n, ok := textread.ParseInteger(text, 64)
	if !ok {
		v.miss(c, off, "number "+string(text))
		return nil
	}
	if !c.AppendInt(n) {
		v.miss(c, off, "out-of-range number "+string(text))
	}
	return nil
}

// specialFloat recognises the non-numeric number strings Spark's JSON reader
// accepts in float columns (allowNonNumericNumbers defaults to true).
func specialFloat(s []byte) (float64, bool) {
	switch string(s) {
	case "NaN":
		return math.NaN(), true
	case "Infinity", "+Infinity", "INF", "+INF", "Inf", "+Inf":
		return math.Inf(1), true
	case "-Infinity", "-INF", "-Inf":
		return math.Inf(-1), true
	}
	return 0, false
}

func (v *valueDecoder) readFloat(c *column, k jsontext.Kind) error {
	off := v.d.InputOffset()
	var f float64
	switch k {
	case '0':
		raw, err := v.d.ReadValue()
		if err != nil {
			return err
		}
		f, err = strconv.ParseFloat(string(raw), 64)
		if err != nil && !textread.IsRangeErr(err) {
			v.miss(c, off, "number "+string(raw))
			return nil
		}
	case '"':
		s, err := v.stringBytes()
		if err != nil {
			return err
		}
		var ok bool
		if f, ok = specialFloat(s); !ok {
			if !v.numStrings || !textread.IsDecimalNumber(s) {
				v.miss(c, off, "string")
				return nil
			}
			if f, err = strconv.ParseFloat(string(s), 64); err != nil && !textread.IsRangeErr(err) {
				v.miss(c, off, "string")
				return nil
			}
		}
	default:
		return v.skipMiss(c, k)
	}
	c.AppendFloat(f)
	return nil
}

// readString stores strings as their text and any other value as its JSON
// text (compacted), as Spark does when a string column meets a number,
// boolean, object or array.
func (v *valueDecoder) readString(c *column, k jsontext.Kind) error {
	if k == '"' {
		s, err := v.stringBytes()
		if err != nil {
			return err
		}
		c.AppendString(s)
		return nil
	}
	raw, err := v.d.ReadValue()
	if err != nil {
		return err
	}
	if k == '{' || k == '[' {
		v.scratch = append(v.scratch[:0], raw...)
		val := jsontext.Value(v.scratch)
		if err := val.Compact(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
			return err
		}
		c.AppendString(val)
		return nil
	}
	c.AppendString(raw)
	return nil
}

func (v *valueDecoder) readDecimal(c *column, k jsontext.Kind) error {
	off := v.d.InputOffset()
	text, ok, err := v.numberText(c, k, true)
	if !ok {
		return err
	}
	if !textread.IsDecimalNumber(text) {
		v.miss(c, off, "string")
		return nil
	}
	n, err := decimal128.FromString(string(text), int32(c.Decimal.Precision), int32(c.Decimal.Scale))
	if err != nil {
		v.miss(c, off, "number "+string(text)+" out of range for "+c.Decimal.SimpleString())
		return nil
	}
	c.AppendDecimal(n)
	return nil
}

func (v *valueDecoder) readTime(c *column, k jsontext.Kind) error {
	off := v.d.InputOffset()
	switch k {
	case '"':
		s, err := v.stringBytes()
		if err != nil {
			return err
		}
		if c.Kind == textread.KindDate {
			days, ok := textread.ParseDate(s)
			if !ok {
				v.miss(c, off, "string "+strconv.Quote(string(s)))
				return nil
			}
			c.AppendDate(days)
			return nil
		}
		us, ok := textread.ParseTimestamp(s)
		if !ok {
			v.miss(c, off, "string "+strconv.Quote(string(s)))
			return nil
		}
		c.AppendTimestamp(us)
		return nil
	case '0':
		if c.Kind == textread.KindDate {
			return v.skipMiss(c, k)
		}
		// Spark reads an integral number in a timestamp column as seconds
		// since the epoch.
		raw, err := v.d.ReadValue()
		if err != nil {
			return err
		}
		n, ok := textread.ParseInteger(raw, 64)
		if !ok || n > math.MaxInt64/1_000_000 || n < math.MinInt64/1_000_000 {
			v.miss(c, off, "number "+string(raw))
			return nil
		}
		c.AppendTimestamp(n * 1e6)
		return nil
	}
	return v.skipMiss(c, k)
}
