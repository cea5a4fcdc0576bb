package sql

import (
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// maxGroupingSets bounds the sets a GROUP BY may expand to (CUBE of n
// expressions is 2^n aggregations over the input).
const maxGroupingSets = 256

// groupingSets expands GROUP BY items into grouping sets, or returns nil
// when there are no ROLLUP, CUBE or GROUPING SETS. Each plain item is in
// every set; several items combine by cross product, as in Spark
// (GROUP BY a, ROLLUP(b, c) is (a, b, c), (a, b), (a)).
func groupingSets(groupBy []expr.Expr) ([][]expr.Expr, error) {
	found := false
	for _, g := range groupBy {
		switch g := g.(type) {
		case *GroupingSets:
			found = true
		case *expr.Call:
			if n := strings.ToLower(g.Name); n == "rollup" || n == "cube" {
				found = true
			}
		}
	}
	if !found {
		return nil, nil
	}
	sets := [][]expr.Expr{nil}
	for _, g := range groupBy {
		var alts [][]expr.Expr
		switch g := g.(type) {
		case *GroupingSets:
			alts = g.Sets
		case *expr.Call:
			switch strings.ToLower(g.Name) {
			case "rollup":
				for i := len(g.Args); i >= 0; i-- {
					alts = append(alts, g.Args[:i])
				}
			case "cube":
				if len(g.Args) > 12 {
					return nil, unsupported("CUBE of %d expressions is too large", len(g.Args))
				}
				for mask := (1 << len(g.Args)) - 1; mask >= 0; mask-- {
					var set []expr.Expr
					for i, a := range g.Args {
						if mask&(1<<i) != 0 {
							set = append(set, a)
						}
					}
					alts = append(alts, set)
				}
			default:
				alts = [][]expr.Expr{{g}}
			}
		default:
			alts = [][]expr.Expr{{g}}
		}
		var next [][]expr.Expr
		for _, s := range sets {
			for _, a := range alts {
				next = append(next, append(append([]expr.Expr(nil), s...), a...))
			}
		}
		if len(next) > maxGroupingSets {
			return nil, unsupported("GROUP BY expands to more than %d grouping sets", maxGroupingSets)
		}
		sets = next
	}
	return sets, nil
}

// groupingSetsBlock plans an aggregation over grouping sets as the UNION
// ALL of one aggregation per set. In each branch the grouping expressions
// that are not in its set read as NULL outside aggregate calls (the
// subtotal rows of ROLLUP and CUBE), and HAVING filters each branch's
// rows. ORDER BY sorts the union, so it may only name output columns.
// grouping() and grouping_id(), which tell a subtotal's NULL from a
// grouped NULL, are not supported yet.
func (p *planner) groupingSetsBlock(s *Select, in plan.Node, items []expr.Expr, sets [][]expr.Expr, orders []*expr.SortOrder) (plan.Node, error) {
	for _, it := range items {
		if _, star := it.(*expr.Star); star {
			return nil, unsupported("* in the select list of GROUPING SETS, ROLLUP or CUBE is not supported yet")
		}
	}
	// Every grouping expression, once, with its type for the NULL that
	// stands for it.
	var all []expr.Expr
	seen := map[string]bool{}
	for _, set := range sets {
		for _, e := range set {
			if k := groupKey(e); !seen[k] {
				seen[k] = true
				all = append(all, e)
			}
		}
	}
	typed := map[string]types.DataType{}
	if len(all) > 0 {
		a, err := plan.Analyze(&plan.Project{Input: in, Exprs: all})
		if err != nil {
			return nil, err
		}
		for i, c := range a.Schema().Columns {
			typed[groupKey(all[i])] = c.Type
		}
	}
	branches := make([]plan.Node, 0, len(sets))
	for _, set := range sets {
		inSet := map[string]bool{}
		for _, e := range set {
			inSet[groupKey(e)] = true
		}
		absent := func(e expr.Expr) expr.Expr {
			return nullOutsideAggregates(e, func(k string) (types.DataType, bool) {
				t, ok := typed[k]
				return t, ok && !inSet[k]
			})
		}
		outs := make([]expr.Expr, len(items))
		for i, it := range items {
			outs[i] = absent(it)
			if _, aliased := it.(*expr.Alias); !aliased && exprSQL(outs[i]) != exprSQL(it) {
				outs[i] = &expr.Alias{Child: outs[i], Name: expr.OutputName(it)}
			}
		}
		var b plan.Node = &plan.Aggregate{Input: in, GroupBy: set, Aggs: outs}
		if s.Having != nil {
			h, err := havingAliases(s.Having, items, in)
			if err != nil {
				return nil, err
			}
			b = &plan.Filter{Input: b, Cond: absent(h)}
		}
		branches = append(branches, b)
	}
	var n plan.Node = &plan.Union{Inputs: widenSetInputs(branches), All: true}
	if len(orders) > 0 {
		u, err := plan.Analyze(n)
		if err != nil {
			return nil, err
		}
		for _, o := range orders {
			if !resolvesAgainst(o.Child, u.Schema()) {
				return nil, unsupported("ORDER BY %s over GROUPING SETS, ROLLUP or CUBE: only output columns may be sorted on yet", exprSQL(o.Child))
			}
		}
		n = &plan.Sort{Input: n, Orders: orders}
	}
	return n, nil
}

// groupKey identifies a grouping expression: two spellings of one
// expression (mrn, MRN) are the same key.
func groupKey(e expr.Expr) string {
	return strings.ToLower(exprSQL(stripAliases(e)))
}

// nullOutsideAggregates replaces, outside aggregate calls, the
// subexpressions whose key absent reports by a NULL of its type.
func nullOutsideAggregates(e expr.Expr, absent func(string) (types.DataType, bool)) expr.Expr {
	if _, ok := e.(*expr.AggCall); ok {
		return e
	}
	if _, ok := e.(*expr.Alias); !ok {
		if t, ok := absent(groupKey(e)); ok {
			return &expr.Cast{Child: &expr.Literal{Type: types.Null}, To: t}
		}
	}
	ch := e.Children()
	if len(ch) == 0 {
		return e
	}
	nch := make([]expr.Expr, len(ch))
	for i, c := range ch {
		nch[i] = nullOutsideAggregates(c, absent)
	}
	return e.WithChildren(nch)
}
