package exec

import (
	"context"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// AggSpec describes one aggregate of a HashAggregator.
type AggSpec struct {
	// Name labels the aggregate in errors and EXPLAIN ("avg(heartrate)").
	Name string
	// New creates a fresh accumulator allocating from mem
	// (expr.NewGroupedAccumulatorAlloc bound to the call and its argument
	// types). It is called once per aggregator.
	New func(mem memory.Allocator) (expr.GroupedAccumulator, error)
}

// HashAggregator groups rows by key columns and folds argument columns into
// one accumulator per aggregate. The HashAggregate operator drives it over a
// whole input; the streaming engine drives it batch by batch and checkpoints
// it. The contract:
//
//   - Consume folds one batch: keys[k] is key column k, args[a] the argument
//     columns of aggregate a (empty for count(*)); all have the same length.
//     The aggregator does not keep or release the arrays.
//   - State returns one batch: the key columns ("k0", "k1", ...) then every
//     accumulator's partial-state columns ("a0_0", "a0_1", "a1_0", ...),
//     one row per group. LoadState merges such a batch (from this or another
//     aggregator with the same specs) into the current groups, so partial
//     results from parallel workers or an earlier micro-batch combine.
//   - Result returns the key columns then one final value per aggregate.
//     With no key columns there is always exactly one group (global
//     aggregation over no rows yields count 0 / NULL), as in Spark.
//
// A HashAggregator is not safe for concurrent use. Release frees it.
type HashAggregator struct {
	mem        memory.Allocator
	keyTypes   []arrow.DataType
	specs      []AggSpec
	table      *groupTable
	accs       []expr.GroupedAccumulator
	groups     []uint32
	stateTypes [][]types.DataType
}

// NewHashAggregator returns an empty aggregator over keys of keyTypes.
func NewHashAggregator(mem memory.Allocator, keyTypes []types.DataType, specs []AggSpec) (*HashAggregator, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	a := &HashAggregator{mem: mem, specs: specs}
	for _, t := range keyTypes {
		a.keyTypes = append(a.keyTypes, types.ToArrow(t))
	}
	table, err := newGroupTable(a.keyTypes)
	if err != nil {
		return nil, err
	}
	a.table = table
	for _, s := range specs {
		acc, err := s.New(mem)
		if err != nil {
			a.Release()
			return nil, fmt.Errorf("exec: aggregate %s: %w", s.Name, err)
		}
		a.accs = append(a.accs, acc)
		a.stateTypes = append(a.stateTypes, acc.StateTypes())
	}
	if len(keyTypes) == 0 {
		// A global aggregate has its single group even before any row:
		// empty input still yields one row (count 0, sum NULL).
		a.table.findOrInsert(nil, 1, make([]uint32, 1))
		for i, acc := range a.accs {
			if err := acc.Update(nil, 1, nil); err != nil {
				a.Release()
				return nil, fmt.Errorf("exec: aggregate %s: %w", specs[i].Name, err)
			}
		}
	}
	return a, nil
}

// NumGroups is the number of groups so far.
func (a *HashAggregator) NumGroups() int { return a.table.numGroups() }

func (a *HashAggregator) assign(keys []arrow.Array, rows int) []uint32 {
	if cap(a.groups) < rows {
		a.groups = make([]uint32, rows)
	}
	g := a.groups[:rows]
	if len(a.keyTypes) == 0 {
		clear(g)
		return g
	}
	a.table.findOrInsert(keys, rows, g)
	return g
}

// Consume folds one batch of key and argument columns into the groups.
func (a *HashAggregator) Consume(ctx context.Context, keys []arrow.Array, args [][]arrow.Array) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(keys) != len(a.keyTypes) || len(args) != len(a.accs) {
		return fmt.Errorf("exec: aggregator: got %d key and %d argument lists, want %d and %d", len(keys), len(args), len(a.keyTypes), len(a.accs))
	}
	rows := -1
	for _, k := range keys {
		rows = k.Len()
	}
	for _, as := range args {
		for _, x := range as {
			if rows >= 0 && x.Len() != rows {
				return fmt.Errorf("exec: aggregator: argument has %d rows, keys %d", x.Len(), rows)
			}
			rows = x.Len()
		}
	}
	if rows < 0 {
		return fmt.Errorf("exec: aggregator: cannot tell the batch length without key or argument columns (pass a row count through ConsumeRows)")
	}
	return a.consume(keys, args, rows)
}

// ConsumeRows is Consume for batches that may have no key or argument
// columns at all (count(*) without GROUP BY): rows gives the length.
func (a *HashAggregator) ConsumeRows(ctx context.Context, rows int, keys []arrow.Array, args [][]arrow.Array) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return a.consume(keys, args, rows)
}

func (a *HashAggregator) consume(keys []arrow.Array, args [][]arrow.Array, rows int) error {
	if rows == 0 {
		return nil
	}
	g := a.assign(keys, rows)
	n := a.table.numGroups()
	for i, acc := range a.accs {
		if err := acc.Update(g, n, args[i]); err != nil {
			return fmt.Errorf("exec: aggregate %s: %w", a.specs[i].Name, err)
		}
	}
	return nil
}

// StateSchema is the schema of State's batches.
func (a *HashAggregator) StateSchema() *arrow.Schema {
	var fs []arrow.Field
	for i, t := range a.keyTypes {
		fs = append(fs, arrow.Field{Name: "k" + strconv.Itoa(i), Type: t, Nullable: true})
	}
	for i, sts := range a.stateTypes {
		for j, t := range sts {
			fs = append(fs, arrow.Field{Name: fmt.Sprintf("a%d_%d", i, j), Type: types.ToArrow(t), Nullable: true})
		}
	}
	return arrow.NewSchema(fs, nil)
}

// State returns the groups' keys and partial states (see the type comment).
func (a *HashAggregator) State() (arrow.RecordBatch, error) {
	cols := a.table.keyArrays(a.mem)
	for i, acc := range a.accs {
		st, err := acc.State()
		if err != nil {
			releaseArrays(cols)
			return nil, fmt.Errorf("exec: aggregate %s state: %w", a.specs[i].Name, err)
		}
		cols = append(cols, st...)
	}
	defer releaseArrays(cols)
	schema := a.StateSchema()
	if len(cols) != schema.NumFields() {
		return nil, fmt.Errorf("exec: aggregator state has %d columns, want %d", len(cols), schema.NumFields())
	}
	for i, c := range cols {
		if !arrow.TypeEqual(c.DataType(), schema.Field(i).Type) {
			return nil, fmt.Errorf("exec: aggregator state column %s is %s, want %s", schema.Field(i).Name, c.DataType(), schema.Field(i).Type)
		}
	}
	return array.NewRecordBatch(schema, cols, int64(a.table.numGroups())), nil
}

// LoadState merges a batch produced by State into the groups.
func (a *HashAggregator) LoadState(rec arrow.RecordBatch) error {
	want := a.StateSchema()
	if int(rec.NumCols()) != want.NumFields() {
		return fmt.Errorf("exec: aggregator state has %d columns, want %d", rec.NumCols(), want.NumFields())
	}
	for i := range want.NumFields() {
		if !arrow.TypeEqual(rec.Column(i).DataType(), want.Field(i).Type) {
			return fmt.Errorf("exec: aggregator state column %d is %s, want %s", i, rec.Column(i).DataType(), want.Field(i).Type)
		}
	}
	rows := int(rec.NumRows())
	if rows == 0 {
		return nil
	}
	nk := len(a.keyTypes)
	g := a.assign(rec.Columns()[:nk], rows)
	n := a.table.numGroups()
	col := nk
	for i, acc := range a.accs {
		k := len(a.stateTypes[i])
		if err := acc.MergeState(g, n, rec.Columns()[col:col+k]); err != nil {
			return fmt.Errorf("exec: aggregate %s merge: %w", a.specs[i].Name, err)
		}
		col += k
	}
	return nil
}

// Result returns the key columns then each aggregate's final value, one row
// per group, in the order groups were first seen. Names are "k0".., "a0"..;
// callers relabel with their own schema.
func (a *HashAggregator) Result() (arrow.RecordBatch, error) {
	cols := a.table.keyArrays(a.mem)
	fs := make([]arrow.Field, 0, len(cols)+len(a.accs))
	for i, c := range cols {
		fs = append(fs, arrow.Field{Name: "k" + strconv.Itoa(i), Type: c.DataType(), Nullable: true})
	}
	for i, acc := range a.accs {
		v, err := acc.Finish()
		if err != nil {
			releaseArrays(cols)
			return nil, fmt.Errorf("exec: aggregate %s: %w", a.specs[i].Name, err)
		}
		cols = append(cols, v)
		fs = append(fs, arrow.Field{Name: "a" + strconv.Itoa(i), Type: v.DataType(), Nullable: true})
	}
	defer releaseArrays(cols)
	n := int64(a.table.numGroups())
	for i, c := range cols {
		if int64(c.Len()) != n {
			return nil, fmt.Errorf("exec: aggregator result column %s has %d rows, want %d", fs[i].Name, c.Len(), n)
		}
	}
	return array.NewRecordBatch(arrow.NewSchema(fs, nil), cols, n), nil
}

// Release frees the accumulators.
func (a *HashAggregator) Release() {
	for _, acc := range a.accs {
		acc.Release()
	}
	a.accs = nil
}
