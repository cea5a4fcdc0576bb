package csv

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/types"
)

// Read returns the rows of one CSV file as batches of schema; fields map to
// columns by position. name is used only in error messages. With Header the
// first record is skipped. The file's bytes are read up front; batches are
// converted on demand into typed Arrow builders.
func Read(r io.Reader, name string, schema types.StructType, opts Options) (batch.Reader, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("csv: read %s: %w", name, err)
	}
	return ReadBytes(data, name, schema, opts)
}

// ReadBytes is Read over bytes already in memory; data must not change while
// the reader is in use.
func ReadBytes(data []byte, name string, schema types.StructType, opts Options) (batch.Reader, error) {
	o := opts.withDefaults()
	ts, err := newTimestampParser(o.TimestampFormat)
	if err != nil {
		return nil, err
	}
	as := schema.ArrowSchema()
	rb := array.NewRecordBuilder(o.Allocator, as)
	cols := make([]converter, len(schema.Fields))
	for i, f := range schema.Fields {
		c, err := newConverter(f, rb.Field(i), o, ts)
		if err != nil {
			rb.Release()
			return nil, fmt.Errorf("csv: %s: %w", name, err)
		}
		cols[i] = c
	}
	return &reader{schema: as, rb: rb, cols: cols, sp: newSplitter(name, data, o), o: o, skipHeader: o.Header}, nil
}

type reader struct {
	schema     *arrow.Schema
	rb         *array.RecordBuilder
	cols       []converter
	sp         *splitter
	o          Options
	skipHeader bool
	done       bool
	err        error
}

func (r *reader) Schema() *arrow.Schema { return r.schema }

func (r *reader) Close() error {
	if r.rb != nil {
		r.rb.Release()
		r.rb = nil
	}
	return nil
}

func (r *reader) fail(err error) error {
	r.err = err
	r.Close()
	return err
}

// Next converts up to BatchSize rows.
func (r *reader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.rb == nil {
		return nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows := 0
	for rows < r.o.BatchSize && !r.done {
		fields, ok, err := r.sp.next()
		if err != nil {
			if r.o.Mode != DropMalformed {
				return nil, r.fail(err)
			}
			ok = false
		}
		if !ok {
			r.done = true
			break
		}
		if r.skipHeader {
			r.skipHeader = false
			continue
		}
		if len(fields) != len(r.cols) {
			switch r.o.Mode {
			case FailFast:
				return nil, r.fail(fmt.Errorf("csv: %s:%d: found %d fields, schema has %d columns: %w",
					r.sp.name, r.sp.recLine, len(fields), len(r.cols), ErrTypeMismatch))
			case DropMalformed:
				continue
			}
		}
		if r.o.Mode != Permissive {
			if i := r.firstMisfit(fields); i >= 0 {
				if r.o.Mode == DropMalformed {
					continue
				}
				c := r.cols[i]
				return nil, r.fail(fmt.Errorf("csv: %s:%d: field %d (%s): cannot read %q as %s: %w",
					r.sp.name, r.sp.recLine, i+1, c.name, fields[i], types.CatalogString(c.typ), ErrTypeMismatch))
			}
		}
		for i := range r.cols {
			if i < len(fields) {
				r.cols[i].append(fields[i])
			} else {
				r.cols[i].b.AppendNull()
			}
		}
		rows++
	}
	if rows == 0 {
		r.Close()
		return nil, io.EOF
	}
	return r.rb.NewRecordBatch(), nil
}

// firstMisfit returns the index of the first field that does not parse as
// its column's type, or -1. Only FailFast and DropMalformed pay for this
// check before appending, since builders cannot take a row back.
func (r *reader) firstMisfit(fields [][]byte) int {
	for i := range min(len(fields), len(r.cols)) {
		if !r.cols[i].fits(fields[i]) {
			return i
		}
	}
	return -1
}

type kind uint8

const (
	kBool kind = iota
	kByte
	kShort
	kInt
	kLong
	kFloat
	kDouble
	kDecimal
	kString
	kDate
	kTimestamp
)

// converter turns field text into values of one column. Typed builder
// pointers are resolved once; the per-field path is a switch and an append.
type converter struct {
	kind kind
	name string
	typ  types.DataType
	o    *Options
	ts   timestampParser
	dec  types.DecimalType

	b   array.Builder
	bo  *array.BooleanBuilder
	i8  *array.Int8Builder
	i16 *array.Int16Builder
	i32 *array.Int32Builder
	i64 *array.Int64Builder
	f32 *array.Float32Builder
	f64 *array.Float64Builder
	d   *array.Decimal128Builder
	str *array.StringBuilder
	d32 *array.Date32Builder
	tsb *array.TimestampBuilder
}

func newConverter(f types.StructField, b array.Builder, o Options, ts timestampParser) (converter, error) {
	c := converter{name: f.Name, typ: f.Type, o: &o, ts: ts, b: b}
	switch t := f.Type.(type) {
	case types.BooleanType:
		c.kind, c.bo = kBool, b.(*array.BooleanBuilder)
	case types.ByteType:
		c.kind, c.i8 = kByte, b.(*array.Int8Builder)
	case types.ShortType:
		c.kind, c.i16 = kShort, b.(*array.Int16Builder)
	case types.IntegerType:
		c.kind, c.i32 = kInt, b.(*array.Int32Builder)
	case types.LongType:
		c.kind, c.i64 = kLong, b.(*array.Int64Builder)
	case types.FloatType:
		c.kind, c.f32 = kFloat, b.(*array.Float32Builder)
	case types.DoubleType:
		c.kind, c.f64 = kDouble, b.(*array.Float64Builder)
	case types.DecimalType:
		c.kind, c.d, c.dec = kDecimal, b.(*array.Decimal128Builder), t
	case types.StringType:
		c.kind, c.str = kString, b.(*array.StringBuilder)
	case types.DateType:
		c.kind, c.d32 = kDate, b.(*array.Date32Builder)
	case types.TimestampType, types.TimestampNTZType:
		c.kind, c.tsb = kTimestamp, b.(*array.TimestampBuilder)
	default:
		return c, fmt.Errorf("[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't support the column `%s` of the type %q: %w",
			f.Name, f.Type.SQL(), types.ErrUnsupportedType)
	}
	return c, nil
}

// isNull is Spark's nullSafeDatum: the NullValue text is NULL, and for
// non-string columns so is an empty field.
func (c *converter) isNull(f []byte) bool {
	return string(f) == c.o.NullValue || (len(f) == 0 && c.kind != kString)
}

// fits reports whether append would store f as a value (or f is NULL text).
func (c *converter) fits(f []byte) bool {
	if c.isNull(f) {
		return true
	}
	switch c.kind {
	case kBool:
		_, ok := parseBoolean(f)
		return ok
	case kByte, kShort, kInt, kLong:
		_, ok := parseInteger(f, c.bits())
		return ok
	case kFloat, kDouble:
		_, ok := c.double(f)
		return ok
	case kDecimal:
		_, ok := c.decimal(f)
		return ok
	case kDate:
		_, ok := parseDate(f)
		return ok
	case kTimestamp:
		_, ok := c.ts.parse(f)
		return ok
	}
	return true
}

func (c *converter) bits() int {
	switch c.kind {
	case kByte:
		return 8
	case kShort:
		return 16
	case kInt:
		return 32
	}
	return 64
}

func (c *converter) double(f []byte) (float64, bool) {
	if v, ok := parseDouble(f); ok {
		return v, true
	}
	switch string(f) {
	case c.o.NaNValue:
		v, _ := parseDouble([]byte("NaN"))
		return v, true
	case c.o.PositiveInf:
		v, _ := parseDouble([]byte("Infinity"))
		return v, true
	case c.o.NegativeInf:
		v, _ := parseDouble([]byte("-Infinity"))
		return v, true
	}
	return 0, false
}

// decimal parses like Spark's default (en-US) decimal parser: grouping
// commas are removed, then the text must be a plain decimal number that
// fits the column's precision after rounding to its scale.
func (c *converter) decimal(f []byte) (decimal128.Num, bool) {
	if bytes.IndexByte(f, ',') >= 0 {
		f = bytes.ReplaceAll(f, []byte{','}, nil)
	}
	if !decimalNumber(f) {
		return decimal128.Num{}, false
	}
	n, err := decimal128.FromString(string(f), int32(c.dec.Precision), int32(c.dec.Scale))
	return n, err == nil
}

// append stores f, or NULL when it is NULL text or does not parse.
func (c *converter) append(f []byte) {
	if c.isNull(f) {
		c.b.AppendNull()
		return
	}
	switch c.kind {
	case kString:
		c.str.BinaryBuilder.Append(f)
		return
	case kBool:
		if v, ok := parseBoolean(f); ok {
			c.bo.Append(v)
			return
		}
	case kByte, kShort, kInt, kLong:
		if v, ok := parseInteger(f, c.bits()); ok {
			switch c.kind {
			case kByte:
				c.i8.Append(int8(v))
			case kShort:
				c.i16.Append(int16(v))
			case kInt:
				c.i32.Append(int32(v))
			default:
				c.i64.Append(v)
			}
			return
		}
	case kFloat, kDouble:
		if v, ok := c.double(f); ok {
			if c.kind == kFloat {
				c.f32.Append(float32(v))
			} else {
				c.f64.Append(v)
			}
			return
		}
	case kDecimal:
		if v, ok := c.decimal(f); ok {
			c.d.Append(v)
			return
		}
	case kDate:
		if v, ok := parseDate(f); ok {
			c.d32.Append(arrow.Date32(v))
			return
		}
	case kTimestamp:
		if v, ok := c.ts.parse(f); ok {
			c.tsb.Append(arrow.Timestamp(v))
			return
		}
	}
	c.b.AppendNull()
}
