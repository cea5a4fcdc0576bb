package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// HashAggregate groups its whole input by key expressions and outputs one
// row per group: the keys, then one value per aggregate.
//
// With Parallelism > 1, that many workers pull batches from the input and
// aggregate them into private HashAggregators (partial aggregation); the
// partial states are then merged into one (final aggregation) through
// State/LoadState — the same path a streaming restart uses. Evaluators must
// therefore be safe for concurrent use.
type HashAggregate struct {
	input  Operator
	keys   []evaluator
	args   [][]evaluator
	specs  []AggSpec
	schema *arrow.Schema
	opts   Options
}

// NewHashAggregate returns an aggregation of input. args[i] are the
// argument evaluators of specs[i]; schema names and types the output (keys
// then aggregates).
func NewHashAggregate(input Operator, keys []expr.Evaluator, args [][]expr.Evaluator, specs []AggSpec, schema *arrow.Schema, opts Options) (*HashAggregate, error) {
	if len(args) != len(specs) {
		return nil, fmt.Errorf("exec: hash aggregate: %d argument lists for %d aggregates", len(args), len(specs))
	}
	if schema.NumFields() != len(keys)+len(specs) {
		return nil, fmt.Errorf("exec: hash aggregate: schema has %d fields, want %d", schema.NumFields(), len(keys)+len(specs))
	}
	return &HashAggregate{input: input, keys: keys, args: args, specs: specs, schema: schema, opts: opts}, nil
}

func (h *HashAggregate) Schema() *arrow.Schema { return h.schema }
func (h *HashAggregate) Children() []Operator  { return []Operator{h.input} }
func (h *HashAggregate) String() string {
	keys := make([]string, len(h.keys))
	for i := range h.keys {
		keys[i] = h.schema.Field(i).Name
	}
	aggs := make([]string, len(h.specs))
	for i, s := range h.specs {
		aggs[i] = s.Name
	}
	return "HashAggregate keys=[" + strings.Join(keys, ", ") + "] aggs=[" + strings.Join(aggs, ", ") + "]"
}

func (h *HashAggregate) newAggregator(ctx context.Context) (*HashAggregator, error) {
	keyTypes := make([]types.DataType, len(h.keys))
	for i, k := range h.keys {
		keyTypes[i] = k.Type()
	}
	return NewHashAggregator(allocator(ctx), keyTypes, h.specs)
}

// consume folds every batch it pulls from next into agg.
func (h *HashAggregate) consume(ctx context.Context, agg *HashAggregator, next func(context.Context) (arrow.RecordBatch, error)) error {
	for {
		rec, err := next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		err = h.consumeBatch(ctx, agg, rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
}

func (h *HashAggregate) consumeBatch(ctx context.Context, agg *HashAggregator, rec arrow.RecordBatch) error {
	keys, err := evalAll(ctx, h.keys, rec)
	if err != nil {
		return err
	}
	defer releaseArrays(keys)
	args := make([][]arrow.Array, len(h.args))
	defer func() {
		for _, a := range args {
			releaseArrays(a)
		}
	}()
	for i, evs := range h.args {
		if args[i], err = evalAll(ctx, evs, rec); err != nil {
			return err
		}
	}
	return agg.ConsumeRows(ctx, int(rec.NumRows()), keys, args)
}

func (h *HashAggregate) Open(ctx context.Context) (batch.Reader, error) {
	in, err := h.input.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	agg, err := h.newAggregator(ctx)
	if err != nil {
		return nil, err
	}
	defer agg.Release()
	if h.opts.Parallelism <= 1 {
		if err := h.consume(ctx, agg, in.Next); err != nil {
			return nil, fmt.Errorf("exec: hash aggregate: %w", err)
		}
	} else if err := h.consumeParallel(ctx, agg, in); err != nil {
		return nil, fmt.Errorf("exec: hash aggregate: %w", err)
	}
	res, err := agg.Result()
	if err != nil {
		return nil, err
	}
	if err := conformColumns(ctx, h.schema, res.Columns()); err != nil {
		res.Release()
		return nil, fmt.Errorf("exec: hash aggregate: %w", err)
	}
	out := array.NewRecordBatch(h.schema, res.Columns(), res.NumRows())
	res.Release()
	return sliceOut(h.schema, out, h.opts.batchSize()), nil
}

// consumeParallel runs partial aggregations in workers and merges their
// states into final.
func (h *HashAggregate) consumeParallel(ctx context.Context, final *HashAggregator, in batch.Reader) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	next := func(ctx context.Context) (arrow.RecordBatch, error) {
		mu.Lock()
		defer mu.Unlock()
		return in.Next(ctx)
	}
	n := h.opts.Parallelism
	parts := make([]*HashAggregator, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			agg, err := h.newAggregator(ctx)
			if err != nil {
				errs[w] = err
				cancel()
				return
			}
			parts[w] = agg
			if err := h.consume(ctx, agg, next); err != nil {
				errs[w] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	defer func() {
		for _, p := range parts {
			if p != nil {
				p.Release()
			}
		}
	}()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, p := range parts {
		st, err := p.State()
		if err != nil {
			return err
		}
		err = final.LoadState(st)
		st.Release()
		if err != nil {
			return err
		}
	}
	return nil
}
