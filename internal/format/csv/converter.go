package csv

import (
	"bytes"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ingotdata/ingot/internal/format/textread"
	"github.com/ingotdata/ingot/types"
)

// converter turns field text into values of one column by Spark's CSV
// rules: Java's number parsing, the NullValue/NaNValue/PositiveInf/
// NegativeInf texts, grouping commas in decimals and timestampFormat.
type converter struct {
	textread.Column
	name string
	o    *Options
	ts   textread.TimestampParser
}

func newConverter(f types.StructField, b array.Builder, o Options, ts textread.TimestampParser) (converter, error) {
	col, ok := textread.NewColumn(f.Type, b)
	switch col.Kind {
	case textread.KindBinary, textread.KindNull, textread.KindStruct, textread.KindArray, textread.KindMap:
		ok = false
	}
	if !ok {
		return converter{}, fmt.Errorf("[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't support the column `%s` of the type %q: %w",
			f.Name, f.Type.SQL(), types.ErrUnsupportedType)
	}
	return converter{Column: col, name: f.Name, o: &o, ts: ts}, nil
}

// isNull is Spark's nullSafeDatum: the NullValue text is NULL, and for
// non-string columns so is an empty field.
func (c *converter) isNull(f []byte) bool {
	return string(f) == c.o.NullValue || (len(f) == 0 && c.Kind != textread.KindString)
}

func (c *converter) double(f []byte) (float64, bool) {
	if v, ok := textread.ParseJavaDouble(f); ok {
		return v, true
	}
	switch string(f) {
	case c.o.NaNValue:
		return math.NaN(), true
	case c.o.PositiveInf:
		return math.Inf(1), true
	case c.o.NegativeInf:
		return math.Inf(-1), true
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
	if !textread.IsDecimalNumber(f) {
		return decimal128.Num{}, false
	}
	n, err := decimal128.FromString(string(f), int32(c.Decimal.Precision), int32(c.Decimal.Scale))
	return n, err == nil
}

// append stores f, or NULL when it is NULL text or does not parse; false
// means it did not parse.
func (c *converter) append(f []byte) bool {
	if c.isNull(f) {
		c.AppendNull()
		return true
	}
	switch c.Kind {
	case textread.KindString:
		c.AppendString(f)
		return true
	case textread.KindBool:
		if v, ok := textread.ParseBoolean(f); ok {
			c.AppendBool(v)
			return true
		}
	case textread.KindByte, textread.KindShort, textread.KindInt, textread.KindLong:
		if v, ok := textread.ParseInteger(f, 64); ok && c.AppendInt(v) {
			return true
		}
	case textread.KindFloat, textread.KindDouble:
		if v, ok := c.double(f); ok {
			c.AppendFloat(v)
			return true
		}
	case textread.KindDecimal:
		if v, ok := c.decimal(f); ok {
			c.AppendDecimal(v)
			return true
		}
	case textread.KindDate:
		if v, ok := textread.ParseDate(f); ok {
			c.AppendDate(v)
			return true
		}
	case textread.KindTimestamp:
		if v, ok := c.ts.Parse(f); ok {
			c.AppendTimestamp(v)
			return true
		}
	}
	c.AppendNull()
	return false
}
