package exec

import (
	"fmt"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/exec/exectest"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

var aggInType = types.NewStruct(types.Field("g", types.String), types.Field("x", types.Long))

func aggOutSchema(withKey bool) *arrow.Schema {
	fs := []arrow.Field{
		{Name: "count(1)", Type: arrow.PrimitiveTypes.Int64},
		{Name: "count(x)", Type: arrow.PrimitiveTypes.Int64},
		{Name: "sum(x)", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "min(x)", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}
	if withKey {
		fs = append([]arrow.Field{{Name: "g", Type: arrow.BinaryTypes.String, Nullable: true}}, fs...)
	}
	return arrow.NewSchema(fs, nil)
}

func aggSpecs() []AggSpec {
	return []AggSpec{aggSpec("count", true), aggSpec("count", false, types.Long), aggSpec("sum", false, types.Long), aggSpec("min", false, types.Long)}
}

func TestHashAggregate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		grouped  bool
		rows     [][][]any // batches
		parallel int
		want     []string
	}{
		{"grouped with NULL key and NULL values", true, [][][]any{
			{{"a", 1}, {"b", nil}, {nil, 5}},
			{{"a", 2}, {nil, 7}, {"b", nil}},
		}, 1, []string{"a,2,2,3,1", "b,2,0,NULL,NULL", "NULL,2,2,12,5"}},
		{"grouped parallel", true, [][][]any{
			{{"a", 1}, {"b", nil}}, {{"a", 2}}, {{nil, 7}, {"b", 3}}, {{"a", 4}},
		}, 3, []string{"a,3,3,7,1", "b,2,1,3,3", "NULL,1,1,7,7"}},
		{"global", false, [][][]any{{{"a", 1}, {"b", nil}}, {{"c", 4}}}, 1, []string{"3,2,5,1"}},
		// Spark: a global aggregate over no rows is one row: 0, 0, NULL, NULL.
		{"global over empty input", false, nil, 1, []string{"0,0,NULL,NULL"}},
		{"grouped over empty input", true, nil, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, mem := testCtx(t)
			defer mem.AssertSize(t, 0)
			var in []arrow.RecordBatch
			for _, b := range tc.rows {
				in = append(in, exectest.Batch(t, mem, aggInType, b...))
			}
			defer batch.Release(in)
			var keys []expr.Evaluator
			if tc.grouped {
				keys = []expr.Evaluator{ref(t, aggInType, 0)}
			}
			x := ref(t, aggInType, 1)
			h, err := NewHashAggregate(source(aggInType, in...), keys, [][]expr.Evaluator{nil, {x}, {x}, {x}},
				aggSpecs(), aggOutSchema(tc.grouped), Options{Parallelism: tc.parallel, BatchSize: 2})
			if err != nil {
				t.Fatal(err)
			}
			got := rows(t, ctx, h)
			if !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Fatalf("got %q, want %q", sorted(got), sorted(tc.want))
			}
		})
	}
}

// TestHashAggregatorStateRoundTrip checks the streaming contract: state
// saved after one micro-batch and loaded into a fresh aggregator continues
// exactly as if one aggregator had seen every batch.
func TestHashAggregatorStateRoundTrip(t *testing.T) {
	ctx, mem := testCtx(t)
	defer mem.AssertSize(t, 0)
	b1 := exectest.Batch(t, mem, aggInType, []any{"a", 1}, []any{"b", nil}, []any{nil, 5})
	b2 := exectest.Batch(t, mem, aggInType, []any{"a", 2}, []any{"c", 9}, []any{nil, 1})
	defer b1.Release()
	defer b2.Release()
	consume := func(a *HashAggregator, r arrow.RecordBatch) {
		t.Helper()
		x := r.Column(1)
		if err := a.Consume(ctx, []arrow.Array{r.Column(0)}, [][]arrow.Array{nil, {x}, {x}, {x}}); err != nil {
			t.Fatal(err)
		}
	}
	result := func(a *HashAggregator) []string {
		t.Helper()
		res, err := a.Result()
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		st, err := types.FromArrowSchema(res.Schema())
		if err != nil {
			t.Fatal(err)
		}
		return sorted(rows(t, ctx, source(st, res)))
	}
	newAgg := func() *HashAggregator {
		a, err := NewHashAggregator(mem, []types.DataType{types.String}, aggSpecs())
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	whole := newAgg()
	defer whole.Release()
	consume(whole, b1)
	consume(whole, b2)

	first := newAgg()
	consume(first, b1)
	st, err := first.State()
	first.Release()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Schema().Field(0).Name, "k0"; got != want {
		t.Errorf("state column 0 = %q, want %q", got, want)
	}
	restored := newAgg()
	defer restored.Release()
	err = restored.LoadState(st)
	st.Release()
	if err != nil {
		t.Fatal(err)
	}
	consume(restored, b2)
	if got, want := result(restored), result(whole); !slices.Equal(got, want) {
		t.Fatalf("restored = %q, want %q", got, want)
	}
	if got, want := result(whole), []string{"NULL,2,2,6,1", "a,2,2,3,1", "b,1,0,NULL,NULL", "c,1,1,9,9"}; !slices.Equal(got, want) {
		t.Fatalf("whole = %q, want %q", got, want)
	}
}

// TestHashAggregateDistinct runs DISTINCT aggregates serially and in
// parallel: partial aggregators that saw the same value must count it once
// when their states merge.
func TestHashAggregateDistinct(t *testing.T) {
	distinct := func(name string) AggSpec {
		call := &expr.AggCall{Name: name, Distinct: true, Args: []expr.Expr{nil}}
		return AggSpec{Name: name + "(DISTINCT x)", New: func(mem memory.Allocator) (expr.GroupedAccumulator, error) {
			return expr.NewGroupedAccumulatorAlloc(mem, call, []types.DataType{types.Long})
		}}
	}
	specs := []AggSpec{distinct("count"), distinct("sum"), distinct("avg")}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "g", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "count(DISTINCT x)", Type: arrow.PrimitiveTypes.Int64},
		{Name: "sum(DISTINCT x)", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "avg(DISTINCT x)", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	in := [][][]any{
		{{"a", 1}, {"b", nil}}, {{"a", 1}, {"a", 2}}, {{"a", 2}, {"b", 3}}, {{"a", 1}, {"b", 3}}, {{"a", 4}},
	}
	want := []string{"a,3,7,2.3333333333333335", "b,1,3,3"}
	for _, parallel := range []int{1, 3} {
		t.Run(fmt.Sprintf("parallel %d", parallel), func(t *testing.T) {
			ctx, mem := testCtx(t)
			defer mem.AssertSize(t, 0)
			var batches []arrow.RecordBatch
			for _, b := range in {
				batches = append(batches, exectest.Batch(t, mem, aggInType, b...))
			}
			defer batch.Release(batches)
			x := ref(t, aggInType, 1)
			h, err := NewHashAggregate(source(aggInType, batches...), []expr.Evaluator{ref(t, aggInType, 0)},
				[][]expr.Evaluator{{x}, {x}, {x}}, specs, schema, Options{Parallelism: parallel, BatchSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			if got := rows(t, ctx, h); !slices.Equal(sorted(got), want) {
				t.Fatalf("got %q, want %q", sorted(got), want)
			}
		})
	}
}
