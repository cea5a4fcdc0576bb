package textread

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ingotdata/ingot/types"
)

// Kind is a column's Spark type reduced to what a per-value switch needs.
type Kind uint8

const (
	KindBool Kind = iota
	KindByte
	KindShort
	KindInt
	KindLong
	KindFloat
	KindDouble
	KindString
	KindBinary
	KindDecimal
	KindDate
	KindTimestamp
	KindNull
	// The nested kinds: Column resolves no typed builder for them; a format
	// that reads nested values keeps its own.
	KindStruct
	KindArray
	KindMap
)

// Bits is the width of an integral kind (64 for the others).
func (k Kind) Bits() int {
	switch k {
	case KindByte:
		return 8
	case KindShort:
		return 16
	case KindInt:
		return 32
	}
	return 64
}

// Column appends values of one Spark type to one Arrow builder. The typed
// builder pointer is resolved once, so that a reader's per-value path is a
// switch on Kind and a direct append, with no interface boxing.
type Column struct {
	Kind    Kind
	Type    types.DataType
	Decimal types.DecimalType // the type when Kind is KindDecimal
	// B is the builder, for AppendNull and for the nested kinds.
	B array.Builder

	bo  *array.BooleanBuilder
	i8  *array.Int8Builder
	i16 *array.Int16Builder
	i32 *array.Int32Builder
	i64 *array.Int64Builder
	f32 *array.Float32Builder
	f64 *array.Float64Builder
	str *array.StringBuilder
	bin *array.BinaryBuilder
	dec *array.Decimal128Builder
	d32 *array.Date32Builder
	ts  *array.TimestampBuilder
}

// NewColumn resolves b, which must be the builder types.ToArrow(t) makes.
// ok is false for a type no reader handles (Kind is then meaningless).
func NewColumn(t types.DataType, b array.Builder) (c Column, ok bool) {
	c = Column{Type: t, B: b}
	switch t := t.(type) {
	case types.BooleanType:
		c.Kind, c.bo = KindBool, b.(*array.BooleanBuilder)
	case types.ByteType:
		c.Kind, c.i8 = KindByte, b.(*array.Int8Builder)
	case types.ShortType:
		c.Kind, c.i16 = KindShort, b.(*array.Int16Builder)
	case types.IntegerType:
		c.Kind, c.i32 = KindInt, b.(*array.Int32Builder)
	case types.LongType:
		c.Kind, c.i64 = KindLong, b.(*array.Int64Builder)
	case types.FloatType:
		c.Kind, c.f32 = KindFloat, b.(*array.Float32Builder)
	case types.DoubleType:
		c.Kind, c.f64 = KindDouble, b.(*array.Float64Builder)
	case types.StringType:
		c.Kind, c.str = KindString, b.(*array.StringBuilder)
	case types.BinaryType:
		c.Kind, c.bin = KindBinary, b.(*array.BinaryBuilder)
	case types.DecimalType:
		c.Kind, c.dec, c.Decimal = KindDecimal, b.(*array.Decimal128Builder), t
	case types.DateType:
		c.Kind, c.d32 = KindDate, b.(*array.Date32Builder)
	case types.TimestampType, types.TimestampNTZType:
		c.Kind, c.ts = KindTimestamp, b.(*array.TimestampBuilder)
	case types.NullType:
		c.Kind = KindNull
	case types.StructType:
		c.Kind = KindStruct
	case types.ArrayType:
		c.Kind = KindArray
	case types.MapType:
		c.Kind = KindMap
	default:
		return c, false
	}
	return c, true
}

// AppendNull appends a NULL.
func (c *Column) AppendNull() { c.B.AppendNull() }

// AppendBool appends v to a KindBool column.
func (c *Column) AppendBool(v bool) { c.bo.Append(v) }

// AppendInt appends v to an integral column; false (and nothing appended)
// means v is out of the column's range.
func (c *Column) AppendInt(v int64) bool {
	switch c.Kind {
	case KindByte:
		if v < math.MinInt8 || v > math.MaxInt8 {
			return false
		}
		c.i8.Append(int8(v))
	case KindShort:
		if v < math.MinInt16 || v > math.MaxInt16 {
			return false
		}
		c.i16.Append(int16(v))
	case KindInt:
		if v < math.MinInt32 || v > math.MaxInt32 {
			return false
		}
		c.i32.Append(int32(v))
	default:
		c.i64.Append(v)
	}
	return true
}

// AppendFloat appends v to a KindFloat (rounded) or KindDouble column.
func (c *Column) AppendFloat(v float64) {
	if c.Kind == KindFloat {
		c.f32.Append(float32(v))
		return
	}
	c.f64.Append(v)
}

// AppendDecimal appends v, already at the column's scale.
func (c *Column) AppendDecimal(v decimal128.Num) { c.dec.Append(v) }

// AppendString appends v's bytes (copied) to a KindString column.
func (c *Column) AppendString(v []byte) { c.str.BinaryBuilder.Append(v) }

// AppendBinary appends v's bytes (copied) to a KindBinary column.
func (c *Column) AppendBinary(v []byte) { c.bin.Append(v) }

// AppendDate appends days since the epoch to a KindDate column.
func (c *Column) AppendDate(days int32) { c.d32.Append(arrow.Date32(days)) }

// AppendTimestamp appends microseconds since the epoch to a KindTimestamp
// column.
func (c *Column) AppendTimestamp(us int64) { c.ts.Append(arrow.Timestamp(us)) }
