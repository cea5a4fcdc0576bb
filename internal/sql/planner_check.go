package sql

import (
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
)

// checkExpr rejects expression forms the parser accepts but no plan node
// or evaluator implements. Letting them through would fail later with an
// obscure binding error, or worse, compute something else; the user gets
// [UNSUPPORTED_FEATURE] naming the construct instead. clause says where it
// was written.
func checkExpr(clause string, e expr.Expr) error {
	if e == nil {
		return nil
	}
	switch n := e.(type) {
	case *WindowCall:
		return unsupported("window functions are not supported yet: %s in %s", exprSQL(n), clause)
	case *ScalarSubquery, *Exists, *InSubquery:
		return unsupported("this subquery expression is not supported yet (IN and EXISTS are, as WHERE conjuncts, and so are scalar subqueries in WHERE and in the select list of a SELECT that does not aggregate): %s in %s", exprSQL(n), clause)
	case *Lambda:
		return unsupported("lambda functions are not supported yet: %s in %s", exprSQL(n), clause)
	case *Interval:
		return unsupported("INTERVAL values are not supported yet: %s in %s", exprSQL(n), clause)
	case *Subscript:
		return unsupported("subscripts are not supported yet: %s in %s", exprSQL(n), clause)
	case *MultiAlias:
		return unsupported("generators are not supported yet: %s in %s", exprSQL(n), clause)
	case *expr.Call:
		switch strings.ToLower(n.Name) {
		case "grouping", "grouping_id":
			return unsupported("%s is not supported yet (in %s)", strings.ToUpper(n.Name), clause)
		case "rollup", "cube":
			if clause != "GROUP BY" {
				return unsupported("%s is not supported yet (in %s)", strings.ToUpper(n.Name), clause)
			}
		}
	case *expr.AggCall:
		switch strings.ToLower(n.Name) {
		case "grouping", "grouping_id":
			return unsupported("%s is not supported yet (in %s)", strings.ToUpper(n.Name), clause)
		}
	}
	for _, c := range e.Children() {
		if err := checkExpr(clause, c); err != nil {
			return err
		}
	}
	return nil
}

// checkGrouping checks one GROUP BY item.
func checkGrouping(g expr.Expr) error {
	return checkExpr("GROUP BY", g)
}
