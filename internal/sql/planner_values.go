package sql

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// localMem allocates the batches of planned LocalRelations. A plan holds
// them for as long as it lives and has no Release, so they come from Go's
// garbage-collected allocator rather than from the caller's.
var localMem = memory.DefaultAllocator

// oneRow is the relation of a SELECT without FROM: one row, no columns.
func oneRow() *plan.LocalRelation {
	rec := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
	return &plan.LocalRelation{Struct: types.StructType{}, Batches: []arrow.RecordBatch{rec}}
}

// inlineTable builds the LocalRelation of VALUES (..), (..) [AS alias(cols)].
//
// Each column takes the common type of its cells as Spark's inline tables
// do (the wider numeric type, a date meeting a timestamp becomes a
// timestamp, NULL fits anything), but without promoting a number to a
// string: VALUES (1), ('a') is an error in Spark, not a string column. The
// common type comes from coercing coalesce(cells...), whose rule is that
// same wider-type rule, so the two cannot drift apart. Cells must be
// constant; they are evaluated once here, column by column, into Arrow
// arrays.
func (p *planner) inlineTable(rows [][]expr.Expr, alias string, cols []string) (plan.Node, error) {
	if len(rows) == 0 {
		return nil, invalid("INVALID_INLINE_TABLE", "An inline table must have at least one row.")
	}
	width := len(rows[0])
	for i, r := range rows {
		if len(r) != width {
			return nil, invalid("INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH",
				"Inline table expected %d columns but found %d columns in row %d.", width, len(r), i)
		}
		for _, c := range r {
			if err := checkExpr("VALUES", c); err != nil {
				return nil, err
			}
		}
	}
	names := cols
	if len(names) == 0 {
		names = make([]string, width)
		for i := range names {
			names[i] = fmt.Sprintf("col%d", i+1)
		}
	} else if len(names) != width {
		return nil, invalid("ASSIGNMENT_ARITY_MISMATCH", "Number of column aliases does not match number of columns. Number of column aliases: %d; number of columns: %d.", len(names), width)
	}
	fields := make([]types.StructField, width)
	arrays := make([]arrow.Array, 0, width)
	defer func() {
		for _, a := range arrays {
			a.Release()
		}
	}()
	for c := 0; c < width; c++ {
		cells := make([]expr.Expr, len(rows))
		for r, row := range rows {
			cells[r] = row[c]
		}
		col, t, err := p.valuesColumn(cells, names[c])
		if err != nil {
			return nil, err
		}
		arrays = append(arrays, col)
		fields[c] = types.StructField{Name: names[c], Type: t, Nullable: col.NullN() > 0}
	}
	st := types.StructType{Fields: fields}
	rec := array.NewRecordBatch(st.ArrowSchema(), arrays, int64(len(rows)))
	var n plan.Node = &plan.LocalRelation{Struct: st, Batches: []arrow.RecordBatch{rec}}
	if alias != "" {
		n = &plan.SubqueryAlias{Input: n, Alias: alias}
	}
	return n, nil
}

// valuesColumn evaluates one column of an inline table, cast to the
// column's common type.
func (p *planner) valuesColumn(cells []expr.Expr, name string) (arrow.Array, types.DataType, error) {
	bound := make([]expr.Expr, len(cells))
	cellTypes := make([]types.DataType, len(cells))
	for i, c := range cells {
		b, err := bindConstant(stripAliases(c))
		if err != nil {
			return nil, nil, err
		}
		t, _, err := expr.TypeOf(b)
		if err != nil {
			return nil, nil, err
		}
		bound[i], cellTypes[i] = b, t
	}
	incompatible := func() error {
		names := make([]string, len(cellTypes))
		for i, t := range cellTypes {
			names[i] = t.SQL()
		}
		return invalid("INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE",
			"Found incompatible types in the column `%s` for inline table: %v.", name, names)
	}
	co, err := expr.Coerce(&expr.Call{Name: "coalesce", Args: bound})
	if err != nil {
		return nil, nil, incompatible()
	}
	t, _, err := expr.TypeOf(co)
	if err != nil {
		return nil, nil, incompatible()
	}
	if _, isString := t.(types.StringType); isString {
		for _, ct := range cellTypes {
			switch ct.(type) {
			case types.StringType, types.NullType:
			default:
				return nil, nil, incompatible()
			}
		}
	}
	out, err := p.buildColumn(bound, cellTypes, t)
	if err != nil {
		return nil, nil, fmt.Errorf("sql: plan: inline table column %s: %w", name, err)
	}
	return out, t, nil
}

// buildColumn materializes cells (bound, of types ts) as one array of type
// t. Literal cells are appended to a typed builder in runs of one source
// type, and each run is cast to t once; other cells (calls such as
// abs(-3)) are compiled and evaluated one by one. A 1000-row INSERT ...
// VALUES thus costs a few casts, not a few thousand compiled expressions.
func (p *planner) buildColumn(cells []expr.Expr, ts []types.DataType, t types.DataType) (arrow.Array, error) {
	var chunks []arrow.Array
	defer func() {
		for _, c := range chunks {
			c.Release()
		}
	}()
	var run array.Builder
	var runType types.DataType
	flush := func() error {
		if run == nil {
			return nil
		}
		a := run.NewArray()
		run.Release()
		run = nil
		if !types.Equal(runType, t) {
			c, err := expr.CastArray(localMem, a, runType, t)
			a.Release()
			if err != nil {
				return err
			}
			a = c
		}
		chunks = append(chunks, a)
		return nil
	}
	for i, c := range cells {
		if l, ok := c.(*expr.Literal); ok {
			if run != nil && !types.Equal(runType, ts[i]) {
				if err := flush(); err != nil {
					return nil, err
				}
			}
			if run == nil {
				run, runType = array.NewBuilder(localMem, types.ToArrow(ts[i])), ts[i]
			}
			if appendLiteral(run, l) {
				continue
			}
			// A literal the fast path does not know (it appended
			// nothing) is evaluated below like any other cell.
		}
		if err := flush(); err != nil {
			return nil, err
		}
		var cell expr.Expr = c
		if !types.Equal(ts[i], t) {
			cell = &expr.Cast{Child: c, To: t, Implicit: true}
		}
		a, err := evalConstant(p.ctx, cell)
		if err != nil {
			return nil, err
		}
		chunks = append(chunks, a)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(chunks) == 1 {
		chunks[0].Retain()
		return chunks[0], nil
	}
	return array.Concatenate(chunks, localMem)
}

// appendLiteral appends a literal's value to a builder of its type,
// reporting false (and appending nothing) for values it does not handle.
func appendLiteral(b array.Builder, l *expr.Literal) bool {
	if l.Value == nil {
		b.AppendNull()
		return true
	}
	switch b := b.(type) {
	case *array.BooleanBuilder:
		if v, ok := l.Value.(bool); ok {
			b.Append(v)
			return true
		}
	case *array.Int8Builder:
		if v, ok := l.Value.(int8); ok {
			b.Append(v)
			return true
		}
	case *array.Int16Builder:
		if v, ok := l.Value.(int16); ok {
			b.Append(v)
			return true
		}
	case *array.Int32Builder:
		if v, ok := l.Value.(int32); ok {
			b.Append(v)
			return true
		}
	case *array.Int64Builder:
		if v, ok := l.Value.(int64); ok {
			b.Append(v)
			return true
		}
	case *array.Float32Builder:
		if v, ok := l.Value.(float32); ok {
			b.Append(v)
			return true
		}
	case *array.Float64Builder:
		if v, ok := l.Value.(float64); ok {
			b.Append(v)
			return true
		}
	case *array.StringBuilder:
		if v, ok := l.Value.(string); ok {
			b.Append(v)
			return true
		}
	case *array.BinaryBuilder:
		if v, ok := l.Value.([]byte); ok {
			b.Append(v)
			return true
		}
	case *array.Date32Builder:
		if v, ok := l.Value.(int32); ok {
			b.Append(arrow.Date32(v))
			return true
		}
	case *array.TimestampBuilder:
		if v, ok := l.Value.(int64); ok {
			b.Append(arrow.Timestamp(v))
			return true
		}
	case *array.Decimal128Builder:
		if v, ok := l.Value.(expr.Decimal); ok {
			var n big.Int
			if _, ok := n.SetString(v.Unscaled, 10); ok && n.BitLen() < 127 {
				b.Append(decimal128.FromBigInt(&n))
				return true
			}
		}
	}
	return false
}

func stripAliases(e expr.Expr) expr.Expr {
	for {
		a, ok := e.(*expr.Alias)
		if !ok {
			return e
		}
		e = a.Child
	}
}

// bindConstant types an expression that must not reference columns, with
// Spark's error for a column that has nothing to bind to.
func bindConstant(e expr.Expr) (expr.Expr, error) {
	b, err := expr.Bind(e, func(c *expr.ColumnRef) (*expr.BoundRef, error) {
		name := "`" + c.Name + "`"
		if c.Qualifier != "" {
			name = "`" + c.Qualifier + "`." + name
		}
		return nil, &PlanError{Class: "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION",
			Message: fmt.Sprintf("A column, variable, or function parameter with name %s cannot be resolved.", name), kind: plan.ErrUnresolvedColumn}
	})
	if err != nil {
		return nil, err
	}
	if expr.ContainsAggregate(b) {
		return nil, invalid("INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE",
			"Cannot evaluate the expression %s in inline table definition.", exprSQL(e))
	}
	return expr.Coerce(b)
}

// evalConstant evaluates a bound, constant expression to a one-value array
// (released by the caller).
func evalConstant(ctx context.Context, e expr.Expr) (arrow.Array, error) {
	ev, err := expr.Compile(e)
	if err != nil {
		return nil, err
	}
	rec := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
	defer rec.Release()
	a, err := ev.Eval(expr.WithAllocator(ctx, localMem), rec)
	if err != nil {
		return nil, fmt.Errorf("sql: plan: evaluate %s: %w", exprSQL(e), err)
	}
	if a.Len() != 1 {
		a.Release()
		return nil, fmt.Errorf("sql: plan: evaluate %s: got %d values, want 1", exprSQL(e), a.Len())
	}
	return a, nil
}

var (
	errNotInteger   = errors.New("it must be an integer")
	errNullConstant = errors.New("it must not be NULL")
)

// foldInt evaluates a constant integer expression (LIMIT n, range(n)).
func foldInt(ctx context.Context, e expr.Expr) (int64, error) {
	b, err := bindConstant(e)
	if err != nil {
		return 0, err
	}
	t, _, err := expr.TypeOf(b)
	if err != nil {
		return 0, err
	}
	if !types.IsIntegral(t) {
		return 0, fmt.Errorf("%w, not %s", errNotInteger, t.SQL())
	}
	b = &expr.Cast{Child: b, To: types.Long, Implicit: true}
	a, err := evalConstant(ctx, b)
	if err != nil {
		return 0, err
	}
	defer a.Release()
	if a.IsNull(0) {
		return 0, errNullConstant
	}
	return a.(*array.Int64).Value(0), nil
}
