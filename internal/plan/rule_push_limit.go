package plan

// pushLimit moves a LIMIT below a projection (which keeps the row count) so
// that fewer rows are computed, and merges nested limits.
func pushLimit(n Node) Node {
	return transformDown(n, func(n Node) Node {
		l, ok := n.(*Limit)
		if !ok {
			return n
		}
		switch in := l.Input.(type) {
		case *Project:
			return &Project{Input: &Limit{Input: in.Input, N: l.N}, Exprs: in.Exprs}
		case *Limit:
			return &Limit{Input: in.Input, N: min(l.N, in.N)}
		}
		return n
	})
}
