package sql

import (
	"fmt"
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// aggregateBlock plans the aggregation of a SELECT that groups or
// aggregates, with its HAVING and, when the query orders it, its ORDER BY:
// an Aggregate whose output list is the select list (as the DataFrame's
// groupBy().agg() builds it), a Filter above for HAVING, a Sort above that.
//
// Two clauses may need values the select list does not show, which only
// the aggregation can compute:
//
//   - ORDER BY may name aggregates and grouping expressions that are not
//     selected (ORDER BY count(*) DESC; GROUP BY mrn ... ORDER BY mrn).
//   - HAVING is evaluated before SELECT, so in Spark a bare name in it
//     means the input (grouping) column of that name even when an output
//     alias shares it, and only otherwise a select alias: in SELECT sum(a)
//     AS b ... GROUP BY b HAVING b > 10, b is the grouping column.
//
// Such values become hidden outputs of the Aggregate (__havingN, __sortN)
// that the Filter and Sort use and a Project above drops. HAVING
// conditions that aggregate are left to the analyzer, which binds them
// against the input the same way, and sort keys that the select list
// answers are left alone, so common queries keep the plain shape.
func (p *planner) aggregateBlock(s *Select, in plan.Node, orders []*expr.SortOrder) (plan.Node, error) {
	items, err := lateralAliases(s.Items, in)
	if err != nil {
		return nil, err
	}
	groupBy, err := groupByAll(s.GroupBy, items, in)
	if err != nil {
		return nil, err
	}
	sets, err := groupingSets(groupBy)
	if err != nil {
		return nil, err
	}
	if sets != nil {
		return p.groupingSetsBlock(s, in, items, sets, orders)
	}
	aggs := append([]expr.Expr(nil), items...)
	hidden := false
	having := s.Having
	if having != nil {
		if having, err = havingAliases(having, items, in); err != nil {
			return nil, err
		}
		if !expr.ContainsAggregate(having) {
			aggs = append(aggs, &expr.Alias{Child: having, Name: "__having0"})
			having = &expr.ColumnRef{Name: "__having0"}
			hidden = true
		}
	}
	keys := orders
	if len(orders) > 0 {
		base, err := plan.Analyze(&plan.Aggregate{Input: in, GroupBy: groupBy, Aggs: items})
		if err != nil {
			return nil, err
		}
		out := base.Schema()
		keys = make([]*expr.SortOrder, len(orders))
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
	}
	var n plan.Node = &plan.Aggregate{Input: in, GroupBy: groupBy, Aggs: aggs}
	if having != nil {
		n = &plan.Filter{Input: n, Cond: having}
	}
	if len(keys) > 0 {
		n = &plan.Sort{Input: n, Orders: keys}
	}
	if !hidden {
		return n, nil
	}
	// The select list is the first columns; bind to them by position
	// since two of them may share a name.
	visible, err := plan.Analyze(&plan.Aggregate{Input: in, GroupBy: groupBy, Aggs: items})
	if err != nil {
		return nil, err
	}
	a, err := plan.Analyze(n)
	if err != nil {
		return nil, err
	}
	cols := a.Schema().Columns
	es := make([]expr.Expr, visible.Schema().Len())
	for i := range es {
		c := cols[i]
		es[i] = &expr.BoundRef{Index: i, Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	return &plan.Project{Input: a, Exprs: es}, nil
}

// groupByAll expands Spark 3.4+'s GROUP BY ALL: group by every select item
// that does not aggregate (none: a global aggregation). ALL means a column
// of that name when the input has one.
func groupByAll(groupBy, items []expr.Expr, in plan.Node) ([]expr.Expr, error) {
	if len(groupBy) != 1 {
		return groupBy, nil
	}
	c, ok := groupBy[0].(*expr.ColumnRef)
	if !ok || c.Qualifier != "" || !strings.EqualFold(c.Name, "all") {
		return groupBy, nil
	}
	a, err := plan.Analyze(in)
	if err != nil {
		return nil, err
	}
	for _, col := range a.Schema().Columns {
		if strings.EqualFold(col.Name, "all") {
			return groupBy, nil
		}
	}
	var out []expr.Expr
	for _, it := range items {
		if _, star := it.(*expr.Star); star {
			return nil, unsupported("GROUP BY ALL with * in the select list is not supported yet")
		}
		if !expr.ContainsAggregate(it) {
			out = append(out, stripAliases(it))
		}
	}
	return out, nil
}

// havingAliases replaces the bare names of a HAVING condition that are
// not input columns but select-list aliases by the aliased expressions
// (HAVING total > 10 for sum(n) AS total). Input columns take precedence,
// as in Spark.
func havingAliases(cond expr.Expr, items []expr.Expr, in plan.Node) (expr.Expr, error) {
	aliases := map[string]expr.Expr{}
	for _, it := range items {
		if a, ok := it.(*expr.Alias); ok {
			if _, seen := aliases[strings.ToLower(a.Name)]; !seen {
				aliases[strings.ToLower(a.Name)] = a.Child
			}
		}
	}
	if len(aliases) == 0 {
		return cond, nil
	}
	var inputs map[string]bool
	return expr.Transform(cond, func(e expr.Expr) (expr.Expr, error) {
		c, ok := e.(*expr.ColumnRef)
		if !ok || c.Qualifier != "" {
			return e, nil
		}
		d, ok := aliases[strings.ToLower(c.Name)]
		if !ok {
			return e, nil
		}
		if inputs == nil {
			a, err := plan.Analyze(in)
			if err != nil {
				return nil, err
			}
			inputs = map[string]bool{}
			for _, col := range a.Schema().Columns {
				inputs[strings.ToLower(col.Name)] = true
			}
		}
		if inputs[strings.ToLower(c.Name)] {
			return e, nil
		}
		return d, nil
	})
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
