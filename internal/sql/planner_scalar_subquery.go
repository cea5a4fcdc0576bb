package sql

import (
	"errors"
	"fmt"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
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
	outerSchema := outer.Schema()
	values := map[*ScalarSubquery]expr.Expr{}
	n = outer
	for k, sq := range subs {
		if err := checkNestedCTE(sq.Query, scope); err != nil {
			return nil, nil, 0, err
		}
		sn, err := p.query(sq.Query, scope)
		var sa plan.Node
		if err == nil {
			sa, err = plan.Analyze(sn)
		}
		if errors.Is(err, plan.ErrUnresolvedColumn) {
			// Perhaps correlated: columns of the outer query.
			var v expr.Expr
			if v, n, err = p.correlatedScalar(n, outerSchema, sq, k, scope, err); err != nil {
				return nil, nil, 0, err
			}
			values[sq] = v
			continue
		}
		if err != nil {
			return nil, nil, 0, err
		}
		if !atMostOneRow(sq.Query) {
			return nil, nil, 0, unsupported("a scalar subquery that may return more than one row is not supported yet: (%s)", oneLineSQL(sq.Query))
		}
		if cols := sa.Schema().Len(); cols != 1 {
			return nil, nil, 0, scalarColumnsError(cols)
		}
		name := fmt.Sprintf("__scalar%d", k)
		values[sq] = &expr.ColumnRef{Name: name}
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
				if v, ok := values[q]; ok {
					return v, nil
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

func scalarColumnsError(cols int) error {
	return invalid("INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
		"Invalid subquery: Scalar subquery must return only one column, but got %d.", cols)
}

// correlatedScalar decorrelates a scalar subquery of the form
//
//	(SELECT agg(...) FROM r WHERE r.k = outer.k [AND ...] [AND own conditions])
//
// which returns one value per outer row. The subquery is grouped by its
// correlation keys and left-joined to the outer relation on them, giving
// each outer row its group's value. An outer row without a group must get
// the aggregate over no rows instead (0 for count, NULL for sum): that is
// computed by the same aggregation over an empty relation, cross-joined
// as one row, and chosen when the join found no group (the "count bug"
// of naive decorrelation). It returns the expression standing for the
// subquery and the joined relation. Correlation other than equality of an
// inner and an outer expression, or a subquery of another shape, is
// [UNSUPPORTED_FEATURE].
//
// cause is the error analyzing the subquery on its own gave; it is
// returned when the subquery turns out not to mention outer columns.
func (p *planner) correlatedScalar(n plan.Node, outer plan.Schema, sq *ScalarSubquery, k int, scope *cteScope, cause error) (expr.Expr, plan.Node, error) {
	q := sq.Query
	s, ok := q.Body.(*Select)
	shapeOK := ok && len(q.With) == 0 && len(q.OrderBy) == 0 && q.Limit == nil && q.Offset == nil &&
		s.From != nil && len(s.GroupBy) == 0 && s.Having == nil && len(s.Windows) == 0 &&
		len(s.Items) == 1 && !s.Distinct && aggregating(s)
	notYet := func(why string) error {
		return unsupported("correlated scalar subqueries are supported only as (SELECT agg(...) FROM ... WHERE inner = outer ...); %s: (%s) (%v)", why, oneLineSQL(q), cause)
	}
	if !shapeOK {
		return nil, nil, notYet("this one has another shape")
	}
	if err := checkExpr("subquery", s.Items[0]); err != nil {
		return nil, nil, err
	}
	from, err := p.relation(s.From, scope)
	if err != nil {
		return nil, nil, err
	}
	fa, err := plan.Analyze(from)
	if err != nil {
		return nil, nil, err
	}
	fs := fa.Schema()
	item := stripAliases(s.Items[0])
	if correlated(item, fs, outer) {
		return nil, nil, notYet("its select list uses outer columns")
	}
	var own, innerKeys, outerKeys []expr.Expr
	for _, c := range splitConjuncts(s.Where) {
		if _, _, _, sub := subqueryPredicate(c); sub {
			return nil, nil, notYet("it has a subquery of its own")
		}
		if err := checkExpr("WHERE", c); err != nil {
			return nil, nil, err
		}
		if !correlated(c, fs, outer) {
			own = append(own, c)
			continue
		}
		b, isEq := c.(*expr.Binary)
		if !isEq || b.Op != expr.OpEq {
			return nil, nil, notYet("its correlation is not an equality")
		}
		switch {
		case onlyInner(b.Left, fs, outer) && onlyOuter(b.Right, fs, outer):
			innerKeys, outerKeys = append(innerKeys, b.Left), append(outerKeys, b.Right)
		case onlyInner(b.Right, fs, outer) && onlyOuter(b.Left, fs, outer):
			innerKeys, outerKeys = append(innerKeys, b.Right), append(outerKeys, b.Left)
		default:
			return nil, nil, notYet("a correlated equality mixes inner and outer columns on one side")
		}
	}
	if len(innerKeys) == 0 {
		return nil, nil, cause // not correlated: a column is just unknown
	}
	prefix := fmt.Sprintf("__scalar%d", k)
	var rel plan.Node = from
	if len(own) > 0 {
		rel = &plan.Filter{Input: rel, Cond: andOf(own)}
	}
	aggs := make([]expr.Expr, 0, len(innerKeys)+2)
	var on []expr.Expr
	for i, key := range innerKeys {
		name := fmt.Sprintf("%s_k%d", prefix, i)
		aggs = append(aggs, &expr.Alias{Child: key, Name: name})
		on = append(on, &expr.Binary{Op: expr.OpEq, Left: outerKeys[i], Right: &expr.ColumnRef{Name: name}})
	}
	aggs = append(aggs,
		&expr.Alias{Child: item, Name: prefix + "_v"},
		&expr.Alias{Child: &expr.Literal{Value: true, Type: types.Boolean}, Name: prefix + "_m"})
	grouped := &plan.Aggregate{Input: rel, GroupBy: innerKeys, Aggs: aggs}
	n = &plan.Join{Left: n, Right: grouped, Type: plan.LeftOuter, On: andOf(on)}
	// The aggregate over no rows, bound by position to an empty relation
	// of the subquery's columns.
	bound, err := bindAcross(item, fs, plan.Schema{})
	if err != nil {
		return nil, nil, err
	}
	empty := &plan.Aggregate{Input: &plan.LocalRelation{Struct: fs.ToStruct()},
		Aggs: []expr.Expr{&expr.Alias{Child: bound, Name: prefix + "_e"}}}
	n = &plan.Join{Left: n, Right: empty, Type: plan.Cross}
	v := &expr.CaseWhen{
		Whens: []expr.When{{Cond: &expr.Unary{Op: expr.OpIsNull, Child: &expr.ColumnRef{Name: prefix + "_m"}}, Value: &expr.ColumnRef{Name: prefix + "_e"}}},
		Else:  &expr.ColumnRef{Name: prefix + "_v"},
	}
	return v, n, nil
}

// onlyInner reports whether e has column references and all of them are
// the subquery's; onlyOuter whether all of them are the outer query's.
func onlyInner(e expr.Expr, inner, outer plan.Schema) bool {
	refs, ok := 0, true
	walkExpr(e, func(e expr.Expr) {
		if r, isRef := e.(*expr.ColumnRef); isRef {
			refs++
			ok = ok && len(matchColumn(inner, r)) > 0
		}
	})
	return refs > 0 && ok
}

func onlyOuter(e expr.Expr, inner, outer plan.Schema) bool {
	refs, ok := 0, true
	walkExpr(e, func(e expr.Expr) {
		if r, isRef := e.(*expr.ColumnRef); isRef {
			refs++
			ok = ok && len(matchColumn(inner, r)) == 0 && len(matchColumn(outer, r)) > 0
		}
	})
	return refs > 0 && ok
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
