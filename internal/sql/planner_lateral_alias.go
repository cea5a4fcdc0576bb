package sql

import (
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// lateralAliases resolves Spark 3.4+'s lateral column aliases
// (spark.sql.lateralColumnAlias.enableImplicitResolution, on by default):
// in SELECT a * 2 AS b, b + 1 AS c, the b of the second item is the first
// item's value. A bare name means an input column when there is one, and
// an alias defined earlier in the same list otherwise; it is replaced by
// that alias's (already resolved) expression, which computes the same
// value since expressions here are deterministic.
//
// The input is analyzed only when some item mentions an earlier alias, so
// ordinary select lists cost nothing.
func lateralAliases(items []expr.Expr, in plan.Node) ([]expr.Expr, error) {
	if !mentionsEarlierAlias(items) {
		return items, nil
	}
	a, err := plan.Analyze(in)
	if err != nil {
		return nil, err
	}
	inputs := map[string]bool{}
	for _, c := range a.Schema().Columns {
		inputs[strings.ToLower(c.Name)] = true
	}
	defined := map[string]expr.Expr{}
	out := make([]expr.Expr, len(items))
	for i, it := range items {
		substituted := false
		r, err := expr.Transform(it, func(e expr.Expr) (expr.Expr, error) {
			c, ok := e.(*expr.ColumnRef)
			if !ok || c.Qualifier != "" || inputs[strings.ToLower(c.Name)] {
				return e, nil
			}
			if d, ok := defined[strings.ToLower(c.Name)]; ok {
				substituted = true
				return d, nil
			}
			return e, nil
		})
		if err != nil {
			return nil, err
		}
		if !substituted {
			r = it
		} else if _, aliased := it.(*expr.Alias); !aliased {
			// The column keeps the name Spark gives it: (b + 1), not
			// the substituted expression's text.
			r = &expr.Alias{Child: r, Name: expr.OutputName(it)}
		}
		out[i] = r
		if al, ok := r.(*expr.Alias); ok {
			if _, seen := defined[strings.ToLower(al.Name)]; !seen {
				defined[strings.ToLower(al.Name)] = al.Child
			}
		}
	}
	return out, nil
}

// mentionsEarlierAlias reports whether an item has a bare column name equal
// to the alias of an item before it.
func mentionsEarlierAlias(items []expr.Expr) bool {
	aliases := map[string]bool{}
	for _, it := range items {
		found := false
		var walk func(expr.Expr)
		walk = func(e expr.Expr) {
			if c, ok := e.(*expr.ColumnRef); ok && c.Qualifier == "" && aliases[strings.ToLower(c.Name)] {
				found = true
			}
			for _, ch := range e.Children() {
				walk(ch)
			}
		}
		walk(it)
		if found {
			return true
		}
		if a, ok := it.(*expr.Alias); ok {
			aliases[strings.ToLower(a.Name)] = true
		}
	}
	return false
}
