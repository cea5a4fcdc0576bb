package plan

import (
	"slices"

	"github.com/ingotdata/ingot/internal/expr"
)

// pushFilters moves filter conditions as close to the data as they can go
// without changing results: adjacent filters merge; a filter passes below a
// projection (its column references replaced by the projected
// expressions), a sort or an alias; the conjuncts of a filter over a join
// that mention one side only move into that side when the join type allows
// it (an outer join's NULL-padded side does not), and the rest of a filter
// over an inner join joins its condition; conjuncts over grouping keys only
// move below an aggregation. Conditions reaching a Scan stay
// in a Filter but are also handed to the source (ScanRequest.Filters) so it
// can skip files or row groups.
func pushFilters(n Node) Node {
	return transformDown(n, func(n Node) Node {
		f, ok := n.(*Filter)
		if !ok {
			if j, ok := n.(*Join); ok && j.On != nil {
				return pushJoinCondition(j)
			}
			return n
		}
		switch in := f.Input.(type) {
		case *Filter:
			return &Filter{Input: in.Input, Cond: &expr.Binary{Op: expr.OpAnd, Left: in.Cond, Right: f.Cond}}
		case *Project:
			if !projectable(in) {
				return n
			}
			c := substitute(f.Cond, in.Exprs)
			return &Project{Input: &Filter{Input: in.Input, Cond: c}, Exprs: in.Exprs}
		case *Sort:
			return &Sort{Input: &Filter{Input: in.Input, Cond: f.Cond}, Orders: in.Orders}
		case *SubqueryAlias:
			return &SubqueryAlias{Input: &Filter{Input: in.Input, Cond: f.Cond}, Alias: in.Alias}
		case *Join:
			return pushIntoJoin(f, in)
		case *Aggregate:
			return pushIntoAggregate(f, in)
		case *Distinct:
			return &Distinct{Input: &Filter{Input: in.Input, Cond: f.Cond}}
		case *Union:
			// Columns line up by position, so the condition applies as is.
			ins := make([]Node, len(in.Inputs))
			for i, c := range in.Inputs {
				ins[i] = &Filter{Input: c, Cond: f.Cond}
			}
			return &Union{Inputs: ins, All: in.All}
		case *Scan:
			conj := splitAnd(f.Cond)
			if slices.EqualFunc(conj, in.Filters, func(a, b expr.Expr) bool { return fingerprint(a) == fingerprint(b) }) {
				return n
			}
			cp := *in
			cp.Filters = conj
			return &Filter{Input: &cp, Cond: f.Cond}
		}
		return n
	})
}

// transformDown applies f to n, then to the children of f's result.
func transformDown(n Node, f func(Node) Node) Node {
	n = f(n)
	ch := n.Children()
	if len(ch) == 0 {
		return n
	}
	nch := make([]Node, len(ch))
	changed := false
	for i, c := range ch {
		nch[i] = transformDown(c, f)
		changed = changed || nch[i] != c
	}
	if !changed {
		return n
	}
	return WithChildren(n, nch)
}

// projectable reports whether conditions may be evaluated below p: its
// expressions must not aggregate (nothing in an analyzed Project does).
func projectable(p *Project) bool {
	for _, e := range p.Exprs {
		if expr.ContainsAggregate(e) {
			return false
		}
	}
	return true
}

// substitute replaces column i of cond by the expression producing it.
func substitute(cond expr.Expr, exprs []expr.Expr) expr.Expr {
	r, _ := expr.Transform(cond, func(n expr.Expr) (expr.Expr, error) {
		if b, ok := n.(*expr.BoundRef); ok && b.Index < len(exprs) {
			return stripAlias(exprs[b.Index]), nil
		}
		return n, nil
	})
	return r
}

func pushIntoJoin(f *Filter, j *Join) Node {
	nl := j.Left.Schema().Len()
	var left, right, keep []expr.Expr
	for _, c := range splitAnd(f.Cond) {
		switch s := sides(c, nl); {
		case (s == sideLeft || s == sideNone) && canPushLeft(j.Type):
			left = append(left, c)
		case s == sideRight && canPushRight(j.Type):
			right = append(right, shiftRefs(c, -nl))
		default:
			keep = append(keep, c)
		}
	}
	if len(left) == 0 && len(right) == 0 && !(j.Type == Inner || j.Type == Cross) {
		return f
	}
	cp := *j
	if len(left) > 0 {
		cp.Left = &Filter{Input: j.Left, Cond: andAll(left)}
	}
	if len(right) > 0 {
		cp.Right = &Filter{Input: j.Right, Cond: andAll(right)}
	}
	if len(keep) > 0 && (j.Type == Inner || j.Type == Cross) {
		cp.Type = Inner
		cp.On = andAll(append(splitAnd(j.On), keep...))
		keep = nil
	}
	if len(keep) > 0 {
		return &Filter{Input: &cp, Cond: andAll(keep)}
	}
	return &cp
}

// needsCondition reports whether a join of type t must have a condition
// to analyze: only inner and cross joins may go without (ON TRUE).
func needsCondition(t JoinType) bool { return t != Inner && t != Cross }

// joinCondition is the conjunction of cs as a join condition: TRUE when cs
// is empty and the join type needs a condition, so an optimized plan still
// analyzes (plan.Execute analyzes what it is given).
func joinCondition(t JoinType, cs []expr.Expr) expr.Expr {
	if len(cs) == 0 && needsCondition(t) {
		return expr.Lit(true)
	}
	return andAll(cs)
}

func canPushLeft(t JoinType) bool {
	return t == Inner || t == Cross || t == LeftOuter || t == LeftSemi || t == LeftAnti
}

func canPushRight(t JoinType) bool { return t == Inner || t == Cross || t == RightOuter }

// pushJoinCondition moves the one-sided conjuncts of a join condition into
// filters on that side where that cannot change the result: a side's rows
// failing the conjunct could never match, and the join keeps no unmatched
// rows of that side (inner and semi joins both sides; the inner side of an
// outer or anti join).
func pushJoinCondition(j *Join) Node {
	nl := j.Left.Schema().Len()
	pushLeft := j.Type == Inner || j.Type == Cross || j.Type == LeftSemi || j.Type == RightOuter
	pushRight := j.Type == Inner || j.Type == Cross || j.Type == LeftSemi || j.Type == LeftAnti || j.Type == LeftOuter
	var left, right, keep []expr.Expr
	for _, c := range splitAnd(j.On) {
		switch s := sides(c, nl); {
		case s == sideLeft && pushLeft:
			left = append(left, c)
		case s == sideRight && pushRight:
			right = append(right, shiftRefs(c, -nl))
		default:
			keep = append(keep, c)
		}
	}
	if len(left) == 0 && len(right) == 0 {
		return j
	}
	cp := *j
	cp.On = joinCondition(j.Type, keep)
	if len(left) > 0 {
		cp.Left = &Filter{Input: j.Left, Cond: andAll(left)}
	}
	if len(right) > 0 {
		cp.Right = &Filter{Input: j.Right, Cond: andAll(right)}
	}
	return &cp
}

// pushIntoAggregate moves the conjuncts that only read grouping keys below
// the aggregation, where they drop rows before they are grouped.
func pushIntoAggregate(f *Filter, a *Aggregate) Node {
	if !a.analyzed {
		return f
	}
	nk := len(a.GroupBy)
	var below, keep []expr.Expr
	for _, c := range splitAnd(f.Cond) {
		onlyKeys, any := true, false
		walkRefs(c, func(b *expr.BoundRef) {
			any = true
			onlyKeys = onlyKeys && b.Index < nk
		})
		if onlyKeys && any && !expr.ContainsAggregate(c) {
			below = append(below, substitute(c, a.GroupBy))
		} else {
			keep = append(keep, c)
		}
	}
	if len(below) == 0 {
		return f
	}
	cp := *a
	cp.Input = &Filter{Input: a.Input, Cond: andAll(below)}
	if len(keep) == 0 {
		return &cp
	}
	return &Filter{Input: &cp, Cond: andAll(keep)}
}
