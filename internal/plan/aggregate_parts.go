package plan

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/internal/exec"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// AggParts is an analyzed Aggregate taken apart so that a caller (the
// streaming engine) can drive an exec.HashAggregator itself: evaluate Keys
// and each call's Args over input batches (all bound to the Aggregate's
// input), Consume them, and read Result — whose columns are Schema's: the
// keys then one value per call. The rest of the plan above the Aggregate
// then runs over that result (e.g. Replace the Aggregate by a
// LocalRelation of it).
type AggParts struct {
	Keys     []expr.Expr
	KeyTypes []types.DataType
	Calls    []*expr.AggCall
	Args     [][]expr.Expr
	ArgTypes [][]types.DataType
	// Specs create the accumulators: pass them to exec.NewHashAggregator
	// with KeyTypes.
	Specs  []exec.AggSpec
	Schema Schema

	keyEvals []expr.Evaluator
	argEvals [][]expr.Evaluator
}

// AggregateParts splits an analyzed Aggregate (see AggParts).
func AggregateParts(a *Aggregate) (*AggParts, error) {
	if !a.analyzed {
		return nil, fmt.Errorf("%w: AggregateParts of an unanalyzed Aggregate", ErrInvalidPlan)
	}
	parts := &AggParts{Keys: make([]expr.Expr, len(a.GroupBy)), Schema: a.Schema()}
	for i, k := range a.GroupBy {
		parts.Keys[i] = stripAlias(k)
		t, _, err := expr.TypeOf(parts.Keys[i])
		if err != nil {
			return nil, err
		}
		parts.KeyTypes = append(parts.KeyTypes, t)
	}
	var err error
	if parts.keyEvals, err = compileAll(parts.Keys); err != nil {
		return nil, err
	}
	for _, e := range a.Aggs {
		call, ok := stripAlias(e).(*expr.AggCall)
		if !ok {
			return nil, fmt.Errorf("%w: aggregate output %s is not an aggregate call", ErrInvalidPlan, e)
		}
		var ats []types.DataType
		for _, arg := range call.Args {
			t, _, err := expr.TypeOf(arg)
			if err != nil {
				return nil, err
			}
			ats = append(ats, t)
		}
		parts.Calls = append(parts.Calls, call)
		parts.Args = append(parts.Args, call.Args)
		parts.ArgTypes = append(parts.ArgTypes, ats)
		evs, err := compileAll(call.Args)
		if err != nil {
			return nil, err
		}
		parts.argEvals = append(parts.argEvals, evs)
		parts.Specs = append(parts.Specs, exec.AggSpec{
			Name: call.String(),
			New: func(mem memory.Allocator) (expr.GroupedAccumulator, error) {
				return expr.NewGroupedAccumulatorAlloc(mem, call, ats)
			},
		})
	}
	return parts, nil
}

// NewAggregator returns an empty aggregator for these parts.
func (p *AggParts) NewAggregator(mem memory.Allocator) (*exec.HashAggregator, error) {
	return exec.NewHashAggregator(mem, p.KeyTypes, p.Specs)
}

// Consume evaluates the keys and arguments over one batch of the
// Aggregate's input and folds them into agg. rec is not released.
func (p *AggParts) Consume(ctx context.Context, agg *exec.HashAggregator, rec arrow.RecordBatch) error {
	var held []arrow.Array
	defer func() {
		for _, a := range held {
			a.Release()
		}
	}()
	eval := func(evs []expr.Evaluator) ([]arrow.Array, error) {
		out := make([]arrow.Array, len(evs))
		for i, ev := range evs {
			a, err := ev.Eval(ctx, rec)
			if err != nil {
				return nil, fmt.Errorf("plan: aggregate input: %w", err)
			}
			held = append(held, a)
			out[i] = a
		}
		return out, nil
	}
	keys, err := eval(p.keyEvals)
	if err != nil {
		return err
	}
	args := make([][]arrow.Array, len(p.argEvals))
	for i, evs := range p.argEvals {
		if args[i], err = eval(evs); err != nil {
			return err
		}
	}
	return agg.ConsumeRows(ctx, int(rec.NumRows()), keys, args)
}

// Relation wraps an aggregator's Result as a LocalRelation with the
// Aggregate's column names, to Replace the Aggregate in the plan above it.
// It takes ownership of result.
func (p *AggParts) Relation(result arrow.RecordBatch) (*LocalRelation, error) {
	st := p.Schema.ToStruct()
	schema := st.ArrowSchema()
	if int(result.NumCols()) != schema.NumFields() {
		result.Release()
		return nil, fmt.Errorf("%w: aggregate result has %d columns, want %d", ErrInvalidPlan, result.NumCols(), schema.NumFields())
	}
	for i, c := range result.Columns() {
		if !arrow.TypeEqual(c.DataType(), schema.Field(i).Type) {
			result.Release()
			return nil, fmt.Errorf("%w: aggregate result column %s is %s, want %s", ErrInvalidPlan, schema.Field(i).Name, c.DataType(), schema.Field(i).Type)
		}
	}
	out := array.NewRecordBatch(schema, result.Columns(), result.NumRows())
	result.Release()
	return &LocalRelation{Struct: st, Batches: []arrow.RecordBatch{out}}, nil
}
