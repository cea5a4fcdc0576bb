package ingot

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/dml"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/internal/source"
	"github.com/ingotdata/ingot/internal/sql"
	"github.com/ingotdata/ingot/types"
)

// Generated columns (Delta's GENERATED ALWAYS AS): the table stores each
// expression as delta.generationExpression in the column's metadata; the
// delta package cannot evaluate SQL, so every session write computes a
// generated column the data lacks and checks one the data carries.

// generationExpressions validates the GENERATED ALWAYS AS columns of a
// CREATE TABLE against its schema and returns column -> SQL text to store.
// As in Delta, an expression may reference only ordinary columns of the
// table, and its type must up-cast to the column's.
func generationExpressions(cols []sql.ColumnDef, schema types.StructType) (map[string]string, error) {
	generated := map[string]bool{}
	for _, c := range cols {
		if c.Generated != nil {
			generated[strings.ToLower(c.Name)] = true
		}
	}
	if len(generated) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, c := range cols {
		if c.Generated == nil {
			continue
		}
		text := sql.FormatExpr(c.Generated)
		bound, err := expr.Bind(c.Generated, func(r *expr.ColumnRef) (*expr.BoundRef, error) {
			i := schema.FieldIndex(r.Name)
			switch {
			case i < 0:
				return nil, fmt.Errorf("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `%s` cannot be resolved. Did you mean one of the following? [%s]", r.Name, strings.Join(schema.Names(), ", "))
			case generated[strings.ToLower(r.Name)]:
				return nil, fmt.Errorf("[DELTA_INVALID_GENERATED_COLUMN_REFERENCES] A generated column cannot use a non-existent column or another generated column: %s uses %s", c.Name, r.Name)
			}
			f := schema.Fields[i]
			return &expr.BoundRef{Index: i, Name: f.Name, Type: f.Type, Nullable: f.Nullable}, nil
		})
		if err == nil {
			bound, err = expr.Coerce(bound)
		}
		var ev expr.Evaluator
		if err == nil {
			ev, err = expr.Compile(bound)
		}
		if err != nil {
			return nil, fmt.Errorf("ingot: generated column %s (%s): %w", c.Name, text, err)
		}
		if !canUpCast(ev.Type(), c.Type) {
			return nil, fmt.Errorf("ingot: [DELTA_GENERATED_COLUMNS_EXPR_TYPE_MISMATCH] The expression type of the generated column %s is %s, but the column type is %s", c.Name, ev.Type().SQL(), c.Type.SQL())
		}
		out[c.Name] = text
	}
	return out, nil
}

// canUpCast reports whether a value of type from converts to to without
// loss of range (Spark's Cast.canUpCast for the types generated columns
// use): identical types, NULL, and widening among numbers.
func canUpCast(from, to types.DataType) bool {
	if types.Equal(from, to) {
		return true
	}
	if _, ok := from.(types.NullType); ok {
		return true
	}
	rank := func(t types.DataType) int {
		switch t.(type) {
		case types.ByteType:
			return 1
		case types.ShortType:
			return 2
		case types.IntegerType:
			return 3
		case types.LongType:
			return 4
		case types.FloatType:
			return 5
		case types.DoubleType:
			return 6
		}
		return 0
	}
	rf, rt := rank(from), rank(to)
	return rf > 0 && rt > 0 && rf <= rt
}

// generatedOf returns the generated columns of the Delta table a resolved
// relation scans (nil for anything else).
func generatedOf(n plan.Node) map[string]string {
	scan, ok := n.(*plan.Scan)
	if !ok {
		return nil
	}
	src, ok := scan.Source.(*source.DeltaSnapshot)
	if !ok || src.Snapshot == nil {
		return nil
	}
	return src.Snapshot.GeneratedColumns()
}

// generator computes the generated columns a write's data lacks (appended
// after its columns) and checks the ones it carries, batch by batch.
type generator struct {
	out     *arrow.Schema
	outType types.StructType
	adds    []expr.Evaluator
	checks  []genCheck
}

type genCheck struct {
	col, text string
	ev        expr.Evaluator // (column <=> expression), both as the column's type
	refs      []int          // data columns shown in a violation
}

// newGenerator binds the table's generation expressions (column -> SQL)
// to the data's schema. A column the expression references but the data
// lacks is NULL, as the write will store it. It returns nil when the table
// has no generated columns.
func newGenerator(table types.StructType, gen map[string]string, data types.StructType) (*generator, error) {
	if len(gen) == 0 {
		return nil, nil
	}
	g := &generator{outType: types.StructType{Fields: append([]types.StructField(nil), data.Fields...)}}
	names := make([]string, 0, len(gen))
	for n := range gen {
		names = append(names, n)
	}
	// Table order, so appended columns and errors come out the same way
	// every time.
	sort.Slice(names, func(i, j int) bool { return table.FieldIndex(names[i]) < table.FieldIndex(names[j]) })
	for _, name := range names {
		text := gen[name]
		ti := table.FieldIndex(name)
		if ti < 0 {
			return nil, fmt.Errorf("ingot: generated column %s is not in the table schema", name)
		}
		tf := table.Fields[ti]
		parsed, err := sql.ParseExpr(text)
		if err != nil {
			return nil, fmt.Errorf("ingot: generated column %s (%s): %w", name, text, err)
		}
		var refs []int
		e, err := expr.Transform(parsed, func(n expr.Expr) (expr.Expr, error) {
			r, ok := n.(*expr.ColumnRef)
			if !ok {
				return n, nil
			}
			if i := data.FieldIndex(r.Name); i >= 0 {
				refs = append(refs, i)
				f := data.Fields[i]
				return &expr.BoundRef{Index: i, Name: f.Name, Type: f.Type, Nullable: f.Nullable}, nil
			}
			if i := table.FieldIndex(r.Name); i >= 0 {
				return &expr.Cast{Child: expr.Lit(nil), To: table.Fields[i].Type}, nil
			}
			return nil, fmt.Errorf("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `%s` cannot be resolved. Did you mean one of the following? [%s]", r.Name, strings.Join(table.Names(), ", "))
		})
		if err != nil {
			return nil, fmt.Errorf("ingot: generated column %s (%s): %w", name, text, err)
		}
		value := asType(e, tf.Type)
		di := data.FieldIndex(name)
		if di < 0 {
			ev, err := compileBound(value)
			if err != nil {
				return nil, fmt.Errorf("ingot: generated column %s (%s): %w", name, text, err)
			}
			g.adds = append(g.adds, ev)
			g.outType.Fields = append(g.outType.Fields, types.StructField{Name: tf.Name, Type: tf.Type, Nullable: true})
			continue
		}
		df := data.Fields[di]
		cur := asType(&expr.BoundRef{Index: di, Name: df.Name, Type: df.Type, Nullable: df.Nullable}, tf.Type)
		ev, err := compileBound(&expr.Binary{Op: expr.OpNullSafe, Left: cur, Right: value})
		if err != nil {
			return nil, fmt.Errorf("ingot: generated column %s (%s): %w", name, text, err)
		}
		g.checks = append(g.checks, genCheck{col: tf.Name, text: text, ev: ev, refs: append([]int{di}, refs...)})
	}
	g.out = g.outType.ArrowSchema()
	return g, nil
}

func asType(e expr.Expr, t types.DataType) expr.Expr {
	return &expr.Cast{Child: e, To: t}
}

func compileBound(e expr.Expr) (expr.Evaluator, error) {
	c, err := expr.Coerce(e)
	if err != nil {
		return nil, err
	}
	return expr.Compile(c)
}

// apply checks rec's generated columns and returns it with the missing
// ones appended (a new batch; rec is not released).
func (g *generator) apply(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	for _, c := range g.checks {
		res, err := c.ev.Eval(ctx, rec)
		if err != nil {
			return nil, fmt.Errorf("ingot: generated column %s: %w", c.col, err)
		}
		bad := firstNotTrueRow(res)
		res.Release()
		if bad < 0 {
			continue
		}
		var vals []string
		seen := map[int]bool{}
		for _, i := range c.refs {
			if seen[i] {
				continue
			}
			seen[i] = true
			v := "null"
			if a := rec.Column(i); a.IsValid(bad) {
				v = a.ValueStr(bad)
			}
			vals = append(vals, fmt.Sprintf(" - %s : %s", rec.Schema().Field(i).Name, v))
		}
		return nil, fmt.Errorf("ingot: [DELTA_GENERATED_COLUMNS_EXPR_VIOLATION] CHECK constraint Generated Column (%s <=> (%s)) violated by row with values:\n%s", c.col, c.text, strings.Join(vals, "\n"))
	}
	cols := make([]arrow.Array, 0, len(g.out.Fields()))
	cols = append(cols, rec.Columns()...)
	var made []arrow.Array
	defer func() {
		for _, a := range made {
			a.Release()
		}
	}()
	for _, ev := range g.adds {
		a, err := ev.Eval(ctx, rec)
		if err != nil {
			return nil, fmt.Errorf("ingot: generated column: %w", err)
		}
		made = append(made, a)
		cols = append(cols, a)
	}
	return array.NewRecordBatch(g.out, cols, rec.NumRows()), nil
}

// firstNotTrueRow is the first row of a boolean array that is false or
// NULL, or -1.
func firstNotTrueRow(a arrow.Array) int {
	b, ok := a.(*array.Boolean)
	if !ok {
		return 0
	}
	for i := 0; i < b.Len(); i++ {
		if b.IsNull(i) || !b.Value(i) {
			return i
		}
	}
	return -1
}

// Reader wraps data so every batch passes apply on its way to the writer.
func (g *generator) Reader(data batch.Reader) batch.Reader {
	return &generatedReader{in: data, g: g}
}

type generatedReader struct {
	in batch.Reader
	g  *generator
}

func (r *generatedReader) Schema() *arrow.Schema { return r.g.out }
func (r *generatedReader) Close() error          { return r.in.Close() }

func (r *generatedReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	rec, err := r.in.Next(ctx)
	if rec == nil || err != nil {
		return rec, err
	}
	out, err := r.g.apply(ctx, rec)
	rec.Release()
	return out, err
}

// generatedUpdates extends UPDATE's assignments so every generated column
// of the table is recomputed from the row's new values: its expression
// with each assigned column replaced by the value assigned to it (row-level
// statements write through the transaction API, which does not pass
// through constrain). Setting a generated column directly is refused.
func generatedUpdates(ctx context.Context, t *delta.Table, set []dml.Assignment) ([]dml.Assignment, error) {
	snap, err := t.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	gen := snap.GeneratedColumns()
	if len(gen) == 0 {
		return set, nil
	}
	schema := snap.Schema()
	assigned := map[string]expr.Expr{}
	for _, a := range set {
		assigned[strings.ToLower(a.Column)] = a.Value
	}
	out := append([]dml.Assignment(nil), set...)
	for _, f := range schema.Fields {
		text, ok := gen[f.Name]
		if !ok {
			continue
		}
		if _, ok := assigned[strings.ToLower(f.Name)]; ok {
			return nil, fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] UPDATE cannot set generated column %s (GENERATED ALWAYS AS (%s)): it is recomputed from the columns it reads", f.Name, text)
		}
		parsed, err := sql.ParseExpr(text)
		if err != nil {
			return nil, fmt.Errorf("ingot: generated column %s (%s): %w", f.Name, text, err)
		}
		touched := false
		e, err := expr.Transform(parsed, func(n expr.Expr) (expr.Expr, error) {
			if r, ok := n.(*expr.ColumnRef); ok {
				if v, ok := assigned[strings.ToLower(r.Name)]; ok {
					touched = true
					return v, nil
				}
			}
			return n, nil
		})
		if err != nil {
			return nil, err
		}
		if touched {
			out = append(out, dml.Assignment{Column: f.Name, Value: asType(e, f.Type)})
		}
	}
	return out, nil
}

// refuseGeneratedMerge fails a MERGE into a table with generated columns:
// its inserted and updated rows are not computed or checked yet, and
// writing them unchecked would break the table's invariant.
func refuseGeneratedMerge(ctx context.Context, t *delta.Table) error {
	snap, err := t.Snapshot(ctx)
	if err != nil {
		return err
	}
	if gen := snap.GeneratedColumns(); len(gen) > 0 {
		names := make([]string, 0, len(gen))
		for n := range gen {
			names = append(names, n)
		}
		sort.Strings(names)
		return fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] MERGE INTO a table with generated columns (%s) is not supported yet", strings.Join(names, ", "))
	}
	return nil
}
