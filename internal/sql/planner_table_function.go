package sql

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// maxRangeRows bounds range(): its rows are materialized at planning time,
// so a huge range must be refused rather than exhaust memory.
const maxRangeRows = 10_000_000

// ChangesResolver is implemented by resolvers that can read a Delta table's
// change data feed: table_changes('t', start[, end]), where start and end
// are versions (integers) or timestamps (strings), end inclusive and
// defaulting to the latest version. The plan it returns has the table's
// columns followed by _change_type, _commit_version and _commit_timestamp.
type ChangesResolver interface {
	ResolveTableChanges(ctx context.Context, table, start, end expr.Expr) (plan.Node, error)
}

// tableFunction plans a table-valued function in FROM: range, and
// table_changes when the resolver reads change data feeds; the others are
// reported as not supported yet.
func (p *planner) tableFunction(f *TableFunction) (plan.Node, error) {
	switch f.Name {
	case "range":
		n, err := p.rangeTable(f)
		if err != nil {
			return nil, err
		}
		return aliased(n, f.Alias, f.Columns)
	case "table_changes":
		cr, ok := p.r.(ChangesResolver)
		if !ok {
			return nil, unsupported("table_changes (the Delta change data feed) needs a catalog that reads it")
		}
		if len(f.Args) < 2 || len(f.Args) > 3 {
			return nil, invalid("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
				"The `table_changes` requires [2, 3] parameters but the actual number is %d.", len(f.Args))
		}
		var end expr.Expr
		if len(f.Args) == 3 {
			end = f.Args[2]
		}
		n, err := cr.ResolveTableChanges(p.ctx, f.Args[0], f.Args[1], end)
		if err != nil {
			return nil, err
		}
		return aliased(n, f.Alias, f.Columns)
	}
	return nil, unsupported("the table-valued function %s is not supported yet", f.Name)
}

// rangeTable is Spark's range(end), range(start, end[, step[, partitions]]):
// one BIGINT column id from start (inclusive) to end (exclusive).
func (p *planner) rangeTable(f *TableFunction) (plan.Node, error) {
	if len(f.Args) < 1 || len(f.Args) > 4 {
		return nil, invalid("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
			"The `range` requires [1, 2, 3, 4] parameters but the actual number is %d.", len(f.Args))
	}
	vals := make([]int64, len(f.Args))
	for i, a := range f.Args {
		v, err := foldInt(p.ctx, a)
		if err != nil {
			return nil, invalid("INVALID_SQL_SYNTAX", "range argument %d (%s) is invalid: %v", i+1, exprSQL(a), err)
		}
		vals[i] = v
	}
	start, end, step := int64(0), vals[0], int64(1)
	if len(vals) >= 2 {
		start, end = vals[0], vals[1]
	}
	if len(vals) >= 3 {
		step = vals[2]
	}
	if step == 0 {
		return nil, invalid("FAILED_FUNCTION_CALL", "range: the step must not be 0")
	}
	var count int64
	switch {
	case step > 0 && end > start:
		count = (end-start-1)/step + 1
	case step < 0 && end < start:
		count = (start-end-1)/(-step) + 1
	}
	if count > maxRangeRows {
		return nil, unsupported("range of %d rows: ingot materializes range() and allows at most %d rows", count, maxRangeRows)
	}
	b := array.NewInt64Builder(localMem)
	defer b.Release()
	b.Reserve(int(count))
	for i, v := int64(0), start; i < count; i, v = i+1, v+step {
		b.UnsafeAppend(v)
	}
	col := b.NewArray()
	defer col.Release()
	st := types.NewStruct(types.StructField{Name: "id", Type: types.Long})
	rec := array.NewRecordBatch(st.ArrowSchema(), []arrow.Array{col}, count)
	return &plan.LocalRelation{Struct: st, Batches: []arrow.RecordBatch{rec}}, nil
}
