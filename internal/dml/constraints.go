package dml

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// Constraint is one CHECK constraint of a table: its name, the SQL text
// stored in delta.constraints.<name>, and that text parsed.
type Constraint struct {
	Name string
	SQL  string
	Expr expr.Expr
}

// ConstraintChecker evaluates CHECK constraints over batches of one
// schema. As in Delta, a row satisfies a constraint only when it evaluates
// to true: false and NULL are violations.
type ConstraintChecker struct {
	cs   []Constraint
	evs  []expr.Evaluator
	refs [][]int // columns each constraint mentions, for the error message
	sch  types.StructType
}

// NewConstraintChecker binds constraints to schema (column names are
// matched case-insensitively; qualifiers are ignored). A constraint that
// names a missing column or is not boolean is an error.
func NewConstraintChecker(schema types.StructType, cs []Constraint) (*ConstraintChecker, error) {
	sorted := append([]Constraint(nil), cs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	c := &ConstraintChecker{cs: sorted, sch: schema}
	for _, k := range sorted {
		ev, refs, err := compileOver(schema, k.Expr)
		if err != nil {
			return nil, fmt.Errorf("dml: CHECK constraint %s (%s): %w", k.Name, k.SQL, err)
		}
		if _, ok := ev.Type().(types.BooleanType); !ok {
			return nil, fmt.Errorf("[DELTA_NON_BOOLEAN_CHECK_CONSTRAINT] CHECK constraint %s (%s) should be a boolean expression, not %s", k.Name, k.SQL, ev.Type().SQL())
		}
		c.evs = append(c.evs, ev)
		c.refs = append(c.refs, refs)
	}
	return c, nil
}

// compileOver binds e to the columns of schema and compiles it.
func compileOver(schema types.StructType, e expr.Expr) (expr.Evaluator, []int, error) {
	var refs []int
	bound, err := expr.Bind(e, func(c *expr.ColumnRef) (*expr.BoundRef, error) {
		i := schema.FieldIndex(c.Name)
		if i < 0 {
			return nil, fmt.Errorf("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `%s` cannot be resolved. Did you mean one of the following? [%s]", c.Name, strings.Join(schema.Names(), ", "))
		}
		refs = append(refs, i)
		f := schema.Fields[i]
		return &expr.BoundRef{Index: i, Name: f.Name, Type: f.Type, Nullable: f.Nullable}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if bound, err = expr.Coerce(bound); err != nil {
		return nil, nil, err
	}
	ev, err := expr.Compile(bound)
	if err != nil {
		return nil, nil, err
	}
	return ev, refs, nil
}

// Len is the number of constraints checked.
func (c *ConstraintChecker) Len() int {
	if c == nil {
		return 0
	}
	return len(c.cs)
}

// Check fails with [DELTA_VIOLATE_CONSTRAINT_WITH_VALUES] naming the first
// violated constraint and the values of the columns it mentions in the
// first violating row.
func (c *ConstraintChecker) Check(ctx context.Context, rec arrow.RecordBatch) error {
	if c == nil {
		return nil
	}
	for i, ev := range c.evs {
		res, err := ev.Eval(ctx, rec)
		if err != nil {
			return fmt.Errorf("dml: CHECK constraint %s: %w", c.cs[i].Name, err)
		}
		bad := firstNotTrue(res)
		res.Release()
		if bad < 0 {
			continue
		}
		var vals []string
		seen := map[int]bool{}
		for _, col := range c.refs[i] {
			if seen[col] {
				continue
			}
			seen[col] = true
			a := rec.Column(col)
			v := "null"
			if a.IsValid(bad) {
				v = a.ValueStr(bad)
			}
			vals = append(vals, fmt.Sprintf(" - %s : %s", c.sch.Fields[col].Name, v))
		}
		return fmt.Errorf("[DELTA_VIOLATE_CONSTRAINT_WITH_VALUES] CHECK constraint %s (%s) violated by row with values:\n%s", c.cs[i].Name, c.cs[i].SQL, strings.Join(vals, "\n"))
	}
	return nil
}

// firstNotTrue returns the first row of a boolean array that is false or
// NULL, or -1.
func firstNotTrue(a arrow.Array) int {
	b, ok := a.(*array.Boolean)
	if !ok {
		return -1
	}
	for i := 0; i < b.Len(); i++ {
		if b.IsNull(i) || !b.Value(i) {
			return i
		}
	}
	return -1
}

// Reader wraps r so every batch is checked before it is passed on; the
// first violation ends the stream with its error.
func (c *ConstraintChecker) Reader(r batch.Reader) batch.Reader {
	if c.Len() == 0 {
		return r
	}
	return &checkedReader{Reader: r, c: c}
}

type checkedReader struct {
	batch.Reader
	c *ConstraintChecker
}

func (r *checkedReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	rec, err := r.Reader.Next(ctx)
	if rec == nil || err != nil {
		return rec, err
	}
	if err := r.c.Check(ctx, rec); err != nil {
		rec.Release()
		return nil, err
	}
	return rec, nil
}
