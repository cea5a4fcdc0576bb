package plan

import "github.com/ingotdata/ingot/internal/expr"

// removeNoopProjects drops projections that return their input unchanged
// (every input column, in order, under its own name), such as the ones
// analysis leaves above an aggregation whose output is exactly its keys and
// aggregates.
func removeNoopProjects(n Node) Node {
	return TransformUp(n, func(n Node) Node {
		p, ok := n.(*Project)
		if !ok {
			return n
		}
		in := p.Input.Schema()
		if len(p.Exprs) != in.Len() {
			return n
		}
		for i, e := range p.Exprs {
			b, ok := e.(*expr.BoundRef)
			if !ok || b.Index != i || b.Name != in.Columns[i].Name || b.Nullable != in.Columns[i].Nullable {
				return n
			}
		}
		return p.Input
	})
}
