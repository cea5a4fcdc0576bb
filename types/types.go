package types

import (
	"fmt"
	"strings"
)

// DataType is a Spark SQL data type. Values are comparable with Equal; the
// primitive types are singletons (Integer, Long, ...).
type DataType interface {
	// SimpleString is the name Spark prints in printSchema and in Delta's
	// schema JSON for primitives: "integer", "long", "decimal(10,2)".
	SimpleString() string
	// SQL is the name used in DDL and DESCRIBE: "INT", "BIGINT", "ARRAY<INT>".
	SQL() string
	isDataType()
}

type (
	// NullType is the type of an untyped NULL literal (Spark's "void").
	NullType         struct{}
	BooleanType      struct{}
	ByteType         struct{}
	ShortType        struct{}
	IntegerType      struct{}
	LongType         struct{}
	FloatType        struct{}
	DoubleType       struct{}
	StringType       struct{}
	BinaryType       struct{}
	DateType         struct{}
	TimestampType    struct{} // microseconds since the epoch, UTC-adjusted
	TimestampNTZType struct{} // microseconds, no time zone
	// DecimalType is a fixed-point number with Precision digits, Scale of them
	// after the point (Spark allows precision up to 38).
	DecimalType struct{ Precision, Scale int }
	ArrayType   struct {
		ElementType  DataType
		ContainsNull bool
	}
	MapType struct {
		KeyType           DataType
		ValueType         DataType
		ValueContainsNull bool
	}
)

// The primitive types.
var (
	Null         DataType = NullType{}
	Boolean      DataType = BooleanType{}
	Byte         DataType = ByteType{}
	Short        DataType = ShortType{}
	Integer      DataType = IntegerType{}
	Long         DataType = LongType{}
	Float        DataType = FloatType{}
	Double       DataType = DoubleType{}
	String       DataType = StringType{}
	Binary       DataType = BinaryType{}
	Date         DataType = DateType{}
	Timestamp    DataType = TimestampType{}
	TimestampNTZ DataType = TimestampNTZType{}
)

// MaxDecimalPrecision is Spark's (and Parquet's decimal128) limit.
const MaxDecimalPrecision = 38

func (NullType) SimpleString() string         { return "void" }
func (BooleanType) SimpleString() string      { return "boolean" }
func (ByteType) SimpleString() string         { return "byte" }
func (ShortType) SimpleString() string        { return "short" }
func (IntegerType) SimpleString() string      { return "integer" }
func (LongType) SimpleString() string         { return "long" }
func (FloatType) SimpleString() string        { return "float" }
func (DoubleType) SimpleString() string       { return "double" }
func (StringType) SimpleString() string       { return "string" }
func (BinaryType) SimpleString() string       { return "binary" }
func (DateType) SimpleString() string         { return "date" }
func (TimestampType) SimpleString() string    { return "timestamp" }
func (TimestampNTZType) SimpleString() string { return "timestamp_ntz" }
func (t DecimalType) SimpleString() string {
	return fmt.Sprintf("decimal(%d,%d)", t.Precision, t.Scale)
}
func (ArrayType) SimpleString() string  { return "array" }
func (MapType) SimpleString() string    { return "map" }
func (StructType) SimpleString() string { return "struct" }

func (NullType) SQL() string         { return "VOID" }
func (BooleanType) SQL() string      { return "BOOLEAN" }
func (ByteType) SQL() string         { return "TINYINT" }
func (ShortType) SQL() string        { return "SMALLINT" }
func (IntegerType) SQL() string      { return "INT" }
func (LongType) SQL() string         { return "BIGINT" }
func (FloatType) SQL() string        { return "FLOAT" }
func (DoubleType) SQL() string       { return "DOUBLE" }
func (StringType) SQL() string       { return "STRING" }
func (BinaryType) SQL() string       { return "BINARY" }
func (DateType) SQL() string         { return "DATE" }
func (TimestampType) SQL() string    { return "TIMESTAMP" }
func (TimestampNTZType) SQL() string { return "TIMESTAMP_NTZ" }
func (t DecimalType) SQL() string    { return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale) }
func (t ArrayType) SQL() string      { return "ARRAY<" + t.ElementType.SQL() + ">" }
func (t MapType) SQL() string        { return "MAP<" + t.KeyType.SQL() + ", " + t.ValueType.SQL() + ">" }
func (t StructType) SQL() string {
	parts := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		parts[i] = quoteIdent(f.Name) + ": " + f.Type.SQL()
	}
	return "STRUCT<" + strings.Join(parts, ", ") + ">"
}

// CatalogString is the lower-case name Spark's DESCRIBE shows: "int",
// "bigint", "array<string>", "struct<a:int>".
func CatalogString(t DataType) string {
	switch t := t.(type) {
	case ArrayType:
		return "array<" + CatalogString(t.ElementType) + ">"
	case MapType:
		return "map<" + CatalogString(t.KeyType) + "," + CatalogString(t.ValueType) + ">"
	case StructType:
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = f.Name + ":" + CatalogString(f.Type)
		}
		return "struct<" + strings.Join(parts, ",") + ">"
	case DecimalType:
		return t.SimpleString()
	}
	return strings.ToLower(t.SQL())
}

func quoteIdent(s string) string {
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "`" + strings.ReplaceAll(s, "`", "``") + "`"
		}
	}
	return s
}

func (NullType) isDataType()         {}
func (BooleanType) isDataType()      {}
func (ByteType) isDataType()         {}
func (ShortType) isDataType()        {}
func (IntegerType) isDataType()      {}
func (LongType) isDataType()         {}
func (FloatType) isDataType()        {}
func (DoubleType) isDataType()       {}
func (StringType) isDataType()       {}
func (BinaryType) isDataType()       {}
func (DateType) isDataType()         {}
func (TimestampType) isDataType()    {}
func (TimestampNTZType) isDataType() {}
func (DecimalType) isDataType()      {}
func (ArrayType) isDataType()        {}
func (MapType) isDataType()          {}
func (StructType) isDataType()       {}

// Equal reports whether a and b are the same type, including nested
// nullability and field names (field metadata is ignored).
func Equal(a, b DataType) bool {
	switch a := a.(type) {
	case ArrayType:
		b, ok := b.(ArrayType)
		return ok && a.ContainsNull == b.ContainsNull && Equal(a.ElementType, b.ElementType)
	case MapType:
		b, ok := b.(MapType)
		return ok && a.ValueContainsNull == b.ValueContainsNull && Equal(a.KeyType, b.KeyType) && Equal(a.ValueType, b.ValueType)
	case StructType:
		b, ok := b.(StructType)
		if !ok || len(a.Fields) != len(b.Fields) {
			return false
		}
		for i := range a.Fields {
			fa, fb := a.Fields[i], b.Fields[i]
			if fa.Name != fb.Name || fa.Nullable != fb.Nullable || !Equal(fa.Type, fb.Type) {
				return false
			}
		}
		return true
	}
	return a == b
}

// IsNumeric reports whether t is a number type (byte through decimal).
func IsNumeric(t DataType) bool {
	switch t.(type) {
	case ByteType, ShortType, IntegerType, LongType, FloatType, DoubleType, DecimalType:
		return true
	}
	return false
}

// IsIntegral reports whether t is byte, short, integer or long.
func IsIntegral(t DataType) bool {
	switch t.(type) {
	case ByteType, ShortType, IntegerType, LongType:
		return true
	}
	return false
}
