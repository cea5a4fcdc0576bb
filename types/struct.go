package types

import (
	"fmt"
	"strings"
)

// StructField is one named column of a StructType. Metadata holds the
// field's JSON metadata verbatim (Delta keeps column-mapping ids, generated
// column expressions and invariants there).
type StructField struct {
	Name     string
	Type     DataType
	Nullable bool
	Metadata map[string]any
}

// StructType is an ordered list of fields: a row type and a table schema.
type StructType struct {
	Fields []StructField
}

// NewStruct builds a StructType from fields.
func NewStruct(fields ...StructField) StructType { return StructType{Fields: fields} }

// Field returns a nullable field with no metadata.
func Field(name string, t DataType) StructField {
	return StructField{Name: name, Type: t, Nullable: true}
}

// Names returns the field names in order.
func (s StructType) Names() []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}

// FieldIndex returns the index of the field named name, compared
// case-insensitively as Spark does by default (spark.sql.caseSensitive=false),
// or -1. An exact-case match wins over a case-insensitive one.
func (s StructType) FieldIndex(name string) int {
	for i, f := range s.Fields {
		if f.Name == name {
			return i
		}
	}
	for i, f := range s.Fields {
		if strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}

// TreeString renders the schema as Spark's printSchema does:
//
//	root
//	 |-- mrn: integer (nullable = true)
//	 |-- name: string (nullable = true)
func (s StructType) TreeString() string {
	var b strings.Builder
	b.WriteString("root\n")
	writeFields(&b, s, " |")
	return b.String()
}

func writeFields(b *strings.Builder, s StructType, prefix string) {
	for _, f := range s.Fields {
		fmt.Fprintf(b, "%s-- %s: %s (nullable = %t)\n", prefix, f.Name, f.Type.SimpleString(), f.Nullable)
		writeNested(b, f.Type, prefix+"    |")
	}
}

func writeNested(b *strings.Builder, t DataType, prefix string) {
	switch t := t.(type) {
	case StructType:
		writeFields(b, t, prefix)
	case ArrayType:
		fmt.Fprintf(b, "%s-- element: %s (containsNull = %t)\n", prefix, t.ElementType.SimpleString(), t.ContainsNull)
		writeNested(b, t.ElementType, prefix+"    |")
	case MapType:
		fmt.Fprintf(b, "%s-- key: %s\n", prefix, t.KeyType.SimpleString())
		writeNested(b, t.KeyType, prefix+"    |")
		fmt.Fprintf(b, "%s-- value: %s (valueContainsNull = %t)\n", prefix, t.ValueType.SimpleString(), t.ValueContainsNull)
		writeNested(b, t.ValueType, prefix+"    |")
	}
}
