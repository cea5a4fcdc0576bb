package exec

import (
	"context"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/exec/exectest"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

func testCtx(t testing.TB) (context.Context, *memory.CheckedAllocator) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	ctx := compute.WithAllocator(expr.WithAllocator(context.Background(), mem), mem)
	return ctx, mem
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
	out, err := exectest.Rows(ctx, r, ",")
	if err != nil {
		t.Fatal(err)
	}
	return out
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
