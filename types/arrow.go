package types

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// ErrUnsupportedType marks a type ingot cannot represent.
var ErrUnsupportedType = errors.New("unsupported data type")

// The Arrow layout of each Spark type. Timestamps are microseconds, as Spark
// and Delta store them; a TIMESTAMP carries the "UTC" zone (an instant),
// TIMESTAMP_NTZ none (a wall-clock reading). Strings and binaries use the
// 32-bit-offset layouts: a single batch never holds 2 GiB of text.
var (
	arrowTimestamp    = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	arrowTimestampNTZ = &arrow.TimestampType{Unit: arrow.Microsecond}
)

// ToArrow returns the Arrow type that holds values of t.
func ToArrow(t DataType) arrow.DataType {
	switch t := t.(type) {
	case NullType:
		return arrow.Null
	case BooleanType:
		return arrow.FixedWidthTypes.Boolean
	case ByteType:
		return arrow.PrimitiveTypes.Int8
	case ShortType:
		return arrow.PrimitiveTypes.Int16
	case IntegerType:
		return arrow.PrimitiveTypes.Int32
	case LongType:
		return arrow.PrimitiveTypes.Int64
	case FloatType:
		return arrow.PrimitiveTypes.Float32
	case DoubleType:
		return arrow.PrimitiveTypes.Float64
	case StringType:
		return arrow.BinaryTypes.String
	case BinaryType:
		return arrow.BinaryTypes.Binary
	case DateType:
		return arrow.FixedWidthTypes.Date32
	case TimestampType:
		return arrowTimestamp
	case TimestampNTZType:
		return arrowTimestampNTZ
	case DecimalType:
		return &arrow.Decimal128Type{Precision: int32(t.Precision), Scale: int32(t.Scale)}
	case ArrayType:
		return arrow.ListOfField(arrow.Field{Name: "element", Type: ToArrow(t.ElementType), Nullable: t.ContainsNull})
	case MapType:
		m := arrow.MapOf(ToArrow(t.KeyType), ToArrow(t.ValueType))
		m.SetItemNullable(t.ValueContainsNull)
		return m
	case StructType:
		return arrow.StructOf(arrowFields(t)...)
	case VariantType:
		return arrowVariant
	}
	panic(fmt.Sprintf("types: ToArrow of unknown type %T", t))
}

func arrowFields(s StructType) []arrow.Field {
	fs := make([]arrow.Field, len(s.Fields))
	for i, f := range s.Fields {
		fs[i] = arrow.Field{Name: f.Name, Type: ToArrow(f.Type), Nullable: f.Nullable}
	}
	return fs
}

// ArrowSchema returns the Arrow schema of a row type.
func (s StructType) ArrowSchema() *arrow.Schema {
	return arrow.NewSchema(arrowFields(s), nil)
}

// FromArrow returns the Spark type for an Arrow type. Unsigned integers widen
// to the next signed type, as Spark reads them from Parquet; large and view
// layouts map to the same type as their small forms.
func FromArrow(t arrow.DataType) (DataType, error) {
	switch t := t.(type) {
	case *arrow.NullType:
		return Null, nil
	case *arrow.BooleanType:
		return Boolean, nil
	case *arrow.Int8Type:
		return Byte, nil
	case *arrow.Int16Type, *arrow.Uint8Type:
		return Short, nil
	case *arrow.Int32Type, *arrow.Uint16Type:
		return Integer, nil
	case *arrow.Int64Type, *arrow.Uint32Type:
		return Long, nil
	case *arrow.Uint64Type:
		return DecimalType{Precision: 20, Scale: 0}, nil
	case *arrow.Float16Type, *arrow.Float32Type:
		return Float, nil
	case *arrow.Float64Type:
		return Double, nil
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType:
		return String, nil
	case *arrow.BinaryType, *arrow.LargeBinaryType, *arrow.BinaryViewType, *arrow.FixedSizeBinaryType:
		return Binary, nil
	case *arrow.Date32Type, *arrow.Date64Type:
		return Date, nil
	case *arrow.TimestampType:
		if t.TimeZone == "" {
			return TimestampNTZ, nil
		}
		return Timestamp, nil
	case *arrow.Decimal128Type:
		return DecimalType{Precision: int(t.Precision), Scale: int(t.Scale)}, nil
	case *arrow.Decimal32Type:
		return DecimalType{Precision: int(t.Precision), Scale: int(t.Scale)}, nil
	case *arrow.Decimal64Type:
		return DecimalType{Precision: int(t.Precision), Scale: int(t.Scale)}, nil
	case *arrow.ListType:
		et, err := FromArrow(t.Elem())
		if err != nil {
			return nil, err
		}
		return ArrayType{ElementType: et, ContainsNull: t.ElemField().Nullable}, nil
	case *arrow.LargeListType:
		et, err := FromArrow(t.Elem())
		if err != nil {
			return nil, err
		}
		return ArrayType{ElementType: et, ContainsNull: t.ElemField().Nullable}, nil
	case *arrow.MapType:
		kt, err := FromArrow(t.KeyType())
		if err != nil {
			return nil, err
		}
		vt, err := FromArrow(t.ItemType())
		if err != nil {
			return nil, err
		}
		return MapType{KeyType: kt, ValueType: vt, ValueContainsNull: t.ItemField().Nullable}, nil
	case *arrow.StructType:
		return StructFromArrowFields(t.Fields())
	case *arrow.DictionaryType:
		return FromArrow(t.ValueType)
	}
	return nil, fmt.Errorf("types: arrow type %s: %w", t, ErrUnsupportedType)
}

// StructFromArrowFields converts Arrow fields to a StructType.
func StructFromArrowFields(fields []arrow.Field) (StructType, error) {
	st := StructType{Fields: make([]StructField, len(fields))}
	for i, f := range fields {
		ft, err := FromArrow(f.Type)
		if err != nil {
			return StructType{}, fmt.Errorf("column %q: %w", f.Name, err)
		}
		st.Fields[i] = StructField{Name: f.Name, Type: ft, Nullable: f.Nullable}
	}
	return st, nil
}

// FromArrowSchema converts an Arrow schema to a StructType.
func FromArrowSchema(s *arrow.Schema) (StructType, error) {
	return StructFromArrowFields(s.Fields())
}
