package expr

import (
	"context"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

const benchRows = 1 << 20

func benchBatch(b *testing.B) arrow.RecordBatch {
	mem := memory.DefaultAllocator
	l := array.NewInt64Builder(mem)
	d := array.NewFloat64Builder(mem)
	s := array.NewStringBuilder(mem)
	for i := 0; i < benchRows; i++ {
		l.Append(1_650_000_000_000_000 + int64(i)*1000)
		d.Append(float64(i%200) + 0.25)
		s.Append(strconv.Itoa(i))
	}
	cols := []arrow.Array{l.NewArray(), d.NewArray(), s.NewArray()}
	l.Release()
	d.Release()
	s.Release()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "heartrate", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	rec := array.NewRecordBatch(schema, cols, benchRows)
	releaseAll(cols)
	return rec
}

func benchEval(b *testing.B, e Expr, bytesPerRow int64) {
	rec := benchBatch(b)
	defer rec.Release()
	ce, err := Coerce(e)
	if err != nil {
		b.Fatal(err)
	}
	ev, err := Compile(ce)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(bytesPerRow * benchRows)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := ev.Eval(ctx, rec)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

var (
	benchTime = &BoundRef{Index: 0, Name: "time", Type: types.Long, Nullable: true}
	benchHR   = &BoundRef{Index: 1, Name: "heartrate", Type: types.Double, Nullable: true}
	benchStr  = &BoundRef{Index: 2, Name: "s", Type: types.String, Nullable: true}
)

func BenchmarkArithLongPlusLong(b *testing.B) { benchEval(b, bin(OpAdd, benchTime, benchTime), 16) }
func BenchmarkArithDoubleMul(b *testing.B)    { benchEval(b, bin(OpMul, benchHR, Lit(1.5)), 8) }
func BenchmarkCompareDouble(b *testing.B)     { benchEval(b, bin(OpGt, benchHR, Lit(100.0)), 8) }

// The seed's silver projection: (time / 1e6) cast to TIMESTAMP.
func BenchmarkCastSeedTimestamp(b *testing.B) {
	benchEval(b, &Cast{Child: bin(OpDiv, benchTime, Lit(1e6)), To: types.Timestamp}, 8)
}
func BenchmarkCastLongToInt(b *testing.B) {
	benchEval(b, &Cast{Child: benchTime, To: types.Integer}, 8)
}
func BenchmarkCastStringToLong(b *testing.B) { benchEval(b, &Cast{Child: benchStr, To: types.Long}, 7) }
func BenchmarkCastDoubleToString(b *testing.B) {
	benchEval(b, &Cast{Child: benchHR, To: types.String}, 8)
}

// The seed's gold aggregation: avg(heartrate) grouped by patient (here
// 64 groups), 1M rows per iteration.
func BenchmarkGroupedAvg(b *testing.B) {
	rec := benchBatch(b)
	defer rec.Release()
	groups := make([]uint32, benchRows)
	for i := range groups {
		groups[i] = uint32(i % 64)
	}
	call := &AggCall{Name: "avg", Args: []Expr{benchHR}}
	b.SetBytes(12 * benchRows)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		acc, err := NewGroupedAccumulator(call, []types.DataType{types.Double})
		if err != nil {
			b.Fatal(err)
		}
		if err := acc.Update(groups, 64, []arrow.Array{rec.Column(1)}); err != nil {
			b.Fatal(err)
		}
		out, err := acc.Finish()
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
		acc.Release()
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
