package csv

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/internal/format/textread"
	"github.com/ingotdata/ingot/types"
)

// Infer reads one CSV file and returns its schema. Column names come from
// the header (Header) or are _c0, _c1, ...; their count is the first
// record's. With InferSchema every column starts as "no type yet" and is
// widened by each sampled row's field as Spark 3.5 does: integer, then
// long, then decimal(p,0) for integers beyond long, then double, then date
// (yyyy-MM-dd: Spark 3.4+ preferDate, on by default), then timestamp, then
// boolean, else string; incompatible types meet at string, and a column
// with only NULLs is string. Without
// InferSchema every column is a string.
func Infer(r io.Reader, name string, opts Options) (types.StructType, error) {
	data, err := textread.ReadAll(r, "csv", name)
	if err != nil {
		return types.StructType{}, err
	}
	return InferBytes(data, name, opts)
}

// InferBytes is Infer over bytes already in memory.
func InferBytes(data []byte, name string, opts Options) (types.StructType, error) {
	o := opts.withDefaults()
	ts, err := textread.NewTimestampParser(o.TimestampFormat)
	if err != nil {
		return types.StructType{}, fmt.Errorf("csv: %w", err)
	}
	sp := newSplitter(name, data, o)
	first, ok, err := sp.next()
	if err != nil && o.Mode != DropMalformed {
		return types.StructType{}, err
	}
	if !ok {
		return types.StructType{}, nil
	}
	names := columnNames(first, o)
	cols := make([]ctype, len(names))
	if o.InferSchema {
		in := inferrer{o: o, ts: ts}
		if !o.Header {
			in.row(cols, first)
		}
		for i, seen := 0, 0; o.SampleRows == 0 || seen < o.SampleRows; i++ {
			fields, ok, err := sp.next()
			if err != nil {
				if o.Mode == DropMalformed {
					break
				}
				return types.StructType{}, err
			}
			if !ok {
				break
			}
			if !textread.Sampled(i, o.SamplingRatio) {
				continue
			}
			seen++
			in.row(cols, fields)
		}
	}
	st := types.StructType{Fields: make([]types.StructField, len(names))}
	for i, n := range names {
		st.Fields[i] = types.Field(n, cols[i].dataType())
	}
	return st, nil
}

// columnNames follows Spark's CSV header rules: a missing or empty name (or
// one equal to NullValue) becomes _c<i>, and names repeated (ignoring case)
// get their index appended.
func columnNames(first [][]byte, o Options) []string {
	names := make([]string, len(first))
	if !o.Header {
		for i := range names {
			names[i] = "_c" + strconv.Itoa(i)
		}
		return names
	}
	count := map[string]int{}
	for _, f := range first {
		count[strings.ToLower(string(f))]++
	}
	for i, f := range first {
		s := string(f)
		switch {
		case s == "" || s == o.NullValue:
			names[i] = "_c" + strconv.Itoa(i)
		case count[strings.ToLower(s)] > 1:
			names[i] = s + strconv.Itoa(i)
		default:
			names[i] = s
		}
	}
	return names
}

type ckind uint8

const (
	cNull ckind = iota
	cInt
	cLong
	cDecimal
	cDouble
	cDate
	cTimestamp
	cBool
	cString
)

// ctype is a column's inferred type so far.
type ctype struct {
	kind        ckind
	prec, scale int
}

func (t ctype) dataType() types.DataType {
	switch t.kind {
	case cInt:
		return types.Integer
	case cLong:
		return types.Long
	case cDecimal:
		return types.DecimalType{Precision: t.prec, Scale: t.scale}
	case cDouble:
		return types.Double
	case cDate:
		return types.Date
	case cTimestamp:
		return types.Timestamp
	case cBool:
		return types.Boolean
	}
	return types.String
}

type inferrer struct {
	o  Options
	ts textread.TimestampParser
}

// row widens cols by one record; fields beyond the header are ignored and
// missing ones leave their column unchanged, as in Spark.
func (in *inferrer) row(cols []ctype, fields [][]byte) {
	for i := range min(len(cols), len(fields)) {
		cols[i] = in.field(cols[i], fields[i])
	}
}

// field is Spark's CSVInferSchema.inferField: parsing starts at the type
// seen so far (a long column never tries integer again) and falls through
// to wider types; the result is then reconciled with the type so far.
func (in *inferrer) field(sofar ctype, f []byte) ctype {
	if len(f) == 0 || string(f) == in.o.NullValue {
		return sofar
	}
	var t ctype
	switch sofar.kind {
	case cNull, cInt:
		t = in.tryInt(f)
	case cLong:
		t = in.tryLong(f)
	case cDecimal:
		t = in.tryDecimal(f)
	case cDouble:
		t = in.tryDouble(f)
	case cDate:
		t = in.tryDate(f)
	case cTimestamp:
		t = in.tryTimestamp(f)
	case cBool:
		t = in.tryBool(f)
	default:
		return ctype{kind: cString}
	}
	// Spark 3.5 widens a mix of dates and timestamps to timestamp only when
	// timestamps are parsed leniently; with a timestampFormat the dates
	// would not parse as timestamps, so the column becomes string.
	if in.o.TimestampFormat != "" && (sofar.kind == cDate && t.kind == cTimestamp || sofar.kind == cTimestamp && t.kind == cDate) {
		return ctype{kind: cString}
	}
	return compatible(sofar, t)
}

func (in *inferrer) tryInt(f []byte) ctype {
	if _, ok := textread.ParseInteger(f, 32); ok {
		return ctype{kind: cInt}
	}
	return in.tryLong(f)
}

func (in *inferrer) tryLong(f []byte) ctype {
	if _, ok := textread.ParseInteger(f, 64); ok {
		return ctype{kind: cLong}
	}
	return in.tryDecimal(f)
}

// tryDecimal takes only integers (scale 0) as decimal, as Spark does to keep
// "1.1" a double; an integer too wide for long but within 38 digits lands here.
func (in *inferrer) tryDecimal(f []byte) ctype {
	if p, s, ok := textread.DecimalShape(f); ok && s == 0 && p <= types.MaxDecimalPrecision {
		return ctype{kind: cDecimal, prec: p}
	}
	return in.tryDouble(f)
}

func (in *inferrer) tryDouble(f []byte) ctype {
	if _, ok := textread.ParseJavaDouble(f); ok {
		return ctype{kind: cDouble}
	}
	switch string(f) {
	case in.o.NaNValue, in.o.PositiveInf, in.o.NegativeInf:
		return ctype{kind: cDouble}
	}
	return in.tryDate(f)
}

// tryDate accepts exactly yyyy-MM-dd (Spark's default dateFormat, with
// preferDate on).
func (in *inferrer) tryDate(f []byte) ctype {
	if len(f) == 10 && f[4] == '-' && f[7] == '-' {
		if _, ok := textread.ParseDate(f); ok {
			return ctype{kind: cDate}
		}
	}
	return in.tryTimestamp(f)
}

func (in *inferrer) tryTimestamp(f []byte) ctype {
	if _, ok := in.ts.Parse(f); ok {
		return ctype{kind: cTimestamp}
	}
	return in.tryBool(f)
}

func (in *inferrer) tryBool(f []byte) ctype {
	if _, ok := textread.ParseBoolean(f); ok {
		return ctype{kind: cBool}
	}
	return ctype{kind: cString}
}

// compatible is Spark's CSV compatibleType: the tightest common type, the
// wider decimal (double past 38 digits), date+timestamp as timestamp, and
// string for anything else.
func compatible(a, b ctype) ctype {
	switch {
	case a.kind == b.kind && a.kind != cDecimal:
		return a
	case a.kind == cNull:
		return b
	case b.kind == cNull:
		return a
	case a.kind == cString || b.kind == cString:
		return ctype{kind: cString}
	}
	if a.kind > b.kind {
		a, b = b, a
	}
	switch {
	case (a.kind == cInt || a.kind == cLong) && b.kind == cDouble:
		return b
	case a.kind == cInt && b.kind == cLong:
		return b
	case a.kind == cInt && b.kind == cDecimal:
		return widerDecimal(ctype{kind: cDecimal, prec: 10}, b)
	case a.kind == cLong && b.kind == cDecimal:
		return widerDecimal(ctype{kind: cDecimal, prec: 20}, b)
	case a.kind == cDecimal && b.kind == cDecimal:
		return widerDecimal(a, b)
	case a.kind == cDecimal && b.kind == cDouble:
		return b
	case a.kind == cDate && b.kind == cTimestamp:
		return b
	}
	return ctype{kind: cString}
}

func widerDecimal(a, b ctype) ctype {
	scale := max(a.scale, b.scale)
	whole := max(a.prec-a.scale, b.prec-b.scale)
	if whole+scale > types.MaxDecimalPrecision {
		return ctype{kind: cDouble}
	}
	return ctype{kind: cDecimal, prec: whole + scale, scale: scale}
}

// MergeSchemas combines the schemas inferred from two files of one data set.
// Columns are matched by position (CSV has no names in the data) and named
// as in a; each takes the compatible type of the two, string where they
// conflict. Files with different column counts cannot be merged: reading one
// with the other's schema would silently drop or pad data.
func MergeSchemas(a, b types.StructType) (types.StructType, error) {
	if len(a.Fields) == 0 {
		return b, nil
	}
	if len(b.Fields) == 0 {
		return a, nil
	}
	if len(a.Fields) != len(b.Fields) {
		return types.StructType{}, fmt.Errorf("csv: cannot merge schemas with %d and %d columns (%s vs %s)",
			len(a.Fields), len(b.Fields), strings.Join(a.Names(), ","), strings.Join(b.Names(), ","))
	}
	out := types.StructType{Fields: make([]types.StructField, len(a.Fields))}
	for i, f := range a.Fields {
		ta, oka := toCtype(f.Type)
		tb, okb := toCtype(b.Fields[i].Type)
		t := types.String
		if oka && okb {
			t = compatible(ta, tb).dataType()
		} else if types.Equal(f.Type, b.Fields[i].Type) {
			t = f.Type
		}
		out.Fields[i] = types.StructField{Name: f.Name, Type: t, Nullable: f.Nullable || b.Fields[i].Nullable}
	}
	return out, nil
}

func toCtype(t types.DataType) (ctype, bool) {
	switch t := t.(type) {
	case types.NullType:
		return ctype{kind: cNull}, true
	case types.IntegerType:
		return ctype{kind: cInt}, true
	case types.LongType:
		return ctype{kind: cLong}, true
	case types.DecimalType:
		return ctype{kind: cDecimal, prec: t.Precision, scale: t.Scale}, true
	case types.DoubleType:
		return ctype{kind: cDouble}, true
	case types.DateType:
		return ctype{kind: cDate}, true
	case types.TimestampType:
		return ctype{kind: cTimestamp}, true
	case types.BooleanType:
		return ctype{kind: cBool}, true
	case types.StringType:
		return ctype{kind: cString}, true
	}
	return ctype{}, false
}
