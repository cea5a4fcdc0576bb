package plan

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/internal/exec/exectest"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// TestAggregatePartsIncremental drives the gold aggregation the way the
// streaming engine does: micro-batch 1 into an aggregator, its state saved
// and restored into a fresh one (a restart), micro-batch 2, then the plan
// above the Aggregate run over the result. The rows must equal a batch run
// over both micro-batches.
func TestAggregatePartsIncremental(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	ctx := compute.WithAllocator(expr.WithAllocator(context.Background(), mem), mem)
	st := types.NewStruct(types.Field("patient_name", types.String), types.Field("heartrate", types.Double), types.Field("device_id", types.Integer))
	mb1 := exectest.Batch(t, mem, st, []any{"Ann", 60.2, 1}, []any{"Bob", 80.0, 2}, []any{"Ann", nil, 3})
	mb2 := exectest.Batch(t, mem, st, []any{"Bob", 90.5, nil}, []any{"Cy", 70.0, 4}, []any{"Ann", 61.0, 5})
	gold := func(in Node) Node {
		return &Sort{
			Input: &Aggregate{Input: in, GroupBy: []expr.Expr{col("patient_name")},
				Aggs: []expr.Expr{col("patient_name"), alias(call("ceil", agg("avg", col("heartrate"))), "avg_heartrate"),
					alias(agg("count", col("device_id")), "count")}},
			Orders: []*expr.SortOrder{desc(col("avg_heartrate"))},
		}
	}
	mb1.Retain()
	mb2.Retain()
	batchRun, err := Execute(ctx, gold(&LocalRelation{Struct: st, Batches: []arrow.RecordBatch{mb1, mb2}}), ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := formatRows(ctx, batchRun)
	if err != nil {
		t.Fatal(err)
	}
	mb1.Release()
	mb2.Release()

	analyzed, err := Analyze(gold(&LocalRelation{Struct: st}))
	if err != nil {
		t.Fatal(err)
	}
	var aggNode *Aggregate
	TransformUp(analyzed, func(n Node) Node {
		if a, ok := n.(*Aggregate); ok {
			aggNode = a
		}
		return n
	})
	parts, err := AggregateParts(aggNode)
	if err != nil {
		t.Fatal(err)
	}
	first, err := parts.NewAggregator(mem)
	if err != nil {
		t.Fatal(err)
	}
	if err := parts.Consume(ctx, first, mb1); err != nil {
		t.Fatal(err)
	}
	state, err := first.State()
	first.Release()
	if err != nil {
		t.Fatal(err)
	}
	second, err := parts.NewAggregator(mem)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Release()
	err = second.LoadState(state)
	state.Release()
	if err != nil {
		t.Fatal(err)
	}
	if err := parts.Consume(ctx, second, mb2); err != nil {
		t.Fatal(err)
	}
	res, err := second.Result()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := parts.Relation(res)
	if err != nil {
		t.Fatal(err)
	}
	defer rel.Batches[0].Release()
	r, err := Execute(ctx, Replace(analyzed, aggNode, rel), ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := formatRows(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	mb1.Release()
	mb2.Release()
	if got != want {
		t.Fatalf("incremental:\n%s\nbatch:\n%s", got, want)
	}
	if want != "patient_name | avg_heartrate | count\nBob | 86 | 1\nCy | 70 | 1\nAnn | 61 | 3\n" {
		t.Fatalf("unexpected gold rows:\n%s", want)
	}
}
