package exec

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

const benchBatch = 8192

// keyBatches makes rows rows of (long key = i % distinct, string) in
// batches of benchBatch rows.
func keyBatches(mem memory.Allocator, st types.StructType, rows, distinct int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for start := 0; start < rows; start += benchBatch {
		n := min(benchBatch, rows-start)
		b := array.NewRecordBuilder(mem, st.ArrowSchema())
		kb := b.Field(0).(*array.Int64Builder)
		sb := b.Field(1).(*array.StringBuilder)
		for i := start; i < start+n; i++ {
			kb.Append(int64(i % distinct))
			sb.Append("value")
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
	}
	return out
}

func drain(tb testing.TB, ctx context.Context, op Operator) int64 {
	r, err := op.Open(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var n int64
	for {
		rec, err := r.Next(ctx)
		if err != nil {
			return n
		}
		n += rec.NumRows()
		rec.Release()
	}
}

// runBench opens op b.N times, checking that each run yields want rows, and
// reports the throughput over the inRows input rows (8-byte keys).
func runBench(b *testing.B, op Operator, inRows int, want int64) {
	ctx := context.Background()
	b.SetBytes(int64(inRows) * 8)
	b.ResetTimer()
	for range b.N {
		if n := drain(b, ctx, op); n != want {
			b.Fatalf("%s gave %d rows, want %d", op, n, want)
		}
	}
	b.ReportMetric(float64(inRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkHashJoin probes 1M rows against a 10k-row build side.
func BenchmarkHashJoin(b *testing.B) {
	mem := memory.DefaultAllocator
	const probeRows, buildRows = 1_000_000, 10_000
	probe := keyBatches(mem, leftType, probeRows, buildRows)
	build := keyBatches(mem, rightType, buildRows, buildRows)
	defer batch.Release(probe)
	defer batch.Release(build)
	j, err := NewHashJoin(source(leftType, probe...), source(rightType, build...), InnerJoin,
		[]expr.Evaluator{ref(b, leftType, 0)}, []expr.Evaluator{ref(b, rightType, 0)}, nil, "")
	if err != nil {
		b.Fatal(err)
	}
	runBench(b, j, probeRows, probeRows)
}

// BenchmarkHashAggregate groups 1M rows into 1k groups: count(*), sum(k).
func BenchmarkHashAggregate(b *testing.B) {
	for _, par := range []int{1, 2} {
		b.Run("parallel="+string(rune('0'+par)), func(b *testing.B) {
			const rows, groups = 1_000_000, 1000
			in := keyBatches(memory.DefaultAllocator, leftType, rows, groups)
			defer batch.Release(in)
			out := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
				{Name: "c", Type: arrow.PrimitiveTypes.Int64}, {Name: "s", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
			h, err := NewHashAggregate(source(leftType, in...), []expr.Evaluator{ref(b, leftType, 0)},
				[][]expr.Evaluator{nil, {ref(b, leftType, 0)}},
				[]AggSpec{aggSpec("count", true), aggSpec("sum", false, types.Long)}, out, Options{Parallelism: par})
			if err != nil {
				b.Fatal(err)
			}
			runBench(b, h, rows, groups)
		})
	}
}

// BenchmarkSort orders 1M random longs.
func BenchmarkSort(b *testing.B) {
	const rows = 1_000_000
	in := keyBatches(memory.DefaultAllocator, leftType, rows, rows)
	// Shuffle the keys so the sort has work to do.
	r := rand.New(rand.NewPCG(1, 2))
	for _, rec := range in {
		vs := rec.Column(0).(*array.Int64).Int64Values()
		for i := range vs {
			vs[i] = r.Int64N(rows)
		}
	}
	defer batch.Release(in)
	s := NewSort(source(leftType, in...), []SortKey{{Expr: ref(b, leftType, 0), Name: "k"}}, -1, Options{})
	runBench(b, s, rows, rows)
}
