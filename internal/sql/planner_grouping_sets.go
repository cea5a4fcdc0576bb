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
	sets, err := resolveSetTargets(sets, items, in)
	if err != nil {
		return nil, err
	}
	// Spell every column reference the same way (t.c1 and c1 are one
	// column), so that grouping expressions are found in the select list.
	ia, err := plan.Analyze(in)
	if err != nil {
		return nil, err
	}
	inSchema := ia.Schema()
	items = append([]expr.Expr(nil), items...) // the AST's own slice stays as parsed
	for i, it := range items {
		c := canonicalRefs(it, inSchema)
		if _, aliased := it.(*expr.Alias); !aliased && expr.OutputName(c) != expr.OutputName(it) {
			// Keep the name as written (MRN stays MRN).
			c = &expr.Alias{Child: c, Name: expr.OutputName(it)}
		}
		items[i] = c
	}
	for i := range sets {
		sets[i] = canonicalRefsAll(sets[i], inSchema)
	}
	having := s.Having
	if having != nil {
		having = canonicalRefs(having, inSchema)
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
		// Each branch is an ordinary aggregation, HAVING included (a
		// bare name in it is the input column first, then an alias).
		branch := &Select{Items: outs, GroupBy: set}
		if having != nil {
			h, err := havingAliases(having, items, in)
			if err != nil {
				return nil, err
			}
			branch.Having = absent(h)
		}
		b, err := p.aggregateBlock(branch, in, nil)
		if err != nil {
			return nil, err
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

// resolveSetTargets applies GROUP BY ordinals and select-list aliases
// inside grouping sets, as the analyzer does for a plain GROUP BY: 1 is
// the first select item, and a bare name that is no input column but an
// alias is the aliased expression.
func resolveSetTargets(sets [][]expr.Expr, items []expr.Expr, in plan.Node) ([][]expr.Expr, error) {
	var inputs map[string]bool
	out := make([][]expr.Expr, len(sets))
	for i, set := range sets {
		out[i] = make([]expr.Expr, len(set))
		for j, e := range set {
			out[i][j] = e
			switch g := e.(type) {
			case *expr.Literal:
				var n int64
				switch v := g.Value.(type) {
				case int32:
					n = int64(v)
				case int64:
					n = v
				default:
					continue
				}
				if n < 1 || int(n) > len(items) {
					return nil, invalid("GROUP_BY_POS_OUT_OF_RANGE", "GROUP BY position %d is not in select list (valid range is [1, %d]).", n, len(items))
				}
				target := stripAliases(items[n-1])
				if expr.ContainsAggregate(target) {
					return nil, invalid("GROUP_BY_POS_AGGREGATE", "GROUP BY %d refers to an expression %s that contains an aggregate function. Aggregate functions are not allowed in GROUP BY.", n, exprSQL(target))
				}
				out[i][j] = target
			case *expr.ColumnRef:
				if g.Qualifier != "" {
					continue
				}
				if inputs == nil {
					a, err := plan.Analyze(in)
					if err != nil {
						return nil, err
					}
					inputs = map[string]bool{}
					for _, c := range a.Schema().Columns {
						inputs[strings.ToLower(c.Name)] = true
					}
				}
				if inputs[strings.ToLower(g.Name)] {
					continue
				}
				for _, it := range items {
					if a, ok := it.(*expr.Alias); ok && strings.EqualFold(a.Name, g.Name) && !expr.ContainsAggregate(a.Child) {
						out[i][j] = a.Child
						break
					}
				}
			}
		}
	}
	return out, nil
}

// canonicalRefs rewrites the column references of e that name exactly one
// column of in to that column's own qualifier and name.
func canonicalRefs(e expr.Expr, in plan.Schema) expr.Expr {
	out, err := expr.Transform(e, func(e expr.Expr) (expr.Expr, error) {
		r, ok := e.(*expr.ColumnRef)
		if !ok {
			return e, nil
		}
		if m := matchColumn(in, r); len(m) == 1 {
			c := in.Columns[m[0]]
			return &expr.ColumnRef{Qualifier: c.Qualifier, Name: c.Name}, nil
		}
		return e, nil
	})
	if err != nil {
		return e
	}
	return out
}

func canonicalRefsAll(es []expr.Expr, in plan.Schema) []expr.Expr {
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		out[i] = canonicalRefs(e, in)
	}
	return out
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
