package delta

import (
	"fmt"

	"github.com/ingotdata/ingot/types"
)

// Variant columns (reader feature variantType, PROTOCOL.md "Variant Data
// Type"). A variant is stored in Parquet as a group of two required
// binaries, value and metadata, and types.ToArrow(types.Variant) is exactly
// that struct, so a scan returns the column as read: the bytes stay in the
// Variant binary encoding and only consumers that interpret them (a cast to
// STRING in internal/expr) decode them. Delta writes no statistics for
// variant columns, so data skipping never sees one.
//
// Writing is refused. variantType is absent from supportedWriterFeatures, so
// tables that have it reject writes in checkWriteSupport; refuseVariantWrite
// also stops a write plan or a staged schema (Transaction.UpdateMetadata,
// SetSchema) from putting a variant column into a table that lacks the
// feature, which would leave a log other engines reject.

// refuseVariantWrite fails when schema holds a variant at any depth.
func refuseVariantWrite(schema types.StructType) error {
	for _, f := range schema.Fields {
		if path, ok := variantPath(f.Name, f.Type); ok {
			return fmt.Errorf("delta: write: column %s is VARIANT (writer feature \"variantType\"): %w", path, ErrUnsupportedFeature)
		}
	}
	return nil
}

// variantPath reports whether t (named path) is or holds a variant, and
// the dotted path to the first one.
func variantPath(path string, t types.DataType) (string, bool) {
	switch t := t.(type) {
	case types.VariantType:
		return path, true
	case types.StructType:
		for _, f := range t.Fields {
			if p, ok := variantPath(path+"."+f.Name, f.Type); ok {
				return p, true
			}
		}
	case types.ArrayType:
		return variantPath(path+".element", t.ElementType)
	case types.MapType:
		if p, ok := variantPath(path+".key", t.KeyType); ok {
			return p, true
		}
		return variantPath(path+".value", t.ValueType)
	}
	return "", false
}
