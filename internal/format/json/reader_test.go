package json

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/textread/textreadtest"
	"github.com/ingotdata/ingot/types"
)

// Closing a reader part-way releases the batch being built.
func TestCloseMidStream(t *testing.T) {
	schema := types.NewStruct(types.Field("a", types.Long), types.Field("o", types.StructType{Fields: []types.StructField{types.Field("x", types.String)}}))
	textreadtest.CloseMidStream(t, func(mem memory.Allocator) (batch.Reader, error) {
		return Read(strings.NewReader(`{"a":1}`+"\n"+`{"a":2,"o":{"x":"y"}}`+"\n"+`{"a":3}`), "t.json", schema, Options{BatchSize: 2, Allocator: mem})
	})
}

func TestErrorsAreSentinels(t *testing.T) {
	schema := types.NewStruct(types.Field("a", types.Long))
	for _, tc := range []struct {
		name string
		in   string
		mode Mode
		want error
	}{
		{"syntax", `{"a": }`, Permissive, ErrMalformed},
		{"not-object", `[1]`, Permissive, ErrMalformed},
		{"mismatch-failfast", `{"a": "x"}`, FailFast, ErrTypeMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Read(strings.NewReader(tc.in), "t.json", schema, Options{Mode: tc.mode})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			_, err = r.Next(context.Background())
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), "t.json:1:") {
				t.Fatalf("err = %v, want %v naming t.json:1", err, tc.want)
			}
		})
	}
}

func TestMergeSchemas(t *testing.T) {
	st := func(fs ...types.StructField) types.StructType { return types.NewStruct(fs...) }
	f := types.Field
	for _, tc := range []struct {
		name string
		a, b types.StructType
		want string
	}{
		{"union-sorted", st(f("b", types.Long)), st(f("a", types.String)), "STRUCT<a: STRING, b: BIGINT>"},
		{"long-double", st(f("x", types.Long)), st(f("x", types.Double)), "STRUCT<x: DOUBLE>"},
		{"long-decimal", st(f("x", types.Long)), st(f("x", types.DecimalType{Precision: 5, Scale: 2})), "STRUCT<x: DECIMAL(22,2)>"},
		{"string-wins", st(f("x", types.Boolean)), st(f("x", types.Long)), "STRUCT<x: STRING>"},
		{"nested", st(f("o", st(f("q", types.Long)))), st(f("o", st(f("p", types.String), f("q", types.Double)))),
			"STRUCT<o: STRUCT<p: STRING, q: DOUBLE>>"},
		{"array", st(f("l", types.ArrayType{ElementType: types.Long, ContainsNull: true})),
			st(f("l", types.ArrayType{ElementType: types.String, ContainsNull: true})), "STRUCT<l: ARRAY<STRING>>"},
		{"array-vs-struct", st(f("l", types.ArrayType{ElementType: types.Long})), st(f("l", st(f("a", types.Long)))), "STRUCT<l: STRING>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MergeSchemas(tc.a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if got.SQL() != tc.want {
				t.Fatalf("merged = %s, want %s", got.SQL(), tc.want)
			}
		})
	}
}

// A reader that cannot be set up is a nil interface, not a nil *Reader in a
// non-nil one.
func TestReadSetupErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema types.StructType
	}{
		{"map-key-not-string", types.NewStruct(types.Field("m", types.MapType{KeyType: types.Integer, ValueType: types.Long}))},
		{"nested-map-key", types.NewStruct(types.Field("o", types.NewStruct(types.Field("m", types.MapType{KeyType: types.Long, ValueType: types.Long}))))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ReadBytes([]byte(`{}`), "t.json", tc.schema, Options{})
			if !errors.Is(err, types.ErrUnsupportedType) || r != nil {
				t.Fatalf("ReadBytes = %v, %v; want nil reader and ErrUnsupportedType", r, err)
			}
		})
	}
}
