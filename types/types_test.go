package types

import (
	"strings"
	"testing"
)

func TestSchemaJSONRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, json string }{
		{"flat", `{"type":"struct","fields":[{"name":"mrn","type":"long","nullable":true,"metadata":{}},{"name":"name","type":"string","nullable":false,"metadata":{}}]}`},
		{"decimal", `{"type":"struct","fields":[{"name":"d","type":"decimal(10,2)","nullable":true,"metadata":{}}]}`},
		{"nested", `{"type":"struct","fields":[{"name":"a","type":{"type":"array","elementType":"integer","containsNull":true},"nullable":true,"metadata":{}},{"name":"m","type":{"type":"map","keyType":"string","valueType":{"type":"struct","fields":[{"name":"x","type":"timestamp_ntz","nullable":true,"metadata":{}}]},"valueContainsNull":false},"nullable":true,"metadata":{}}]}`},
		{"metadata", `{"type":"struct","fields":[{"name":"c","type":"integer","nullable":true,"metadata":{"delta.columnMapping.id":1,"delta.columnMapping.physicalName":"col-1"}}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := ParseSchema([]byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			out, err := MarshalSchema(st)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.json {
				t.Fatalf("round trip:\n got %s\nwant %s", out, tc.json)
			}
			back, err := FromArrowSchema(st.ArrowSchema())
			if err != nil {
				t.Fatal(err)
			}
			if !Equal(back, st) {
				t.Fatalf("arrow round trip: got %s want %s", back.SQL(), st.SQL())
			}
		})
	}
}

func TestParseSQLType(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want DataType
		err  string
	}{
		{in: "INT", want: Integer},
		{in: "bigint", want: Long},
		{in: "Decimal(10, 2)", want: DecimalType{10, 2}},
		{in: "array<string>", want: ArrayType{String, true}},
		{in: "map<string,int>", want: MapType{String, Integer, true}},
		{in: "struct<a:int,b string>", want: NewStruct(Field("a", Integer), Field("b", String))},
		{in: "decimal(40,2)", err: "out of range"},
		{in: "text", err: "UNSUPPORTED_DATATYPE"},
		{in: "int extra", err: "unexpected"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSQLType(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !Equal(got, tc.want) {
				t.Fatalf("got %s want %s", got.SQL(), tc.want.SQL())
			}
		})
	}
}

func TestTreeString(t *testing.T) {
	st := NewStruct(Field("mrn", Integer), Field("tags", ArrayType{String, true}))
	want := "root\n |-- mrn: integer (nullable = true)\n |-- tags: array (nullable = true)\n |    |-- element: string (containsNull = true)\n"
	if got := st.TreeString(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
