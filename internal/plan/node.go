package plan

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// Node is a logical plan operator. Front ends build trees of nodes holding
// unresolved expressions; Analyze returns the resolved tree, in which every
// expression is bound (BoundRef indexes the node's input columns; for a
// Join's condition, the left columns followed by the right ones).
type Node interface {
	// Schema is the node's output columns. Before analysis it is a best
	// effort (types may be nil).
	Schema() Schema
	Children() []Node
	// String describes the node on one line, for Explain.
	String() string
}

// Source is where a Scan's batches come from: a table, a file set, a
// streaming micro-batch. Upper layers implement it.
type Source interface {
	Name() string
	Schema() types.StructType
	Scan(ctx context.Context, req ScanRequest) (batch.Reader, error)
}

// ScanRequest narrows a scan. Columns is the projection (positions in the
// source schema, in output order; nil means all columns). Filters are bound
// to the projected columns and advisory: a source may use them to skip
// data but the plan still filters every row.
type ScanRequest struct {
	Columns []int
	Filters []expr.Expr
}

// Scan reads a Source. Alias, when set, qualifies its columns instead of the
// source name. Columns and Filters are set by the optimizer (see
// ScanRequest).
type Scan struct {
	Source  Source
	Alias   string
	Columns []int
	Filters []expr.Expr
}

// Project computes one output column per expression.
type Project struct {
	Input Node
	Exprs []expr.Expr
	// usingQuals[i] qualifies output column i (a USING join key) by the
	// join side it comes from; set by analysis only.
	usingQuals [][]string
	// hidden[i] marks output column i hidden (Column.hidden); set by
	// analysis only. Optimizer rules may drop it: after analysis only
	// resolution, which is done, reads it.
	hidden []bool
}

// Filter keeps the rows for which Cond is true.
type Filter struct {
	Input Node
	Cond  expr.Expr
}

// JoinType is the kind of a join.
type JoinType int

const (
	Inner JoinType = iota
	LeftOuter
	RightOuter
	FullOuter
	Cross
	LeftSemi
	LeftAnti
)

var joinTypeNames = [...]string{"Inner", "LeftOuter", "RightOuter", "FullOuter", "Cross", "LeftSemi", "LeftAnti"}

func (t JoinType) String() string {
	if t < 0 || int(t) >= len(joinTypeNames) {
		return fmt.Sprintf("JoinType(%d)", int(t))
	}
	return joinTypeNames[t]
}

// Join combines Left and Right. Either On is a condition over both sides'
// columns, or Using names the key columns present on both sides (Spark's
// join(df, "mrn") and SQL's JOIN ... USING). The output is the left columns
// then the right columns (left only for semi and anti joins); a USING join
// is analyzed into a join on equalities under a Project that puts each key
// column once, first, as Spark does.
type Join struct {
	Left, Right Node
	Type        JoinType
	On          expr.Expr
	Using       []string
}

// Aggregate groups Input by GroupBy and computes Aggs.
//
// As built by the front ends, Aggs is the complete output list, like Spark's
// aggregate expressions: it may mention grouping expressions and aggregate
// calls nested in other expressions (ceil(avg(x)) AS a). The DataFrame
// groupBy(k).agg(...) must therefore list the grouping columns first, as
// Spark's RelationalGroupedDataset does. Analyze rewrites it into an analyzed
// Aggregate whose GroupBy are bound key expressions and whose Aggs are bare
// *expr.AggCall, output keys then aggregates, under a Project computing the
// requested output.
type Aggregate struct {
	Input    Node
	GroupBy  []expr.Expr
	Aggs     []expr.Expr
	analyzed bool
}

// Sort orders rows.
type Sort struct {
	Input  Node
	Orders []*expr.SortOrder
}

// Limit keeps the first N rows.
type Limit struct {
	Input Node
	N     int64
}

// SubqueryAlias renames the relation: its columns are qualified by Alias.
type SubqueryAlias struct {
	Input Node
	Alias string
}

// LocalRelation is an in-memory table. Executing it does not consume the
// batches (each execution retains them).
type LocalRelation struct {
	Struct  types.StructType
	Batches []arrow.RecordBatch
}

// Distinct removes duplicate rows.
type Distinct struct {
	Input Node
}

// Union concatenates inputs with the same number of columns (by position);
// All=false removes duplicates (UNION vs UNION ALL).
type Union struct {
	Inputs []Node
	All    bool
}

func (s *Scan) Schema() Schema {
	st := s.Source.Schema()
	if s.Columns != nil {
		fs := make([]types.StructField, len(s.Columns))
		for i, c := range s.Columns {
			fs[i] = st.Fields[c]
		}
		st = types.StructType{Fields: fs}
	}
	return SchemaOf(s.qualifier(), st)
}

// qualifier is the alias or the last part of the source name
// ("db.table" is referenced as "table").
func (s *Scan) qualifier() string {
	if s.Alias != "" {
		return s.Alias
	}
	n := s.Source.Name()
	if i := strings.LastIndexByte(n, '.'); i >= 0 {
		return n[i+1:]
	}
	return n
}

func (p *Project) Schema() Schema {
	in := p.Input.Schema()
	cols := make([]Column, len(p.Exprs))
	for i, e := range p.Exprs {
		cols[i] = exprColumn(e, in)
		if i < len(p.usingQuals) && len(p.usingQuals[i]) > 0 {
			cols[i].Qualifier, cols[i].alts = p.usingQuals[i][0], p.usingQuals[i][1:]
		}
		cols[i].hidden = i < len(p.hidden) && p.hidden[i]
	}
	return Schema{Columns: cols}
}

// exprColumn types e (best effort before analysis). A bare column keeps its
// qualifier, so "SELECT r.a ... ORDER BY r.a" still resolves.
func exprColumn(e expr.Expr, in Schema) Column {
	c := Column{Name: outputName(e)}
	if b, ok := e.(*expr.BoundRef); ok && b.Index < in.Len() {
		c.Qualifier = in.Columns[b.Index].Qualifier
	}
	if t, n, err := expr.TypeOf(e); err == nil {
		c.Type, c.Nullable = t, n
	}
	return c
}

func (f *Filter) Schema() Schema { return f.Input.Schema() }

func (j *Join) Schema() Schema {
	l, r := j.Left.Schema(), j.Right.Schema()
	if j.Type == LeftSemi || j.Type == LeftAnti {
		return l
	}
	nullable := func(s Schema, yes bool) Schema {
		if !yes {
			return s
		}
		cols := append([]Column(nil), s.Columns...)
		for i := range cols {
			cols[i].Nullable = true
		}
		return Schema{Columns: cols}
	}
	return concatSchemas(nullable(l, j.Type == RightOuter || j.Type == FullOuter), nullable(r, j.Type == LeftOuter || j.Type == FullOuter))
}

func (a *Aggregate) Schema() Schema {
	in := a.Input.Schema()
	var cols []Column
	if a.analyzed {
		for _, g := range a.GroupBy {
			cols = append(cols, exprColumn(g, in))
		}
	}
	for _, e := range a.Aggs {
		cols = append(cols, exprColumn(e, in))
	}
	return Schema{Columns: cols}
}

func (s *Sort) Schema() Schema          { return s.Input.Schema() }
func (l *Limit) Schema() Schema         { return l.Input.Schema() }
func (d *Distinct) Schema() Schema      { return d.Input.Schema() }
func (s *SubqueryAlias) Schema() Schema { return s.Input.Schema().withQualifier(s.Alias) }
func (l *LocalRelation) Schema() Schema { return SchemaOf("", l.Struct) }

func (u *Union) Schema() Schema {
	s := u.Inputs[0].Schema()
	cols := append([]Column(nil), s.Columns...)
	for _, in := range u.Inputs[1:] {
		for i, c := range in.Schema().Columns {
			if i < len(cols) {
				cols[i].Nullable = cols[i].Nullable || c.Nullable
			}
		}
	}
	for i := range cols {
		cols[i].Qualifier = ""
	}
	return Schema{Columns: cols}
}

func (s *Scan) Children() []Node          { return nil }
func (p *Project) Children() []Node       { return []Node{p.Input} }
func (f *Filter) Children() []Node        { return []Node{f.Input} }
func (j *Join) Children() []Node          { return []Node{j.Left, j.Right} }
func (a *Aggregate) Children() []Node     { return []Node{a.Input} }
func (s *Sort) Children() []Node          { return []Node{s.Input} }
func (l *Limit) Children() []Node         { return []Node{l.Input} }
func (s *SubqueryAlias) Children() []Node { return []Node{s.Input} }
func (l *LocalRelation) Children() []Node { return nil }
func (d *Distinct) Children() []Node      { return []Node{d.Input} }
func (u *Union) Children() []Node         { return u.Inputs }

func (s *Scan) String() string {
	out := "Scan " + s.Source.Name()
	if s.Alias != "" {
		out += " AS " + s.Alias
	}
	cols := s.Schema().Columns
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	out += " [" + strings.Join(names, ", ") + "]"
	if len(s.Filters) > 0 {
		out += " filters=[" + joinExprs(s.Filters) + "]"
	}
	return out
}

// String lists the visible outputs only: like Spark, which keeps a USING
// join's hidden keys out of the project list, EXPLAIN shows what * sees.
// The optimizer prunes the hidden keys no one reads.
func (p *Project) String() string {
	es := p.Exprs
	if len(p.hidden) > 0 {
		es = nil
		for i, e := range p.Exprs {
			if i >= len(p.hidden) || !p.hidden[i] {
				es = append(es, e)
			}
		}
	}
	return "Project [" + joinNamed(es) + "]"
}
func (f *Filter) String() string { return "Filter " + exprString(f.Cond) }
func (j *Join) String() string {
	s := "Join " + j.Type.String()
	if len(j.Using) > 0 {
		s += " USING (" + strings.Join(j.Using, ", ") + ")"
	}
	if j.On != nil {
		s += " ON " + exprString(j.On)
	}
	return s
}
func (a *Aggregate) String() string {
	return "Aggregate [" + joinExprs(a.GroupBy) + "] [" + joinNamed(a.Aggs) + "]"
}
func (s *Sort) String() string {
	parts := make([]string, len(s.Orders))
	for i, o := range s.Orders {
		parts[i] = exprString(o)
	}
	return "Sort [" + strings.Join(parts, ", ") + "]"
}
func (l *Limit) String() string         { return fmt.Sprintf("Limit %d", l.N) }
func (s *SubqueryAlias) String() string { return "SubqueryAlias " + s.Alias }
func (l *LocalRelation) String() string {
	var rows int64
	for _, b := range l.Batches {
		rows += b.NumRows()
	}
	return fmt.Sprintf("LocalRelation [%s] rows=%d", strings.Join(l.Struct.Names(), ", "), rows)
}
func (d *Distinct) String() string { return "Distinct" }
func (u *Union) String() string {
	if u.All {
		return "Union All"
	}
	return "Union"
}

// exprString renders a bound expression for Explain: column references
// print as name#index so that equal names from two sides stay apart.
func exprString(e expr.Expr) string {
	if e == nil {
		return "<nil>"
	}
	r, err := expr.Transform(e, func(n expr.Expr) (expr.Expr, error) {
		if b, ok := n.(*expr.BoundRef); ok {
			cp := *b
			cp.Name = fmt.Sprintf("%s#%d", b.Name, b.Index)
			return &cp, nil
		}
		return n, nil
	})
	if err != nil {
		return e.String()
	}
	return r.String()
}

func joinExprs(es []expr.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = exprString(e)
	}
	return strings.Join(parts, ", ")
}

// joinNamed renders output expressions as "expr AS name" where the name is
// not the expression itself.
func joinNamed(es []expr.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		inner := e
		if a, ok := e.(*expr.Alias); ok {
			inner = a.Child
		}
		s := exprString(inner)
		if name := outputName(e); name != inner.String() || isAlias(e) {
			s += " AS " + name
		}
		parts[i] = s
	}
	return strings.Join(parts, ", ")
}

func isAlias(e expr.Expr) bool { _, ok := e.(*expr.Alias); return ok }
