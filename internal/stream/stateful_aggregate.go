package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/exec"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// aggOperatorID is the state store operator id of the (single) streaming
// aggregation; it has one partition.
const aggOperatorID = 0

// runAggregate drives the streaming aggregation of one batch: it merges the
// state as of the previous batch (version batchID, the state after batch
// batchID-1) with this batch's input rows, commits the merged state as
// version batchID+1 before anything reaches the sink, and returns the plan
// with the Aggregate replaced by a LocalRelation of the complete result, so
// what sits above it (the Project computing ceil(avg), a Sort) runs as a
// batch query. Committing state first is what makes a crash safe: if the
// sink or commits/N never happen, the re-run loads version batchID again
// and overwrites version batchID+1 with the same content.
func (q *Query) runAggregate(ctx context.Context, root plan.Node, agg *plan.Aggregate, batchID int64) (plan.Node, func(), StateOperatorProgress, error) {
	mem := compute.GetAllocator(ctx)
	prog := StateOperatorProgress{OperatorName: "stateStoreSave", NumShufflePartitions: 1, NumStateStoreInstances: 1}
	parts, err := plan.AggregateParts(agg)
	if err != nil {
		return nil, nil, prog, err
	}
	keys, err := compileAll(parts.Keys)
	if err != nil {
		return nil, nil, prog, err
	}
	args := make([][]expr.Evaluator, len(parts.Args))
	for i, as := range parts.Args {
		if args[i], err = compileAll(as); err != nil {
			return nil, nil, prog, err
		}
	}
	hagg, err := exec.NewHashAggregator(mem, parts.KeyTypes, parts.Specs)
	if err != nil {
		return nil, nil, prog, err
	}
	defer hagg.Release()
	// touched counts the distinct keys of this batch: numRowsUpdated.
	touched, err := exec.NewHashAggregator(mem, parts.KeyTypes, nil)
	if err != nil {
		return nil, nil, prog, err
	}
	defer touched.Release()

	store := q.cp.State(aggOperatorID, 0, WithAllocator(mem))
	prev, err := store.Load(ctx, batchID)
	if err != nil {
		if errors.Is(err, ErrStateNotFound) {
			return nil, nil, prog, fmt.Errorf("stream: batch %d: the aggregation state of the previous batch is missing (was state/ deleted or purged?): %w", batchID, err)
		}
		return nil, nil, prog, err
	}
	if prev != nil {
		err := hagg.LoadState(prev)
		prev.Release()
		if err != nil {
			return nil, nil, prog, fmt.Errorf("stream: batch %d: load state version %d (has the query changed since the checkpoint was written?): %w", batchID, batchID, err)
		}
	}

	updStart := time.Now()
	in, err := plan.Execute(ctx, agg.Input, q.cfg.Exec)
	if err != nil {
		return nil, nil, prog, err
	}
	err = consumeAll(ctx, in, keys, args, hagg, touched)
	in.Close()
	if err != nil {
		return nil, nil, prog, fmt.Errorf("stream: batch %d: aggregate: %w", batchID, err)
	}
	prog.AllUpdatesTimeMs = time.Since(updStart).Milliseconds()
	prog.NumRowsUpdated = int64(touched.NumGroups())
	if len(parts.Keys) == 0 {
		prog.NumRowsUpdated = 1
	}

	st, err := hagg.State()
	if err != nil {
		return nil, nil, prog, err
	}
	prog.NumRowsTotal = st.NumRows()
	prog.MemoryUsedBytes = recordBytes(st)
	commitStart := time.Now()
	err = store.Commit(ctx, batchID+1, st)
	st.Release()
	if err != nil {
		return nil, nil, prog, err
	}
	prog.CommitTimeMs = time.Since(commitStart).Milliseconds()

	res, err := hagg.Result()
	if err != nil {
		return nil, nil, prog, err
	}
	defer res.Release()
	st2 := parts.Schema.ToStruct()
	schema := st2.ArrowSchema()
	if int(res.NumCols()) != schema.NumFields() {
		return nil, nil, prog, fmt.Errorf("stream: aggregate result has %d columns, plan expects %d", res.NumCols(), schema.NumFields())
	}
	for i := range schema.NumFields() {
		if got, want := res.Column(i).DataType(), schema.Field(i).Type; !arrow.TypeEqual(got, want) {
			return nil, nil, prog, fmt.Errorf("stream: aggregate result column %s is %s, plan expects %s", schema.Field(i).Name, got, want)
		}
	}
	rel := array.NewRecordBatch(schema, res.Columns(), res.NumRows())
	lr := &plan.LocalRelation{Struct: st2, Batches: []arrow.RecordBatch{rel}}
	return plan.Replace(root, agg, lr), rel.Release, prog, nil
}

// consumeAll folds every batch of in into agg (and its keys into touched).
func consumeAll(ctx context.Context, in batch.Reader, keys []expr.Evaluator, args [][]expr.Evaluator, agg, touched *exec.HashAggregator) error {
	for {
		rec, err := in.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		err = consumeOne(ctx, rec, keys, args, agg, touched)
		rec.Release()
		if err != nil {
			return err
		}
	}
}

func consumeOne(ctx context.Context, rec arrow.RecordBatch, keys []expr.Evaluator, args [][]expr.Evaluator, agg, touched *exec.HashAggregator) error {
	var owned []arrow.Array
	defer func() {
		for _, a := range owned {
			a.Release()
		}
	}()
	eval := func(ev expr.Evaluator) (arrow.Array, error) {
		a, err := ev.Eval(ctx, rec)
		if err == nil {
			owned = append(owned, a)
		}
		return a, err
	}
	kcols := make([]arrow.Array, len(keys))
	for i, k := range keys {
		a, err := eval(k)
		if err != nil {
			return err
		}
		kcols[i] = a
	}
	acols := make([][]arrow.Array, len(args))
	for i, as := range args {
		acols[i] = make([]arrow.Array, len(as))
		for j, ev := range as {
			a, err := eval(ev)
			if err != nil {
				return err
			}
			acols[i][j] = a
		}
	}
	rows := int(rec.NumRows())
	if err := agg.ConsumeRows(ctx, rows, kcols, acols); err != nil {
		return err
	}
	if len(kcols) > 0 {
		return touched.ConsumeRows(ctx, rows, kcols, nil)
	}
	return nil
}

func compileAll(es []expr.Expr) ([]expr.Evaluator, error) {
	out := make([]expr.Evaluator, len(es))
	for i, e := range es {
		ev, err := expr.Compile(e)
		if err != nil {
			return nil, fmt.Errorf("stream: compile %s: %w", e, err)
		}
		out[i] = ev
	}
	return out, nil
}

// recordBytes is the size of a batch's buffers: the state's memory use.
func recordBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, c := range rec.Columns() {
		n += arrayBytes(c.Data())
	}
	return n
}

func arrayBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += arrayBytes(c)
	}
	return n
}
