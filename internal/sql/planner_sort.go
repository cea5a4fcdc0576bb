package sql

import (
	"fmt"
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// sortedAggregate plans an aggregating SELECT with ORDER BY.
//
// ORDER BY over an aggregation may name what the select list shows (an
// alias, an output column, an ordinal) but also, as in Spark, aggregates
// and grouping expressions that are not selected: ORDER BY count(*) DESC,
// or GROUP BY mrn ... ORDER BY mrn without selecting mrn. The latter must
// be computed by the aggregation itself, so such sort keys become hidden
// outputs of the Aggregate (named __sortN), which the Sort uses and a
// Project above drops. This also works with HAVING between the two, which
// the analyzer's own handling of aggregates in ORDER BY does not cover.
// Keys that resolve against the select list are left to the analyzer, so
// the common case keeps the plain Sort-over-Aggregate shape.
func (p *planner) sortedAggregate(s *Select, orders []*expr.SortOrder, scope *cteScope) (plan.Node, error) {
	in, err := p.selectInput(s, scope)
	if err != nil {
		return nil, err
	}
	items, err := lateralAliases(s.Items, in)
	if err != nil {
		return nil, err
	}
	base, err := plan.Analyze(&plan.Aggregate{Input: in, GroupBy: s.GroupBy, Aggs: items})
	if err != nil {
		return nil, err
	}
	out := base.Schema()
	aggs := append([]expr.Expr(nil), items...)
	keys := make([]*expr.SortOrder, len(orders))
	hidden := false
	for i, o := range orders {
		keys[i] = o
		if resolvesAgainst(o.Child, out) {
			continue
		}
		name := fmt.Sprintf("__sort%d", i)
		aggs = append(aggs, &expr.Alias{Child: o.Child, Name: name})
		keys[i] = &expr.SortOrder{Child: &expr.ColumnRef{Name: name}, Desc: o.Desc, NullsFirst: o.NullsFirst}
		hidden = true
	}
	var n plan.Node = &plan.Aggregate{Input: in, GroupBy: s.GroupBy, Aggs: aggs}
	if s.Having != nil {
		n = &plan.Filter{Input: n, Cond: s.Having}
	}
	n = &plan.Sort{Input: n, Orders: keys}
	if !hidden {
		return n, nil
	}
	// The select list is the first out.Len() columns; bind to them by
	// position since two of them may share a name.
	a, err := plan.Analyze(n)
	if err != nil {
		return nil, err
	}
	cols := a.Schema().Columns
	es := make([]expr.Expr, out.Len())
	for i := range es {
		c := cols[i]
		es[i] = &expr.BoundRef{Index: i, Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	return &plan.Project{Input: a, Exprs: es}, nil
}

// resolvesAgainst reports whether a sort key is answered by the select
// list alone: an ordinal, or an expression without aggregates whose every
// column reference names exactly one output column.
func resolvesAgainst(e expr.Expr, out plan.Schema) bool {
	if l, ok := e.(*expr.Literal); ok {
		switch l.Value.(type) {
		case int32, int64:
			return true
		}
	}
	if expr.ContainsAggregate(e) {
		return false
	}
	ok := true
	var walk func(expr.Expr)
	walk = func(e expr.Expr) {
		if c, isRef := e.(*expr.ColumnRef); isRef {
			n := 0
			for _, col := range out.Columns {
				if strings.EqualFold(col.Name, c.Name) && (c.Qualifier == "" || strings.EqualFold(col.Qualifier, c.Qualifier)) {
					n++
				}
			}
			ok = ok && n == 1
		}
		for _, ch := range e.Children() {
			walk(ch)
		}
	}
	walk(e)
	return ok
}
