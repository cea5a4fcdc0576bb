package ingot

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/types"
)

// BenchmarkGenerator measures the per-batch work a write to a table with
// a generated column adds: computing it (data lacks it) or checking it
// (data carries it).
func BenchmarkGenerator(b *testing.B) {
	const rows = 1 << 16
	table := types.NewStruct(types.Field("a", types.Long), types.Field("g", types.Long))
	gen := map[string]string{"g": "a * 2 + 1"}
	ab := array.NewInt64Builder(memory.DefaultAllocator)
	gb := array.NewInt64Builder(memory.DefaultAllocator)
	for i := int64(0); i < rows; i++ {
		ab.Append(i)
		gb.Append(i*2 + 1)
	}
	a, g := ab.NewArray(), gb.NewArray()
	ab.Release()
	gb.Release()
	defer a.Release()
	defer g.Release()
	for _, bc := range []struct {
		name string
		data types.StructType
		cols []arrow.Array
	}{
		{"compute", types.NewStruct(types.Field("a", types.Long)), []arrow.Array{a}},
		{"check", table, []arrow.Array{a, g}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			gr, err := newGenerator(table, gen, bc.data)
			if err != nil {
				b.Fatal(err)
			}
			rec := array.NewRecordBatch(bc.data.ArrowSchema(), bc.cols, rows)
			defer rec.Release()
			ctx := context.Background()
			b.SetBytes(int64(8 * rows * len(bc.cols)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				out, err := gr.apply(ctx, rec)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestGeneratorReleases: computing, checking and rejecting batches keeps
// no reference to the input's memory once the output is released (the
// evaluators allocate from the default allocator, so only the input is
// tracked), and the computed column holds the expression's values.
func TestGeneratorReleases(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	table := types.NewStruct(types.Field("a", types.Long), types.Field("g", types.Long))
	for _, tc := range []struct {
		name    string
		g       []int64 // nil: the data lacks g
		wantErr bool
	}{
		{"compute", nil, false},
		{"check ok", []int64{3, 5}, false},
		{"check fails", []int64{3, 6}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ab := array.NewInt64Builder(mem)
			ab.AppendValues([]int64{1, 2}, nil)
			cols := []arrow.Array{ab.NewArray()}
			ab.Release()
			data := types.NewStruct(types.Field("a", types.Long))
			if tc.g != nil {
				gb := array.NewInt64Builder(mem)
				gb.AppendValues(tc.g, nil)
				cols = append(cols, gb.NewArray())
				gb.Release()
				data = table
			}
			rec := array.NewRecordBatch(data.ArrowSchema(), cols, 2)
			for _, c := range cols {
				c.Release()
			}
			defer rec.Release()
			gr, err := newGenerator(table, map[string]string{"g": "a * 2 + 1"}, data)
			if err != nil {
				t.Fatal(err)
			}
			out, err := gr.apply(context.Background(), rec)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if out == nil {
				return
			}
			defer out.Release()
			if out.NumCols() != 2 || out.Column(1).(*array.Int64).Value(1) != 5 {
				t.Fatalf("out = %v", out)
			}
		})
	}
}
