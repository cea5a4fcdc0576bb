package csv

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/textread/textreadtest"
	"github.com/ingotdata/ingot/types"
)

func benchCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("mrn,name,heartrate,time\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,\"Patient %d\",%.2f,2024-01-%02d 10:00:%02d\n", 10000000+i*7919%90000000, i%34, 50+float64(i%5000)/100, 1+i%28, i%60)
	}
	return []byte(b.String())
}

func BenchmarkRead(b *testing.B) {
	const rows = 100_000
	data := benchCSV(rows)
	schema := types.NewStruct(types.Field("mrn", types.Integer), types.Field("name", types.String),
		types.Field("heartrate", types.Double), types.Field("time", types.Timestamp))
	textreadtest.BenchRead(b, len(data), rows, func() (batch.Reader, error) {
		return ReadBytes(data, "bench.csv", schema, Options{Header: true})
	})
}

func BenchmarkInfer(b *testing.B) {
	const rows = 100_000
	data := benchCSV(rows)
	textreadtest.BenchInfer(b, len(data), rows, func() error {
		_, err := InferBytes(data, "bench.csv", Options{Header: true, InferSchema: true})
		return err
	})
}

// Closing a reader part-way releases the batch being built.
func TestCloseMidStream(t *testing.T) {
	schema := types.NewStruct(types.Field("a", types.Long), types.Field("b", types.String))
	textreadtest.CloseMidStream(t, func(mem memory.Allocator) (batch.Reader, error) {
		return Read(strings.NewReader("1,x\n2,y\n3,z\n"), "t.csv", schema, Options{BatchSize: 2, Allocator: mem})
	})
}

func TestMergeSchemas(t *testing.T) {
	s := func(ts ...types.DataType) types.StructType {
		var st types.StructType
		for i, t := range ts {
			st.Fields = append(st.Fields, types.Field(fmt.Sprintf("c%d", i), t))
		}
		return st
	}
	for _, tc := range []struct {
		name    string
		a, b    types.StructType
		want    string
		wantErr bool
	}{
		{"widen", s(types.Integer, types.Long, types.Integer, types.Date), s(types.Long, types.Double, types.Boolean, types.Timestamp),
			"STRUCT<c0: BIGINT, c1: DOUBLE, c2: STRING, c3: TIMESTAMP>", false},
		{"decimal", s(types.DecimalType{Precision: 20}, types.DecimalType{Precision: 38}), s(types.Long, types.DecimalType{Precision: 38, Scale: 2}),
			"STRUCT<c0: DECIMAL(20,0), c1: DOUBLE>", false},
		{"empty", s(), s(types.Integer), "STRUCT<c0: INT>", false},
		{"column-count", s(types.Integer), s(types.Integer, types.String), "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MergeSchemas(tc.a, tc.b)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %t", err, tc.wantErr)
			}
			if err == nil && got.SQL() != tc.want {
				t.Fatalf("merged = %s, want %s", got.SQL(), tc.want)
			}
		})
	}
}
