package plan

import (
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// foldConstants simplifies boolean conditions holding literals (true AND x
// is x, false AND x is false, ...), drops filters that are always true and
// replaces filters that are never true by an empty relation, so that e.g.
// "WHERE 1 = 1 AND x > 0" costs one comparison per row. Folding arithmetic
// on literals is left to expr.
func foldConstants(n Node) Node {
	return TransformUp(n, func(n Node) Node {
		switch n := n.(type) {
		case *Filter:
			c := simplifyBool(n.Cond)
			switch v, ok := boolLiteral(c); {
			case ok && v == "true":
				return n.Input
			case ok:
				return &LocalRelation{Struct: n.Schema().ToStruct()}
			}
			if c != n.Cond {
				return &Filter{Input: n.Input, Cond: c}
			}
		case *Join:
			if n.On == nil {
				return n
			}
			c := simplifyBool(n.On)
			if v, ok := boolLiteral(c); ok && v == "true" && !needsCondition(n.Type) {
				c = nil
			}
			if c != n.On {
				cp := *n
				cp.On = c
				return &cp
			}
		}
		return n
	})
}

// boolLiteral reports whether e is a literal TRUE, FALSE or NULL
// ("true"/"false"/"null").
func boolLiteral(e expr.Expr) (string, bool) {
	l, ok := e.(*expr.Literal)
	if !ok {
		return "", false
	}
	switch v := l.Value.(type) {
	case nil:
		return "null", true
	case bool:
		if v {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

func simplifyBool(e expr.Expr) expr.Expr {
	r, _ := expr.Transform(e, func(n expr.Expr) (expr.Expr, error) {
		b, ok := n.(*expr.Binary)
		if !ok || (b.Op != expr.OpAnd && b.Op != expr.OpOr) {
			return n, nil
		}
		lv, lok := boolLiteral(b.Left)
		rv, rok := boolLiteral(b.Right)
		absorbing, neutral := "false", "true"
		if b.Op == expr.OpOr {
			absorbing, neutral = "true", "false"
		}
		switch {
		case lok && lv == absorbing, rok && rv == absorbing:
			return &expr.Literal{Value: absorbing == "true", Type: types.Boolean}, nil
		case lok && lv == neutral:
			return b.Right, nil
		case rok && rv == neutral:
			return b.Left, nil
		}
		return n, nil
	})
	return r
}
