package sql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// Resolver finds the tables a query names. The session implements it over
// its catalog; tests implement it over in-memory relations. tt is nil
// unless the reference carries VERSION/TIMESTAMP AS OF.
type Resolver interface {
	ResolveTable(ctx context.Context, name TableName, tt *TimeTravel) (plan.Node, error)
}

// PlanQuery translates a parsed query into an unresolved logical plan of
// the same shape the DataFrame API builds for the same query: a FROM
// relation, then Filter (WHERE), Aggregate (GROUP BY or aggregate calls in
// the SELECT list; its output list is the select list) with a Filter above
// it for HAVING, or Project, then Distinct, Sort (ORDER BY) and Limit.
// plan.Analyze resolves it, applying the rules both front ends share
// (GROUP BY ordinals and aliases, ORDER BY through aliases and over input
// columns not selected). What only SQL can say is settled here: CTE
// scoping, VALUES, set operations, lateral column aliases, GROUP BY ALL,
// GROUPING SETS/ROLLUP/CUBE, subqueries in WHERE (semi and anti joins),
// scalar subqueries (single-row, or correlated over an aggregate), and
// HAVING or ORDER BY over values the select list does not show (see
// aggregateBlock).
//
// SQL the engine cannot run yet (window functions, lambdas, subqueries
// outside WHERE and the select list, grouping(), OFFSET, INTERSECT/EXCEPT
// ALL, ...) is
// rejected with an [UNSUPPORTED_FEATURE] error wrapping ErrUnsupported,
// never planned into something that computes a different answer.
func PlanQuery(ctx context.Context, q *Query, r Resolver) (plan.Node, error) {
	if q == nil {
		return nil, fmt.Errorf("sql: plan: nil query")
	}
	// One query sees one current time: constants the planner evaluates
	// itself (VALUES now(), now()) and the evaluators run later share it.
	if _, ok := expr.QueryTime(ctx); !ok {
		ctx = expr.WithQueryTime(ctx, time.Now())
	}
	p := &planner{ctx: ctx, r: r}
	return p.query(q, nil)
}

type planner struct {
	ctx context.Context
	r   Resolver
}

// cteScope is one WITH definition visible to a query, chained to the ones
// defined before it (and to those of enclosing queries), so a CTE sees only
// earlier CTEs. Each definition is planned once, where it is defined, and
// every reference shares that subtree: plan nodes are never modified in
// place (analysis and optimization copy), so sharing is safe, and the
// tables it reads are resolved once.
type cteScope struct {
	parent *cteScope
	def    *CTE
	node   plan.Node
}

func (s *cteScope) lookup(name string) *cteScope {
	for c := s; c != nil; c = c.parent {
		if strings.EqualFold(c.def.Name, name) {
			return c
		}
	}
	return nil
}

func (p *planner) query(q *Query, scope *cteScope) (plan.Node, error) {
	for i := range q.With {
		c := &q.With[i]
		for prev := range q.With[:i] {
			if strings.EqualFold(q.With[prev].Name, c.Name) {
				return nil, invalid("DUPLICATE_CTE_NAMES", "CTE definition can't have duplicate names: '%s'.", c.Name)
			}
		}
		n, err := p.cteDefinition(c, scope)
		if err != nil {
			return nil, err
		}
		scope = &cteScope{parent: scope, def: c, node: n}
	}
	for _, o := range q.OrderBy {
		if err := checkExpr("ORDER BY", o); err != nil {
			return nil, err
		}
	}
	var n plan.Node
	var err error
	s, isSelect := q.Body.(*Select)
	switch {
	case isSelect && len(q.OrderBy) > 0 && aggregating(s) && !s.Distinct:
		var in plan.Node
		if in, s, err = p.selectInput(s, scope); err == nil {
			n, err = p.aggregateBlock(s, in, q.OrderBy)
		}
	case isSelect && aggregating(s) && ordersAggregate(q.OrderBy):
		return nil, unsupported("ORDER BY an aggregate over SELECT DISTINCT is not supported yet")
	case ordersAggregate(q.OrderBy):
		// Only an aggregation can sort by an aggregate; the sort would
		// otherwise reach execution with an aggregate call in it.
		return nil, invalid("MISSING_GROUP_BY", "The query does not include a GROUP BY clause. Add GROUP BY or turn it into the window functions using OVER clauses.")
	default:
		n, err = p.body(q.Body, scope)
		if err == nil && len(q.OrderBy) > 0 {
			n = &plan.Sort{Input: n, Orders: q.OrderBy}
		}
	}
	if err != nil {
		return nil, err
	}
	if q.Offset != nil {
		return nil, unsupported("OFFSET is not supported yet: OFFSET %s", exprSQL(q.Offset))
	}
	if q.Limit != nil {
		limit, err := p.limitValue(q.Limit)
		if err != nil {
			return nil, err
		}
		n = &plan.Limit{Input: n, N: limit}
	}
	return n, nil
}

// cteDefinition plans the query of one WITH definition. Like Spark, it
// analyzes every definition, used or not, so a CTE over a missing table is
// an error even when nothing reads it. Spark 3.5's default
// spark.sql.legacy.ctePrecedencePolicy (EXCEPTION) also rejects a
// definition whose own WITH redefines a name of an enclosing CTE, since
// Spark 2 and 3 disagree on which one wins.
func (p *planner) cteDefinition(c *CTE, scope *cteScope) (plan.Node, error) {
	if err := checkNestedCTE(c.Query, scope); err != nil {
		return nil, err
	}
	n, err := p.query(c.Query, scope)
	if err != nil {
		return nil, err
	}
	if len(c.Columns) > 0 {
		return renameColumns(n, c.Columns)
	}
	if _, err := plan.Analyze(n); err != nil {
		return nil, err
	}
	return n, nil
}

// checkNestedCTE rejects a WITH that redefines an enclosing CTE's name
// where Spark 3.5's default policy does: in a CTE definition and in a
// subquery expression (not in a FROM subquery of the main query).
func checkNestedCTE(q *Query, scope *cteScope) error {
	for _, inner := range q.With {
		if scope.lookup(inner.Name) != nil {
			return invalid("AMBIGUOUS_ALIAS_IN_NESTED_CTE",
				"Name `%s` is ambiguous in nested CTE. Please set spark.sql.legacy.ctePrecedencePolicy to \"CORRECTED\" so that name defined in inner CTE takes precedence.", inner.Name)
		}
	}
	return nil
}

func (p *planner) body(b QueryBody, scope *cteScope) (plan.Node, error) {
	switch b := b.(type) {
	case *Select:
		return p.selectBlock(b, scope)
	case *SetOp:
		return p.setOp(b, scope)
	case *Values:
		return p.inlineTable(b.Rows, "", nil)
	case *Query:
		return p.query(b, scope)
	case nil:
		return nil, fmt.Errorf("sql: plan: query without a body")
	}
	return nil, unsupported("query body %T is not supported yet", b)
}

// selectBlock stacks the clauses of one SELECT in SQL's evaluation order:
// FROM, WHERE, GROUP BY + aggregates (or the projection), HAVING, DISTINCT.
// ORDER BY and LIMIT belong to the enclosing Query.
func (p *planner) selectBlock(s *Select, scope *cteScope) (plan.Node, error) {
	n, s, err := p.selectInput(s, scope)
	if err != nil {
		return nil, err
	}
	if aggregating(s) {
		if n, err = p.aggregateBlock(s, n, nil); err != nil {
			return nil, err
		}
	} else {
		items, err := lateralAliases(s.Items, n)
		if err != nil {
			return nil, err
		}
		n = &plan.Project{Input: n, Exprs: items}
	}
	if s.Distinct {
		n = &plan.Distinct{Input: n}
	}
	return n, nil
}

// selectInput plans what a SELECT reads: FROM (or one empty row) and WHERE
// (see where and scalarSubqueries for its subqueries). It returns the
// SELECT to plan the rest from, whose expressions may have been rewritten
// to refer to scalar subqueries' columns. It also checks the clauses for
// constructs the engine cannot run.
func (p *planner) selectInput(s *Select, scope *cteScope) (plan.Node, *Select, error) {
	if len(s.Windows) > 0 {
		return nil, nil, unsupported("window functions are not supported yet: WINDOW %s", s.Windows[0].Name)
	}
	var n plan.Node
	var err error
	if s.From == nil {
		n = oneRow()
	} else if n, err = p.relation(s.From, scope); err != nil {
		return nil, nil, err
	}
	n, s, width, err := p.scalarSubqueries(n, s, scope)
	if err != nil {
		return nil, nil, err
	}
	for _, it := range s.Items {
		if err := checkExpr("SELECT", it); err != nil {
			return nil, nil, err
		}
	}
	for _, g := range s.GroupBy {
		if err := checkGrouping(g); err != nil {
			return nil, nil, err
		}
	}
	if err := checkExpr("HAVING", s.Having); err != nil {
		return nil, nil, err
	}
	if s.Where != nil {
		if n, err = p.where(n, s.Where, scope); err != nil {
			return nil, nil, err
		}
	}
	if width >= 0 {
		if n, err = hidePrefix(n, width); err != nil {
			return nil, nil, err
		}
	}
	return n, s, nil
}

func ordersAggregate(os []*expr.SortOrder) bool {
	for _, o := range os {
		if expr.ContainsAggregate(o) {
			return true
		}
	}
	return false
}

// aggregating reports whether a SELECT is an aggregation: it groups, or
// its select list or HAVING aggregates (a global aggregate, one row).
func aggregating(s *Select) bool {
	if len(s.GroupBy) > 0 || s.Having != nil {
		return true
	}
	for _, it := range s.Items {
		if expr.ContainsAggregate(it) {
			return true
		}
	}
	return false
}

// limitValue evaluates LIMIT's expression, which Spark requires to be a
// constant, non-NULL integer (a negative one the analyzer rejects).
func (p *planner) limitValue(e expr.Expr) (int64, error) {
	v, err := foldInt(p.ctx, e)
	if err == nil {
		return v, nil
	}
	class, why := "", err.Error()
	switch {
	case errors.Is(err, errNotInteger):
		class = ".DATA_TYPE"
	case errors.Is(err, errNullConstant):
		class = ".IS_NULL"
	case errors.Is(err, plan.ErrUnresolvedColumn):
		class, why = ".IS_UNFOLDABLE", "the limit expression must evaluate to a constant value"
	}
	return 0, invalid("INVALID_LIMIT_LIKE_EXPRESSION"+class, "The limit like expression %s is invalid: %s.", exprSQL(e), why)
}
