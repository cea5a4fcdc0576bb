package sql

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// Subquery predicates in WHERE become joins, as Spark's optimizer makes
// them (RewritePredicateSubquery):
//
//	x IN (SELECT y ...)        left semi join on x = y
//	x NOT IN (SELECT y ...)    left anti join on x = y OR (x = y) IS NULL
//	EXISTS (SELECT ...)        left semi join on the correlation
//	NOT EXISTS (SELECT ...)    left anti join on the correlation
//
// (An uncorrelated EXISTS tests the subquery's row count instead; see
// existsFilter.)
//
// NOT IN's condition is SQL's null-aware rule: one NULL among the values
// makes x NOT IN (...) unknown for every x, and a NULL x is unknown unless
// the subquery is empty; both drop the row.
//
// A subquery is correlated when its WHERE mentions columns of the outer
// query (EXISTS (SELECT 1 FROM r WHERE r.mrn = p.mrn)). Those conjuncts
// move into the join condition; the rest stay in the subquery. Inner
// columns win over outer ones of the same name, as in Spark. Correlation
// is supported in a plain SELECT ... FROM ... WHERE subquery; one that
// aggregates, limits or sets-operates must be uncorrelated.
//
// Only top-level conjuncts of WHERE are rewritten; a subquery anywhere
// else (SELECT list, under OR, in HAVING) is [UNSUPPORTED_FEATURE].

// subqueryPredicate recognizes a WHERE conjunct that is a subquery
// predicate, returning the subquery, the IN operand (nil for EXISTS) and
// whether it is negated.
func subqueryPredicate(c expr.Expr) (q *Query, x expr.Expr, anti, ok bool) {
	neg := false
	if u, isNot := c.(*expr.Unary); isNot && u.Op == expr.OpNot {
		c, neg = u.Child, true
	}
	switch s := c.(type) {
	case *Exists:
		return s.Query, nil, neg, true
	case *InSubquery:
		return s.Query, s.Child, neg != s.Not, true
	}
	return nil, nil, false, false
}

// splitConjuncts returns the operands of a chain of ANDs.
func splitConjuncts(e expr.Expr) []expr.Expr {
	if b, ok := e.(*expr.Binary); ok && b.Op == expr.OpAnd {
		return append(splitConjuncts(b.Left), splitConjuncts(b.Right)...)
	}
	if e == nil {
		return nil
	}
	return []expr.Expr{e}
}

func andOf(cs []expr.Expr) expr.Expr {
	var out expr.Expr
	for _, c := range cs {
		if out == nil {
			out = c
		} else {
			out = &expr.Binary{Op: expr.OpAnd, Left: out, Right: c}
		}
	}
	return out
}

// where plans a WHERE clause over n: its plain conjuncts as a Filter, then
// one semi or anti join per subquery predicate.
func (p *planner) where(n plan.Node, cond expr.Expr, scope *cteScope) (plan.Node, error) {
	var plain []expr.Expr
	type pred struct {
		q    *Query
		x    expr.Expr
		anti bool
	}
	var preds []pred
	for _, c := range splitConjuncts(cond) {
		if q, x, anti, ok := subqueryPredicate(c); ok {
			if err := checkExpr("WHERE", x); err != nil {
				return nil, err
			}
			preds = append(preds, pred{q, x, anti})
			continue
		}
		if err := checkExpr("WHERE", c); err != nil {
			return nil, err
		}
		if expr.ContainsAggregate(c) {
			return nil, invalid("INVALID_WHERE_CONDITION", "The WHERE condition %s contains invalid expressions: aggregate functions. Rewrite the query to use HAVING.", exprSQL(cond))
		}
		plain = append(plain, c)
	}
	if len(plain) > 0 {
		n = &plan.Filter{Input: n, Cond: andOf(plain)}
	}
	for _, s := range preds {
		var err error
		if n, err = p.subqueryJoin(n, s.q, s.x, s.anti, scope); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// subqueryJoin joins outer with the subquery q (see the top of the file).
func (p *planner) subqueryJoin(outer plan.Node, q *Query, x expr.Expr, anti bool, scope *cteScope) (plan.Node, error) {
	lo, err := plan.Analyze(outer)
	if err != nil {
		return nil, err
	}
	ls := lo.Schema()
	right, inner, corr, err := p.subqueryInput(q, ls, scope)
	if err != nil {
		return nil, err
	}
	ra, err := plan.Analyze(right)
	if err != nil {
		return nil, err
	}
	rs := ra.Schema()
	var conds []expr.Expr
	if x != nil {
		var y expr.Expr
		if inner != nil {
			// A plain subquery: its one select item, over its FROM.
			if len(inner.Items) != 1 {
				return nil, inColumnsError(x, len(inner.Items))
			}
			if _, star := inner.Items[0].(*expr.Star); star {
				if rs.Len() != 1 {
					return nil, inColumnsError(x, rs.Len())
				}
				y = boundColumn(rs, 0, ls.Len())
			} else if y, err = bindAcross(stripAliases(inner.Items[0]), rs, ls); err != nil {
				return nil, err
			}
		} else {
			if rs.Len() != 1 {
				return nil, inColumnsError(x, rs.Len())
			}
			y = boundColumn(rs, 0, ls.Len())
		}
		bx, err := bindAcross(x, plan.Schema{}, ls)
		if err != nil {
			return nil, err
		}
		eq := &expr.Binary{Op: expr.OpEq, Left: bx, Right: y}
		if anti && mayBeNull(bx, y) {
			// Null-aware, but only needed when a NULL can occur: the
			// plain equality lets the join hash its keys.
			conds = append(conds, &expr.Binary{Op: expr.OpOr, Left: eq, Right: &expr.Unary{Op: expr.OpIsNull, Child: eq}})
		} else {
			conds = append(conds, eq)
		}
	}
	for _, c := range corr {
		b, err := bindAcross(c, rs, ls)
		if err != nil {
			return nil, err
		}
		conds = append(conds, b)
	}
	on := andOf(conds)
	if on == nil {
		return existsFilter(lo, ra, anti)
	}
	t := plan.LeftSemi
	if anti {
		t = plan.LeftAnti
	}
	return &plan.Join{Left: lo, Right: ra, Type: t, On: on}, nil
}

// existsFilter is an uncorrelated [NOT] EXISTS: a join with no condition
// at all, which the analyzer does not accept for semi joins. The
// subquery's row count, one row, is cross-joined and tested, and the
// count column dropped again.
func existsFilter(outer, sub plan.Node, not bool) (plan.Node, error) {
	count := &plan.Aggregate{Input: sub, Aggs: []expr.Expr{&expr.Alias{
		Child: &expr.AggCall{Name: "count", Star: true}, Name: "__exists"}}}
	op := expr.OpGt
	if not {
		op = expr.OpEq
	}
	n := &plan.Filter{
		Input: &plan.Join{Left: outer, Right: count, Type: plan.Cross},
		Cond:  &expr.Binary{Op: op, Left: &expr.ColumnRef{Name: "__exists"}, Right: &expr.Literal{Value: int64(0), Type: types.Long}},
	}
	return hidePrefix(n, outer.Schema().Len())
}

// mayBeNull reports whether any of es may evaluate to NULL (when its type
// cannot be told, it may).
func mayBeNull(es ...expr.Expr) bool {
	for _, e := range es {
		c, err := expr.Coerce(e)
		if err != nil {
			return true
		}
		if _, nullable, err := expr.TypeOf(c); err != nil || nullable {
			return true
		}
	}
	return false
}

func inColumnsError(x expr.Expr, n int) error {
	return invalid("DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH",
		"Cannot resolve \"%s IN (listquery())\": the number of columns in the left hand side of an IN subquery does not match the number of columns in the output of subquery. Left hand side columns(length: 1), right hand side columns(length: %d).", exprSQL(x), n)
}

// subqueryInput plans the right side of a subquery join. A plain SELECT
// ... FROM ... [WHERE] gives its FROM filtered by its own conjuncts, the
// Select (whose items the caller binds) and the conjuncts that correlate
// with outer; anything else is planned whole and must be uncorrelated.
func (p *planner) subqueryInput(q *Query, outer plan.Schema, scope *cteScope) (plan.Node, *Select, []expr.Expr, error) {
	if err := checkNestedCTE(q, scope); err != nil {
		return nil, nil, nil, err
	}
	s, plain := q.Body.(*Select)
	plain = plain && len(q.With) == 0 && len(q.OrderBy) == 0 && q.Limit == nil && q.Offset == nil &&
		s.From != nil && len(s.GroupBy) == 0 && s.Having == nil && len(s.Windows) == 0
	if plain {
		for _, it := range s.Items {
			if expr.ContainsAggregate(it) {
				plain = false
			}
		}
	}
	if !plain {
		n, err := p.query(q, scope)
		if err != nil {
			return nil, nil, nil, err
		}
		if _, err := plan.Analyze(n); err != nil {
			if errors.Is(err, plan.ErrUnresolvedColumn) {
				return nil, nil, nil, unsupported("a correlated subquery that aggregates, limits or combines queries is not supported yet: %s (%v)", oneLineSQL(q), err)
			}
			return nil, nil, nil, err
		}
		return n, nil, nil, nil
	}
	for _, it := range s.Items {
		if err := checkExpr("subquery", it); err != nil {
			return nil, nil, nil, err
		}
	}
	from, err := p.relation(s.From, scope)
	if err != nil {
		return nil, nil, nil, err
	}
	fa, err := plan.Analyze(from)
	if err != nil {
		return nil, nil, nil, err
	}
	fs := fa.Schema()
	var own, corr []expr.Expr
	for _, c := range splitConjuncts(s.Where) {
		if _, _, _, sub := subqueryPredicate(c); sub {
			return nil, nil, nil, unsupported("nested subquery predicates are not supported yet: %s", exprSQL(c))
		}
		if err := checkExpr("WHERE", c); err != nil {
			return nil, nil, nil, err
		}
		if correlated(c, fs, outer) {
			corr = append(corr, c)
		} else {
			own = append(own, c)
		}
	}
	n := from
	if len(own) > 0 {
		n = &plan.Filter{Input: n, Cond: andOf(own)}
	}
	return n, s, corr, nil
}

func oneLineSQL(q *Query) string {
	return strings.Join(strings.Fields(q.String()), " ")
}

// correlated reports whether c mentions a column that only the outer
// query has.
func correlated(c expr.Expr, inner, outer plan.Schema) bool {
	found := false
	var walk func(expr.Expr)
	walk = func(e expr.Expr) {
		if r, ok := e.(*expr.ColumnRef); ok && len(matchColumn(inner, r)) == 0 && len(matchColumn(outer, r)) > 0 {
			found = true
		}
		for _, ch := range e.Children() {
			walk(ch)
		}
	}
	walk(c)
	return found
}

func matchColumn(s plan.Schema, r *expr.ColumnRef) []int {
	var out []int
	for i, c := range s.Columns {
		if strings.EqualFold(c.Name, r.Name) && (r.Qualifier == "" || strings.EqualFold(c.Qualifier, r.Qualifier)) {
			out = append(out, i)
		}
	}
	return out
}

func boundColumn(s plan.Schema, i, offset int) *expr.BoundRef {
	c := s.Columns[i]
	return &expr.BoundRef{Index: offset + i, Name: c.Name, Type: c.Type, Nullable: c.Nullable}
}

// bindAcross binds e's column references for a join condition whose input
// is outer's columns followed by inner's: a name is looked up in inner
// first, then in outer.
func bindAcross(e expr.Expr, inner, outer plan.Schema) (expr.Expr, error) {
	return expr.Bind(e, func(r *expr.ColumnRef) (*expr.BoundRef, error) {
		if m := matchColumn(inner, r); len(m) == 1 {
			return boundColumn(inner, m[0], outer.Len()), nil
		} else if len(m) > 1 {
			return nil, ambiguous(r)
		}
		if m := matchColumn(outer, r); len(m) == 1 {
			return boundColumn(outer, m[0], 0), nil
		} else if len(m) > 1 {
			return nil, ambiguous(r)
		}
		return nil, &PlanError{Class: "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION",
			Message: fmt.Sprintf("A column, variable, or function parameter with name %s cannot be resolved.", refSQL(r)), kind: plan.ErrUnresolvedColumn}
	})
}

func ambiguous(r *expr.ColumnRef) error {
	return &PlanError{Class: "AMBIGUOUS_REFERENCE", Message: fmt.Sprintf("Reference %s is ambiguous.", refSQL(r)), kind: plan.ErrAmbiguousReference}
}

func refSQL(r *expr.ColumnRef) string {
	if r.Qualifier == "" {
		return "`" + r.Name + "`"
	}
	return "`" + r.Qualifier + "`.`" + r.Name + "`"
}
