package types

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestVariantType(t *testing.T) {
	const schemaJSON = `{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"v","type":"variant","nullable":true,"metadata":{}}]}`
	for _, tc := range []struct {
		name  string
		check func(t *testing.T)
	}{
		{"names", func(t *testing.T) {
			if Variant.SimpleString() != "variant" || Variant.SQL() != "VARIANT" || CatalogString(Variant) != "variant" {
				t.Fatalf("names %q %q %q", Variant.SimpleString(), Variant.SQL(), CatalogString(Variant))
			}
		}},
		{"schema JSON round trip", func(t *testing.T) {
			st, err := ParseSchema([]byte(schemaJSON))
			if err != nil {
				t.Fatal(err)
			}
			if !IsVariant(st.Fields[1].Type) {
				t.Fatalf("field v parsed as %s", st.Fields[1].Type.SimpleString())
			}
			out, err := MarshalSchema(st)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != schemaJSON {
				t.Fatalf("round trip:\n got %s\nwant %s", out, schemaJSON)
			}
		}},
		{"printSchema", func(t *testing.T) {
			st, _ := ParseSchema([]byte(schemaJSON))
			want := "root\n |-- id: long (nullable = true)\n |-- v: variant (nullable = true)\n"
			if got := st.TreeString(); got != want {
				t.Fatalf("TreeString:\n%s\nwant\n%s", got, want)
			}
		}},
		{"DDL type name not accepted yet", func(t *testing.T) {
			// Writing variants is unsupported, and a CREATE TABLE declaring
			// one would write its Arrow form (a plain struct) instead: the
			// name stays unparsed until writes exist.
			if _, err := ParseSQLType("VARIANT"); !errors.Is(err, ErrUnsupportedType) {
				t.Fatalf("ParseSQLType(VARIANT) err = %v, want ErrUnsupportedType", err)
			}
		}},
		{"arrow form is struct of two required binaries", func(t *testing.T) {
			want := arrow.StructOf(
				arrow.Field{Name: "value", Type: arrow.BinaryTypes.Binary},
				arrow.Field{Name: "metadata", Type: arrow.BinaryTypes.Binary},
			)
			if got := ToArrow(Variant); !arrow.TypeEqual(got, want) {
				t.Fatalf("ToArrow(variant) = %s, want %s", got, want)
			}
		}},
		{"FromArrow does not guess variant", func(t *testing.T) {
			got, err := FromArrow(ToArrow(Variant))
			if err != nil {
				t.Fatal(err)
			}
			if IsVariant(got) {
				t.Fatal("FromArrow turned a struct<value,metadata> into VARIANT")
			}
			if _, ok := got.(StructType); !ok {
				t.Fatalf("FromArrow = %s, want a struct", got.SimpleString())
			}
		}},
		{"equal only to itself", func(t *testing.T) {
			if !Equal(Variant, VariantType{}) || Equal(Variant, Binary) {
				t.Fatal("Equal on variant")
			}
			if s, _ := FromArrow(ToArrow(Variant)); Equal(Variant, s) {
				t.Fatal("variant equals its arrow struct")
			}
		}},
	} {
		t.Run(tc.name, tc.check)
	}
}
