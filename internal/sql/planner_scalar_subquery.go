package sql

import (
	"errors"
	"fmt"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// scalarSubqueries plans the uncorrelated scalar subqueries of a SELECT's
// WHERE and (for a SELECT that does not aggregate) its select list, such
// as WHERE heartrate > (SELECT avg(heartrate) FROM readings).
//
// Each subquery is planned on its own, its one column renamed __scalarN,
// and cross-joined to the FROM relation; the subquery in the expressions
// becomes a reference to that column. The cross join must meet exactly
// one row. A global aggregate without HAVING always returns one; a
// subquery that may return none (LIMIT 1, a WHERE without FROM) is wrapped
// in max(), which yields its value or, for no row, NULL, as SQL wants. Two
// rows would duplicate the outer rows and the engine has no run-time
// check for that yet, so only subqueries whose shape rules it out (a
// global aggregate, LIMIT 0 or 1, a SELECT without FROM) are accepted;
// others, and correlated ones, are [UNSUPPORTED_FEATURE].
//
// It returns the relation, the SELECT with its expressions rewritten and,
// when only WHERE used the joined columns, the number of columns the
// relation had before, so that they can be dropped after filtering (-1
// otherwise). A select list with both * and a scalar subquery is refused
// rather than let the joined columns leak into *.
func (p *planner) scalarSubqueries(n plan.Node, s *Select, scope *cteScope) (plan.Node, *Select, int, error) {
	var subs []*ScalarSubquery
	collect := func(e expr.Expr) int {
		before := len(subs)
		walkExpr(e, func(e expr.Expr) {
			if q, ok := e.(*ScalarSubquery); ok {
				subs = append(subs, q)
			}
		})
		return len(subs) - before
	}
	collect(s.Where)
	inItems := 0
	if !aggregating(s) {
		for _, it := range s.Items {
			inItems += collect(it)
		}
	}
	if len(subs) == 0 {
		return n, s, -1, nil
	}
	if inItems > 0 {
		for _, it := range s.Items {
			if st, ok := it.(*expr.Star); ok && st.Qualifier == "" {
				return nil, nil, 0, unsupported("a scalar subquery in a select list with * is not supported yet")
			}
		}
	}
	outer, err := plan.Analyze(n)
	if err != nil {
		return nil, nil, 0, err
	}
	width := outer.Schema().Len()
	names := map[*ScalarSubquery]string{}
	n = outer
	for k, sq := range subs {
		if err := checkNestedCTE(sq.Query, scope); err != nil {
			return nil, nil, 0, err
		}
		if !atMostOneRow(sq.Query) {
			return nil, nil, 0, unsupported("a scalar subquery that may return more than one row is not supported yet: (%s)", oneLineSQL(sq.Query))
		}
		sn, err := p.query(sq.Query, scope)
		if err != nil {
			return nil, nil, 0, err
		}
		sa, err := plan.Analyze(sn)
		if err != nil {
			if errors.Is(err, plan.ErrUnresolvedColumn) {
				return nil, nil, 0, unsupported("correlated scalar subqueries are not supported yet: (%s) (%v)", oneLineSQL(sq.Query), err)
			}
			return nil, nil, 0, err
		}
		if cols := sa.Schema().Len(); cols != 1 {
			return nil, nil, 0, invalid("INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
				"Invalid subquery: Scalar subquery must return only one column, but got %d.", cols)
		}
		name := fmt.Sprintf("__scalar%d", k)
		names[sq] = name
		var one plan.Node
		if exactlyOneRow(sq.Query) {
			if one, err = renameColumns(sa, []string{name}); err != nil {
				return nil, nil, 0, err
			}
		} else {
			// max over at most one row is that row's value, or NULL
			// when there is none: always exactly one row.
			in, err := renameColumns(sa, []string{name + "_in"})
			if err != nil {
				return nil, nil, 0, err
			}
			one = &plan.Aggregate{Input: in, Aggs: []expr.Expr{&expr.Alias{
				Child: &expr.AggCall{Name: "max", Args: []expr.Expr{&expr.ColumnRef{Name: name + "_in"}}}, Name: name}}}
		}
		n = &plan.Join{Left: n, Right: one, Type: plan.Cross}
	}
	replace := func(e expr.Expr) (expr.Expr, error) {
		return expr.Transform(e, func(e expr.Expr) (expr.Expr, error) {
			if q, ok := e.(*ScalarSubquery); ok {
				if name, ok := names[q]; ok {
					return &expr.ColumnRef{Name: name}, nil
				}
			}
			return e, nil
		})
	}
	out := *s
	if out.Where, err = replace(s.Where); err != nil {
		return nil, nil, 0, err
	}
	if !aggregating(s) {
		out.Items = make([]expr.Expr, len(s.Items))
		for i, it := range s.Items {
			if out.Items[i], err = replace(it); err != nil {
				return nil, nil, 0, err
			}
			if _, aliased := it.(*expr.Alias); !aliased && hasScalarSubquery(it) {
				out.Items[i] = &expr.Alias{Child: out.Items[i], Name: scalarColumnName(it)}
			}
		}
	}
	if inItems > 0 {
		width = -1 // the select list needs the joined columns
	}
	return n, &out, width, nil
}

// atMostOneRow reports whether a query's shape guarantees at most one
// row.
func atMostOneRow(q *Query) bool {
	if l, ok := q.Limit.(*expr.Literal); ok {
		switch v := l.Value.(type) {
		case int32:
			if v <= 1 {
				return true
			}
		case int64:
			if v <= 1 {
				return true
			}
		}
	}
	s, ok := q.Body.(*Select)
	if !ok {
		return false
	}
	if s.From == nil && len(s.GroupBy) == 0 {
		return true
	}
	return aggregating(s) && len(s.GroupBy) == 0
}

func hasScalarSubquery(e expr.Expr) bool {
	found := false
	walkExpr(e, func(e expr.Expr) {
		if _, ok := e.(*ScalarSubquery); ok {
			found = true
		}
	})
	return found
}

// scalarColumnName is the name Spark gives an unaliased select item with
// scalar subqueries: each prints as scalarsubquery(), as in
// (scalarsubquery() + 1).
func scalarColumnName(e expr.Expr) string {
	named, err := expr.Transform(e, func(e expr.Expr) (expr.Expr, error) {
		if _, ok := e.(*ScalarSubquery); ok {
			return &expr.Call{Name: "scalarsubquery"}, nil
		}
		return e, nil
	})
	if err != nil {
		return e.String()
	}
	return expr.OutputName(named)
}

// exactlyOneRow reports whether a query always returns exactly one row: a
// global aggregate without HAVING, or a SELECT without FROM and WHERE, and
// no LIMIT below 1.
func exactlyOneRow(q *Query) bool {
	s, ok := q.Body.(*Select)
	if !ok || s.Having != nil || len(s.GroupBy) > 0 {
		return false
	}
	if q.Limit != nil {
		l, ok := q.Limit.(*expr.Literal)
		if !ok {
			return false
		}
		switch v := l.Value.(type) {
		case int32:
			if v < 1 {
				return false
			}
		case int64:
			if v < 1 {
				return false
			}
		default:
			return false
		}
	}
	return aggregating(s) || s.From == nil && s.Where == nil
}

// walkExpr calls f on every node of e, not descending into subqueries.
func walkExpr(e expr.Expr, f func(expr.Expr)) {
	if e == nil {
		return
	}
	f(e)
	for _, c := range e.Children() {
		walkExpr(c, f)
	}
}

// hidePrefix projects n back onto its first width columns, dropping the
// columns scalar subqueries added.
func hidePrefix(n plan.Node, width int) (plan.Node, error) {
	a, err := plan.Analyze(n)
	if err != nil {
		return nil, err
	}
	cols := a.Schema().Columns
	es := make([]expr.Expr, width)
	for i := range es {
		c := cols[i]
		es[i] = &expr.BoundRef{Index: i, Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	return &plan.Project{Input: a, Exprs: es}, nil
}
