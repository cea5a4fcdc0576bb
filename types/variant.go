package types

import "github.com/apache/arrow-go/v18/arrow"

// VariantType is Spark's semi-structured VARIANT: each value is a
// self-describing binary (the Parquet Variant encoding) plus a metadata
// binary holding the dictionary of object keys it uses.
//
// Its Arrow form is struct<value: binary not null, metadata: binary not
// null> because that is exactly how Delta and Spark store a variant column in
// Parquet (a group of two required binaries): scans hand the column through
// unchanged, and only a cast (internal/expr) needs to understand the bytes.
// The struct itself is nullable — a NULL variant is a null struct slot, while
// a variant holding JSON null is a present value whose bytes say null.
//
// FromArrow never answers VariantType: an Arrow struct of two binaries is an
// ordinary struct unless the table's schema JSON says "variant".
type VariantType struct{}

// Variant is the VARIANT type.
var Variant DataType = VariantType{}

// Names of the two children of a variant's Arrow struct, as Parquet stores them.
const (
	VariantValueField    = "value"
	VariantMetadataField = "metadata"
)

func (VariantType) SimpleString() string { return "variant" }
func (VariantType) SQL() string          { return "VARIANT" }
func (VariantType) isDataType()          {}

// arrowVariant is the shared Arrow form of VariantType.
var arrowVariant = arrow.StructOf(
	arrow.Field{Name: VariantValueField, Type: arrow.BinaryTypes.Binary},
	arrow.Field{Name: VariantMetadataField, Type: arrow.BinaryTypes.Binary},
)

// IsVariant reports whether t is VARIANT.
func IsVariant(t DataType) bool {
	_, ok := t.(VariantType)
	return ok
}
