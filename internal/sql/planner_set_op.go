package sql

import (
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// setOp plans UNION [ALL], INTERSECT and EXCEPT.
//
// UNION chains become one Union node. INTERSECT and EXCEPT (the distinct
// forms) become what Spark's optimizer makes of them: a left semi (anti)
// join on null-safe equality of every column, under Distinct; null-safe
// because two NULLs count as the same value in a set operation. The ALL
// forms need a row-replicating generator the engine lacks.
func (p *planner) setOp(s *SetOp, scope *cteScope) (plan.Node, error) {
	if s.Kind == Union {
		inputs, err := p.unionInputs(s, s.All, scope)
		if err != nil {
			return nil, err
		}
		return &plan.Union{Inputs: widenSetInputs(inputs), All: s.All}, nil
	}
	if s.All {
		return nil, unsupported("%s ALL is not supported yet", s.Kind)
	}
	l, err := p.body(s.Left, scope)
	if err != nil {
		return nil, err
	}
	r, err := p.body(s.Right, scope)
	if err != nil {
		return nil, err
	}
	widened := widenSetInputs([]plan.Node{l, r})
	la, err := plan.Analyze(widened[0])
	if err != nil {
		return nil, err
	}
	ra, err := plan.Analyze(widened[1])
	if err != nil {
		return nil, err
	}
	lc, rc := la.Schema().Columns, ra.Schema().Columns
	if len(lc) != len(rc) {
		return nil, invalid("NUM_COLUMNS_MISMATCH",
			"%s can only be performed on inputs with the same number of columns, but the first input has %d columns and the second input has %d columns.", s.Kind, len(lc), len(rc))
	}
	var on expr.Expr
	for i := range lc {
		eq := &expr.Binary{Op: expr.OpNullSafe,
			Left:  &expr.BoundRef{Index: i, Name: lc[i].Name, Type: lc[i].Type, Nullable: lc[i].Nullable},
			Right: &expr.BoundRef{Index: len(lc) + i, Name: rc[i].Name, Type: rc[i].Type, Nullable: rc[i].Nullable}}
		if on == nil {
			on = eq
		} else {
			on = &expr.Binary{Op: expr.OpAnd, Left: on, Right: eq}
		}
	}
	t := plan.LeftSemi
	if s.Kind == Except {
		t = plan.LeftAnti
	}
	return &plan.Distinct{Input: &plan.Join{Left: la, Right: ra, Type: t, On: on}}, nil
}

// unionInputs flattens a chain of unions into its inputs. A nested union
// folds into its parent when that cannot change the result: same ALL-ness,
// or a distinct parent (whose final de-duplication covers the child's).
func (p *planner) unionInputs(b QueryBody, all bool, scope *cteScope) ([]plan.Node, error) {
	if s, ok := b.(*SetOp); ok && s.Kind == Union && (s.All == all || !all) {
		l, err := p.unionInputs(s.Left, all, scope)
		if err != nil {
			return nil, err
		}
		r, err := p.unionInputs(s.Right, all, scope)
		if err != nil {
			return nil, err
		}
		return append(l, r...), nil
	}
	n, err := p.body(b, scope)
	if err != nil {
		return nil, err
	}
	return []plan.Node{n}, nil
}

// widenSetInputs casts the columns of set-operation inputs to their common
// type, as Spark's WidenSetOperationTypes does (SELECT 1 UNION SELECT 2.5
// is a DECIMAL column), since plan.Union requires equal types. When the
// inputs cannot be analyzed or have no common type, they are returned as
// they are and the analyzer reports the error in its own words.
func widenSetInputs(inputs []plan.Node) []plan.Node {
	analyzed := make([]plan.Node, len(inputs))
	for i, in := range inputs {
		a, err := plan.Analyze(in)
		if err != nil {
			return inputs
		}
		analyzed[i] = a
	}
	width := analyzed[0].Schema().Len()
	for _, a := range analyzed[1:] {
		if a.Schema().Len() != width {
			return inputs
		}
	}
	common := make([]types.DataType, width)
	for c := 0; c < width; c++ {
		args := make([]expr.Expr, len(analyzed))
		for i, a := range analyzed {
			col := a.Schema().Columns[c]
			args[i] = &expr.BoundRef{Index: 0, Name: col.Name, Type: col.Type, Nullable: col.Nullable}
		}
		co, err := expr.Coerce(&expr.Call{Name: "coalesce", Args: args})
		if err != nil {
			return inputs
		}
		t, _, err := expr.TypeOf(co)
		if err != nil {
			return inputs
		}
		common[c] = t
	}
	out := make([]plan.Node, len(inputs))
	for i, a := range analyzed {
		cols := a.Schema().Columns
		changed := false
		es := make([]expr.Expr, width)
		for c, col := range cols {
			ref := &expr.BoundRef{Index: c, Name: col.Name, Type: col.Type, Nullable: col.Nullable}
			if types.Equal(col.Type, common[c]) {
				es[c] = ref
				continue
			}
			changed = true
			es[c] = &expr.Alias{Child: &expr.Cast{Child: ref, To: common[c], Implicit: true}, Name: col.Name}
		}
		if changed {
			out[i] = &plan.Project{Input: a, Exprs: es}
		} else {
			out[i] = inputs[i]
		}
	}
	return out
}
