package exec

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

func testCtx(t testing.TB) (context.Context, *memory.CheckedAllocator) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	ctx := compute.WithAllocator(expr.WithAllocator(context.Background(), mem), mem)
	return ctx, mem
}

// rec builds a batch from rows of Go values (nil is NULL) for st.
func rec(t testing.TB, mem memory.Allocator, st types.StructType, rows ...[]any) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(mem, st.ArrowSchema())
	defer b.Release()
	for _, row := range rows {
		for i, v := range row {
			fb := b.Field(i)
			if v == nil {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.Int32Builder:
				fb.Append(int32(v.(int)))
			case *array.Int64Builder:
				fb.Append(int64(v.(int)))
			case *array.Float64Builder:
				fb.Append(v.(float64))
			case *array.StringBuilder:
				fb.Append(v.(string))
			default:
				t.Fatalf("rec: unsupported builder %T", fb)
			}
		}
	}
	return b.NewRecordBatch()
}

// source is a leaf operator over batches (retained per Open).
func source(st types.StructType, recs ...arrow.RecordBatch) *Scan {
	schema := st.ArrowSchema()
	return NewScan("test", schema, func(ctx context.Context) (batch.Reader, error) {
		out := make([]arrow.RecordBatch, len(recs))
		for i, r := range recs {
			r.Retain()
			out[i] = r
		}
		return batch.FromSlice(schema, out...), nil
	})
}

// ref compiles a reference to column i of st.
func ref(t testing.TB, st types.StructType, i int) expr.Evaluator {
	t.Helper()
	f := st.Fields[i]
	ev, err := expr.Compile(&expr.BoundRef{Index: i, Name: f.Name, Type: f.Type, Nullable: f.Nullable})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func compileT(t testing.TB, e expr.Expr) expr.Evaluator {
	t.Helper()
	ev, err := expr.Compile(e)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// rows runs op and renders each row as "v1,v2,..." (NULL for nulls).
func rows(t testing.TB, ctx context.Context, op Operator) []string {
	t.Helper()
	r, err := op.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []string
	for {
		b, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := range int(b.NumRows()) {
			vals := make([]string, b.NumCols())
			for c := range vals {
				if b.Column(c).IsNull(i) {
					vals[c] = "NULL"
				} else {
					vals[c] = b.Column(c).ValueStr(i)
				}
			}
			out = append(out, strings.Join(vals, ","))
		}
		b.Release()
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func aggSpec(name string, star bool, argTypes ...types.DataType) AggSpec {
	call := &expr.AggCall{Name: name, Star: star}
	return AggSpec{Name: name, New: func(mem memory.Allocator) (expr.GroupedAccumulator, error) {
		return expr.NewGroupedAccumulatorAlloc(mem, call, argTypes)
	}}
}
