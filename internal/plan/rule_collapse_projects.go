package plan

import "github.com/ingotdata/ingot/internal/expr"

// collapseProjects merges a projection into the projection below it by
// substituting the lower expressions into the upper ones, saving a pass
// over every batch (a USING join's key-first Project under the user's
// select is the common case). It does not merge when an upper expression
// would evaluate a computed lower column more than once.
func collapseProjects(n Node) Node {
	return TransformUp(n, func(n Node) Node {
		up, ok := n.(*Project)
		if !ok {
			return n
		}
		low, ok := up.Input.(*Project)
		if !ok {
			return n
		}
		uses := make([]int, len(low.Exprs))
		for _, e := range up.Exprs {
			walkRefs(e, func(b *expr.BoundRef) { uses[b.Index]++ })
		}
		for i, e := range low.Exprs {
			if _, plain := stripAlias(e).(*expr.BoundRef); !plain && uses[i] > 1 {
				return n
			}
		}
		out := make([]expr.Expr, len(up.Exprs))
		for i, e := range up.Exprs {
			out[i] = named(substitute(e, low.Exprs), outputName(e))
		}
		return &Project{Input: low.Input, Exprs: out}
	})
}
