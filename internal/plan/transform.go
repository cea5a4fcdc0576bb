package plan

import "fmt"

// WithChildren returns a copy of n with its children replaced (len(ch) ==
// len(n.Children())).
func WithChildren(n Node, ch []Node) Node {
	switch n := n.(type) {
	case *Project:
		cp := *n
		cp.Input = ch[0]
		return &cp
	case *Filter:
		cp := *n
		cp.Input = ch[0]
		return &cp
	case *Join:
		cp := *n
		cp.Left, cp.Right = ch[0], ch[1]
		return &cp
	case *Aggregate:
		cp := *n
		cp.Input = ch[0]
		return &cp
	case *Sort:
		cp := *n
		cp.Input = ch[0]
		return &cp
	case *Limit:
		cp := *n
		cp.Input = ch[0]
		return &cp
	case *SubqueryAlias:
		cp := *n
		cp.Input = ch[0]
		return &cp
	case *Distinct:
		cp := *n
		cp.Input = ch[0]
		return &cp
	case *Union:
		cp := *n
		cp.Inputs = append([]Node(nil), ch...)
		return &cp
	case *Scan, *LocalRelation:
		return n
	}
	panic(fmt.Sprintf("plan: WithChildren of unknown node %T", n))
}

// TransformUp rebuilds n bottom-up, applying f to every node after its
// children.
func TransformUp(n Node, f func(Node) Node) Node {
	ch := n.Children()
	if len(ch) > 0 {
		nch := make([]Node, len(ch))
		changed := false
		for i, c := range ch {
			nch[i] = TransformUp(c, f)
			changed = changed || nch[i] != c
		}
		if changed {
			n = WithChildren(n, nch)
		}
	}
	return f(n)
}

// Replace returns root with the node old (compared by identity) replaced by
// repl. The streaming engine uses it to substitute an Aggregate it drives
// itself (see AggregateParts) by the LocalRelation of its result.
func Replace(root, old, repl Node) Node {
	return TransformUp(root, func(n Node) Node {
		if n == old {
			return repl
		}
		return n
	})
}
