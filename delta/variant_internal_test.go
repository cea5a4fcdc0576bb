package delta

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

func TestRefuseVariantWrite(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema types.StructType
		want   string // column path named in the error; "" for no error
	}{
		{"no variant", types.NewStruct(types.Field("a", types.Long), types.Field("b", types.Binary)), ""},
		{"top level", types.NewStruct(types.Field("a", types.Long), types.Field("v", types.Variant)), "v"},
		{"in struct", types.NewStruct(types.Field("s", types.NewStruct(types.Field("v", types.Variant)))), "s.v"},
		{"array element", types.NewStruct(types.Field("xs", types.ArrayType{ElementType: types.Variant, ContainsNull: true})), "xs.element"},
		{"map value", types.NewStruct(types.Field("m", types.MapType{KeyType: types.String, ValueType: types.Variant})), "m.value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := refuseVariantWrite(tc.schema)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrUnsupportedFeature) || !strings.Contains(err.Error(), "column "+tc.want+" is VARIANT") {
				t.Fatalf("err = %v, want ErrUnsupportedFeature naming %s", err, tc.want)
			}
		})
	}
}

// TestSetSchemaVariantRefused: staging a schema with a variant column on a
// table without the variantType feature fails instead of committing a
// table other engines would reject.
func TestSetSchemaVariantRefused(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	if _, err := tbl.Write(ctx, batch.FromSlice(schema), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	tx, err := tbl.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = tx.SetSchema(types.NewStruct(types.Field("id", types.Long), types.Field("v", types.Variant)))
	if !errors.Is(err, ErrUnsupportedFeature) || !strings.Contains(err.Error(), "column v is VARIANT") {
		t.Fatalf("err = %v, want ErrUnsupportedFeature naming column v", err)
	}
}
