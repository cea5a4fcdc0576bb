package sql

import (
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
)

// The nodes below are expressions that only SQL text produces and that
// internal/expr has no node for: subqueries, window calls, intervals,
// subscripts and lambdas. They implement expr.Expr so they sit in the same
// trees; the planner rewrites them (subqueries into joins, windows into a
// Window operator) before expressions are bound.

// ScalarSubquery is `(SELECT ...)` used as a value.
type ScalarSubquery struct{ Query *Query }

// Exists is `EXISTS (SELECT ...)`; NOT EXISTS is Unary NOT over it.
type Exists struct{ Query *Query }

// InSubquery is `Child [NOT] IN (SELECT ...)`.
type InSubquery struct {
	Child expr.Expr
	Query *Query
	Not   bool
}

// WindowCall is `Func OVER (PARTITION BY .. ORDER BY .. frame)` or
// `Func OVER name` (Name set, referring to a WINDOW clause).
type WindowCall struct {
	Func        expr.Expr
	Name        string
	PartitionBy []expr.Expr
	OrderBy     []*expr.SortOrder
	Frame       *WindowFrame
}

// WindowFrame is ROWS|RANGE BETWEEN Start AND End. Bounds are
// "UNBOUNDED PRECEDING", "CURRENT ROW", "UNBOUNDED FOLLOWING", or an offset
// expression with Preceding/Following set.
type WindowFrame struct {
	Range      bool
	Start, End FrameBound
}

// FrameBound is one end of a window frame.
type FrameBound struct {
	Unbounded bool
	Current   bool
	Offset    expr.Expr
	Following bool
}

// Interval is an INTERVAL literal kept as its parts: each Value is the
// literal text of a number or string, each Unit upper case and singular
// (YEAR, MONTH, DAY, HOUR, ...). `INTERVAL '1-2' YEAR TO MONTH` has one
// part with Unit "YEAR TO MONTH".
type Interval struct {
	Parts []IntervalPart
}

// IntervalPart is one `value unit` of an interval literal.
type IntervalPart struct {
	Value string
	Unit  string
}

// Subscript is `Child[Index]`: array element (0-based) or map value.
type Subscript struct {
	Child, Index expr.Expr
}

// Lambda is `x -> body` or `(x, y) -> body`, an argument of higher-order
// functions such as transform and filter.
type Lambda struct {
	Params []string
	Body   expr.Expr
}

func (s *ScalarSubquery) String() string                     { return "(" + s.Query.String() + ")" }
func (s *ScalarSubquery) Children() []expr.Expr              { return nil }
func (s *ScalarSubquery) WithChildren([]expr.Expr) expr.Expr { cp := *s; return &cp }

func (e *Exists) String() string                     { return "EXISTS (" + e.Query.String() + ")" }
func (e *Exists) Children() []expr.Expr              { return nil }
func (e *Exists) WithChildren([]expr.Expr) expr.Expr { cp := *e; return &cp }

func (in *InSubquery) String() string {
	not := ""
	if in.Not {
		not = "NOT "
	}
	return "(" + exprSQL(in.Child) + " " + not + "IN (" + in.Query.String() + "))"
}
func (in *InSubquery) Children() []expr.Expr { return []expr.Expr{in.Child} }
func (in *InSubquery) WithChildren(ch []expr.Expr) expr.Expr {
	cp := *in
	cp.Child = ch[0]
	return &cp
}

func (w *WindowCall) String() string { return exprSQL(w.Func) + " OVER " + w.specSQL() }

// specSQL renders the window after OVER: a name or a parenthesised spec.
func (w *WindowCall) specSQL() string {
	if w.Name != "" {
		return quoteIdent(w.Name)
	}
	var b strings.Builder
	b.WriteString("(")
	sep := ""
	if len(w.PartitionBy) > 0 {
		b.WriteString("PARTITION BY ")
		b.WriteString(exprList(w.PartitionBy))
		sep = " "
	}
	if len(w.OrderBy) > 0 {
		b.WriteString(sep + "ORDER BY ")
		b.WriteString(sortList(w.OrderBy))
		sep = " "
	}
	if w.Frame != nil {
		b.WriteString(sep)
		if w.Frame.Range {
			b.WriteString("RANGE")
		} else {
			b.WriteString("ROWS")
		}
		b.WriteString(" BETWEEN " + w.Frame.Start.String() + " AND " + w.Frame.End.String())
	}
	b.WriteString(")")
	return b.String()
}

// A named window's spec (WINDOW w AS (...)) has no Func and so no first
// child.
func (w *WindowCall) Children() []expr.Expr {
	var ch []expr.Expr
	if w.Func != nil {
		ch = append(ch, w.Func)
	}
	ch = append(ch, w.PartitionBy...)
	for _, o := range w.OrderBy {
		ch = append(ch, o)
	}
	return ch
}

func (w *WindowCall) WithChildren(ch []expr.Expr) expr.Expr {
	cp := *w
	if w.Func != nil {
		cp.Func, ch = ch[0], ch[1:]
	}
	cp.PartitionBy = append([]expr.Expr(nil), ch[:len(w.PartitionBy)]...)
	ch = ch[len(w.PartitionBy):]
	cp.OrderBy = make([]*expr.SortOrder, len(w.OrderBy))
	for i := range w.OrderBy {
		if so, ok := ch[i].(*expr.SortOrder); ok {
			cp.OrderBy[i] = so
		} else {
			cp.OrderBy[i] = &expr.SortOrder{Child: ch[i], Desc: w.OrderBy[i].Desc, NullsFirst: w.OrderBy[i].NullsFirst}
		}
	}
	return &cp
}

func (f FrameBound) String() string {
	dir := "PRECEDING"
	if f.Following {
		dir = "FOLLOWING"
	}
	switch {
	case f.Current:
		return "CURRENT ROW"
	case f.Unbounded:
		return "UNBOUNDED " + dir
	}
	return exprSQL(f.Offset) + " " + dir
}

func (iv *Interval) String() string {
	var b strings.Builder
	b.WriteString("INTERVAL")
	for _, p := range iv.Parts {
		b.WriteString(" " + p.Value + " " + p.Unit)
	}
	return b.String()
}
func (iv *Interval) Children() []expr.Expr              { return nil }
func (iv *Interval) WithChildren([]expr.Expr) expr.Expr { cp := *iv; return &cp }

func (s *Subscript) String() string        { return exprSQL(s.Child) + "[" + exprSQL(s.Index) + "]" }
func (s *Subscript) Children() []expr.Expr { return []expr.Expr{s.Child, s.Index} }
func (s *Subscript) WithChildren(ch []expr.Expr) expr.Expr {
	return &Subscript{Child: ch[0], Index: ch[1]}
}

func (l *Lambda) String() string {
	params := make([]string, len(l.Params))
	for i, p := range l.Params {
		params[i] = quoteIdent(p)
	}
	if len(params) == 1 {
		return params[0] + " -> " + exprSQL(l.Body)
	}
	return "(" + strings.Join(params, ", ") + ") -> " + exprSQL(l.Body)
}
func (l *Lambda) Children() []expr.Expr { return []expr.Expr{l.Body} }
func (l *Lambda) WithChildren(ch []expr.Expr) expr.Expr {
	return &Lambda{Params: l.Params, Body: ch[0]}
}

// GroupingSets is GROUPING SETS ((a, b), (a), ()) in GROUP BY; each set
// lists the grouping expressions of one grouping.
type GroupingSets struct {
	Sets [][]expr.Expr
}

func (g *GroupingSets) String() string { return "GROUPING SETS (" + rowsSQL(g.Sets) + ")" }

func (g *GroupingSets) Children() []expr.Expr {
	var ch []expr.Expr
	for _, s := range g.Sets {
		ch = append(ch, s...)
	}
	return ch
}

func (g *GroupingSets) WithChildren(ch []expr.Expr) expr.Expr {
	cp := &GroupingSets{Sets: make([][]expr.Expr, len(g.Sets))}
	i := 0
	for k, s := range g.Sets {
		cp.Sets[k] = append([]expr.Expr(nil), ch[i:i+len(s)]...)
		i += len(s)
	}
	return cp
}

// MultiAlias names the several columns of a generator: explode(m) AS (k, v).
type MultiAlias struct {
	Child expr.Expr
	Names []string
}

func (m *MultiAlias) String() string        { return exprSQL(m.Child) + " AS (" + identList(m.Names) + ")" }
func (m *MultiAlias) Children() []expr.Expr { return []expr.Expr{m.Child} }
func (m *MultiAlias) WithChildren(ch []expr.Expr) expr.Expr {
	return &MultiAlias{Child: ch[0], Names: m.Names}
}
