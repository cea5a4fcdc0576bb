package plan

import "github.com/ingotdata/ingot/internal/expr"

// pruneColumns narrows every scan to the columns the plan above it uses.
// It walks down with the set of needed output columns of each node; a node
// may drop unneeded outputs, and reports where each surviving column moved
// so that its parent can renumber its column references. The root keeps
// all its columns, so the plan's schema does not change.
func pruneColumns(n Node) Node {
	need := make([]bool, n.Schema().Len())
	for i := range need {
		need[i] = true
	}
	out, _ := prune(n, need)
	return out
}

// prune returns n keeping at least the needed columns, and the new position
// of each old output column (-1 if dropped).
func prune(n Node, need []bool) (Node, []int) {
	switch n := n.(type) {
	case *Scan:
		old := n.Schema().Len()
		var cols []int
		m := make([]int, old)
		for i := range old {
			m[i] = -1
			if need[i] {
				m[i] = len(cols)
				cols = append(cols, sourceColumn(n, i))
			}
		}
		if len(cols) == 0 && old > 0 { // keep one column to carry the row count
			m[0], cols = 0, []int{sourceColumn(n, 0)}
		}
		if len(cols) == old {
			return n, identity(old)
		}
		cp := *n
		cp.Columns = cols
		cp.Filters = remapAll(n.Filters, m)
		return &cp, m
	case *Project:
		var exprs []expr.Expr
		m := make([]int, len(n.Exprs))
		for i, e := range n.Exprs {
			m[i] = -1
			if need[i] {
				m[i] = len(exprs)
				exprs = append(exprs, e)
			}
		}
		in, cm := prune(n.Input, refsOf(n.Input.Schema().Len(), exprs...))
		return &Project{Input: in, Exprs: remapAll(exprs, cm)}, m
	case *Filter:
		cn := append([]bool(nil), need...)
		markRefs(cn, n.Cond)
		in, m := prune(n.Input, cn)
		return &Filter{Input: in, Cond: remap(n.Cond, m)}, m
	case *Sort:
		cn := append([]bool(nil), need...)
		for _, o := range n.Orders {
			markRefs(cn, o)
		}
		in, m := prune(n.Input, cn)
		orders := make([]*expr.SortOrder, len(n.Orders))
		for i, o := range n.Orders {
			orders[i] = remap(o, m).(*expr.SortOrder)
		}
		return &Sort{Input: in, Orders: orders}, m
	case *Limit:
		in, m := prune(n.Input, need)
		return &Limit{Input: in, N: n.N}, m
	case *SubqueryAlias:
		in, m := prune(n.Input, need)
		return &SubqueryAlias{Input: in, Alias: n.Alias}, m
	case *Join:
		nl, nr := n.Left.Schema().Len(), n.Right.Schema().Len()
		all := make([]bool, nl+nr)
		copy(all, need)
		markRefs(all, n.On)
		l, lm := prune(n.Left, all[:nl])
		r, rm := prune(n.Right, all[nl:])
		nl2 := l.Schema().Len()
		jm := make([]int, nl+nr)
		for i := range jm {
			switch {
			case i < nl:
				jm[i] = lm[i]
			case rm[i-nl] >= 0:
				jm[i] = nl2 + rm[i-nl]
			default:
				jm[i] = -1
			}
		}
		cp := *n
		cp.Left, cp.Right = l, r
		if n.On != nil {
			cp.On = remap(n.On, jm)
		}
		if n.Type == LeftSemi || n.Type == LeftAnti {
			return &cp, lm
		}
		return &cp, jm
	case *Aggregate:
		if !n.analyzed {
			return n, identity(n.Schema().Len())
		}
		es := append(append([]expr.Expr(nil), n.GroupBy...), n.Aggs...)
		in, m := prune(n.Input, refsOf(n.Input.Schema().Len(), es...))
		cp := *n
		cp.Input = in
		cp.GroupBy = remapAll(n.GroupBy, m)
		cp.Aggs = remapAll(n.Aggs, m)
		return &cp, identity(n.Schema().Len())
	}
	// Distinct and Union need every column of their inputs as it is; their
	// inputs may still prune below.
	ch := n.Children()
	if len(ch) > 0 {
		nch := make([]Node, len(ch))
		for i, c := range ch {
			nch[i] = pruneColumns(c)
		}
		n = WithChildren(n, nch)
	}
	return n, identity(n.Schema().Len())
}

func sourceColumn(s *Scan, i int) int {
	if s.Columns != nil {
		return s.Columns[i]
	}
	return i
}

func identity(n int) []int {
	m := make([]int, n)
	for i := range m {
		m[i] = i
	}
	return m
}

func refsOf(width int, es ...expr.Expr) []bool {
	need := make([]bool, width)
	for _, e := range es {
		markRefs(need, e)
	}
	return need
}

func markRefs(need []bool, e expr.Expr) {
	walkRefs(e, func(b *expr.BoundRef) {
		if b.Index < len(need) {
			need[b.Index] = true
		}
	})
}

func remap(e expr.Expr, m []int) expr.Expr {
	return remapRefs(e, func(i int) int { return m[i] })
}

func remapAll(es []expr.Expr, m []int) []expr.Expr {
	if es == nil {
		return nil
	}
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		out[i] = remap(e, m)
	}
	return out
}
