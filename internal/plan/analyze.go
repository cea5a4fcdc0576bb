package plan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// Analyze resolves a plan built by a front end: it binds column references
// (qualified or not, case-insensitively) to their input columns, expands
// stars, inserts Spark's implicit casts, types every expression, turns USING
// joins into equi-joins under a key-first Project, rewrites aggregations
// into an analyzed Aggregate under a Project (see Aggregate), and turns a
// projection holding aggregate calls into a global aggregation. Errors name
// Spark's error classes. Analyzing an analyzed plan returns an equivalent
// plan.
func Analyze(n Node) (Node, error) {
	a, err := analyze(n)
	if err != nil {
		return nil, err
	}
	return stripHidden(a), nil
}

// stripHidden projects away the hidden columns of n, if it has any: where
// a relation's output becomes fixed (the query's result, a subquery alias,
// the inputs of DISTINCT and UNION), only its visible columns remain, as
// in Spark, whose hidden USING keys do not survive these operators.
func stripHidden(n Node) Node {
	s := n.Schema()
	if !s.hasHidden() {
		return n
	}
	// The visible columns keep every qualifier that reached them (an inner
	// USING join's key answers to both sides), so a front end building on
	// an analyzed join still resolves "p.k".
	var out []expr.Expr
	var quals [][]string
	for i, c := range s.Columns {
		if !c.hidden {
			out = append(out, columnRef(s.Columns, i))
			quals = append(quals, append([]string{c.Qualifier}, c.alts...))
		}
	}
	return &Project{Input: n, Exprs: out, usingQuals: quals}
}

func analyze(n Node) (Node, error) {
	switch n := n.(type) {
	case *Scan, *LocalRelation:
		return n, nil
	case *SubqueryAlias:
		in, err := analyze(n.Input)
		if err != nil {
			return nil, err
		}
		return &SubqueryAlias{Input: stripHidden(in), Alias: n.Alias}, nil
	case *Project:
		return analyzeProject(n)
	case *Filter:
		return analyzeFilter(n)
	case *Join:
		return analyzeJoin(n)
	case *Aggregate:
		return analyzeAggregate(n)
	case *Sort:
		return analyzeSort(n)
	case *Limit:
		if n.N < 0 {
			return nil, analysisError(ErrInvalidPlan, "INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE", "The limit like expression %d is invalid. The limit expression must be equal to or greater than 0.", n.N)
		}
		in, err := analyze(n.Input)
		if err != nil {
			return nil, err
		}
		return &Limit{Input: in, N: n.N}, nil
	case *Distinct:
		in, err := analyze(n.Input)
		if err != nil {
			return nil, err
		}
		return &Distinct{Input: stripHidden(in)}, nil
	case *Union:
		return analyzeUnion(n)
	case nil:
		return nil, fmt.Errorf("%w: nil node", ErrInvalidPlan)
	}
	return nil, fmt.Errorf("%w: unknown node %T", ErrInvalidPlan, n)
}

// expandStars replaces * and q.* by the input columns they denote.
func expandStars(es []expr.Expr, in Schema) ([]expr.Expr, error) {
	var out []expr.Expr
	for _, e := range es {
		s, ok := e.(*expr.Star)
		if !ok {
			out = append(out, e)
			continue
		}
		// A qualified star takes that relation's hidden columns first
		// (its own USING keys), then its visible ones, as Spark's
		// Star.expand does; a bare star only the visible columns.
		n := 0
		for _, hidden := range []bool{true, false} {
			for i, c := range in.Columns {
				if c.hidden != hidden || hidden && s.Qualifier == "" {
					continue
				}
				if s.Qualifier == "" || strings.EqualFold(s.Qualifier, c.Qualifier) {
					out = append(out, &expr.BoundRef{Index: i, Name: c.Name, Type: c.Type, Nullable: c.Nullable})
					n++
				}
			}
		}
		if n == 0 && s.Qualifier != "" {
			names := make([]string, len(in.Columns))
			for i, c := range in.Columns {
				names[i] = quoted(c.Qualifier, c.Name)
			}
			return nil, analysisError(ErrUnresolvedColumn, "CANNOT_RESOLVE_STAR_EXPAND",
				"Cannot resolve `%s`.* given input columns [%s].", s.Qualifier, strings.Join(names, ", "))
		}
	}
	return out, nil
}

func analyzeProject(p *Project) (Node, error) {
	in, err := analyze(p.Input)
	if err != nil {
		return nil, err
	}
	is := in.Schema()
	es, err := expandStars(p.Exprs, is)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if expr.ContainsAggregate(e) {
			// SELECT count(*) FROM t: a global aggregation.
			return analyzeAggregate(&Aggregate{Input: in, Aggs: es})
		}
	}
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		if out[i], err = bindExpr(e, is); err != nil {
			return nil, err
		}
	}
	return &Project{Input: in, Exprs: out, usingQuals: p.usingQuals, hidden: p.hidden}, nil
}

func analyzeFilter(f *Filter) (Node, error) {
	if a, ok := f.Input.(*Aggregate); ok && !a.analyzed && expr.ContainsAggregate(f.Cond) {
		return analyzeHaving(f, a)
	}
	in, err := analyze(f.Input)
	if err != nil {
		return nil, err
	}
	c, err := bindExpr(f.Cond, in.Schema())
	if err != nil {
		return nil, err
	}
	if err := checkBoolean(c, "Filter"); err != nil {
		return nil, err
	}
	return &Filter{Input: in, Cond: c}, nil
}

func checkBoolean(c expr.Expr, what string) error {
	t, _, err := expr.TypeOf(c)
	if err != nil {
		return err
	}
	switch t.(type) {
	case types.BooleanType, types.NullType:
		return nil
	}
	return analysisError(expr.ErrDataTypeMismatch, "DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN",
		"Cannot resolve %q due to data type mismatch: %s expression %q of type %q is not a boolean.", c.String(), what, c.String(), t.SQL())
}

// analyzeHaving handles a Filter whose condition aggregates (HAVING): the
// condition becomes a hidden output of the aggregation, filtered on and
// projected away.
func analyzeHaving(f *Filter, a *Aggregate) (Node, error) {
	n, err := analyzeAggregate(a, f.Cond)
	if err != nil {
		return nil, err
	}
	p := n.(*Project)
	k := len(p.Exprs) - 1
	if err := checkBoolean(p.Exprs[k], "Filter"); err != nil {
		return nil, err
	}
	cols := p.Schema().Columns
	filtered := &Filter{Input: p, Cond: columnRef(cols, k)}
	return &Project{Input: filtered, Exprs: columnRefs(cols[:k])}, nil
}

func columnRef(cols []Column, i int) *expr.BoundRef {
	return &expr.BoundRef{Index: i, Name: cols[i].Name, Type: cols[i].Type, Nullable: cols[i].Nullable}
}

// columnRefs references every column of cols, in order.
func columnRefs(cols []Column) []expr.Expr {
	out := make([]expr.Expr, len(cols))
	for i := range cols {
		out[i] = columnRef(cols, i)
	}
	return out
}

// analyzeSortAggregate handles ORDER BY expressions that aggregate over an
// aggregation (ORDER BY count(*) DESC): they become hidden outputs of the
// aggregation, sorted on and projected away. Ordinals and names of output
// columns among them refer to those outputs.
func analyzeSortAggregate(s *Sort, a *Aggregate) (Node, error) {
	var extras []expr.Expr
	target := make([]int, len(s.Orders)) // output column, or -(extra+1)
	for i, o := range s.Orders {
		if n, ok := ordinal(o.Child); ok {
			if n < 1 || int(n) > len(a.Aggs) {
				return nil, analysisError(ErrInvalidPlan, "ORDER_BY_POS_OUT_OF_RANGE",
					"ORDER BY position %d is not in select list (valid range is [1, %d]).", n, len(a.Aggs))
			}
			target[i] = int(n - 1)
			continue
		}
		if c, ok := o.Child.(*expr.ColumnRef); ok && c.Qualifier == "" {
			if k := outputIndex(a.Aggs, c.Name); k >= 0 {
				target[i] = k
				continue
			}
		}
		extras = append(extras, o.Child)
		target[i] = -len(extras)
	}
	n, err := analyzeAggregate(a, extras...)
	if err != nil {
		return nil, err
	}
	p := n.(*Project)
	cols := p.Schema().Columns
	k := len(cols) - len(extras)
	orders := make([]*expr.SortOrder, len(s.Orders))
	for i, o := range s.Orders {
		c := target[i]
		if c < 0 {
			c = k - c - 1
		}
		orders[i] = &expr.SortOrder{Child: columnRef(cols, c), Desc: o.Desc, NullsFirst: o.NullsFirst}
	}
	return &Project{Input: &Sort{Input: p, Orders: orders}, Exprs: columnRefs(cols[:k])}, nil
}

// outputIndex finds the output expression named name, or -1.
func outputIndex(outs []expr.Expr, name string) int {
	for i, o := range outs {
		if strings.EqualFold(outputName(o), name) {
			return i
		}
	}
	return -1
}

// ordinal reports whether e is an integer literal (a position).
func ordinal(e expr.Expr) (int64, bool) {
	l, ok := e.(*expr.Literal)
	if !ok {
		return 0, false
	}
	switch v := l.Value.(type) {
	case int32:
		return int64(v), true
	case int64:
		return v, true
	}
	return 0, false
}

// ordinalOrders replaces ORDER BY n (an integer literal) by the n-th column
// of in, as Spark does (spark.sql.orderByOrdinal).
func ordinalOrders(os []*expr.SortOrder, in Schema) ([]*expr.SortOrder, error) {
	out := make([]*expr.SortOrder, len(os))
	for i, o := range os {
		out[i] = o
		n, ok := ordinal(o.Child)
		if !ok {
			continue
		}
		if n < 1 || int(n) > in.Len() {
			return nil, analysisError(ErrInvalidPlan, "ORDER_BY_POS_OUT_OF_RANGE",
				"ORDER BY position %d is not in select list (valid range is [1, %d]).", n, in.Len())
		}
		c := in.Columns[n-1]
		out[i] = &expr.SortOrder{Child: &expr.BoundRef{Index: int(n - 1), Name: c.Name, Type: c.Type, Nullable: c.Nullable}, Desc: o.Desc, NullsFirst: o.NullsFirst}
	}
	return out, nil
}

func analyzeJoin(j *Join) (Node, error) {
	if j.Type < 0 || int(j.Type) >= len(joinTypeNames) {
		return nil, fmt.Errorf("%w: unknown join type %d", ErrInvalidPlan, int(j.Type))
	}
	l, err := analyze(j.Left)
	if err != nil {
		return nil, err
	}
	r, err := analyze(j.Right)
	if err != nil {
		return nil, err
	}
	if len(j.Using) > 0 {
		return analyzeUsing(j, l, r)
	}
	out := &Join{Left: l, Right: r, Type: j.Type}
	if j.On != nil {
		joined := concatSchemas(l.Schema(), r.Schema())
		c, err := bindExpr(j.On, joined)
		if err != nil {
			return nil, err
		}
		if err := checkBoolean(c, "Join condition"); err != nil {
			return nil, err
		}
		out.On = c
	} else if j.Type != Cross && j.Type != Inner {
		return nil, analysisError(ErrInvalidPlan, "UNSUPPORTED_FEATURE", "A %s join needs a join condition.", j.Type)
	}
	return out, nil
}

// analyzeUsing turns JOIN ... USING (k) into an equi-join on the keys under
// a Project listing each key once, then the other left columns, then the
// other right columns, as Spark does. The key comes from the left side,
// from the right for a right outer join, and is coalesce(left, right) for a
// full outer join.
func analyzeUsing(j *Join, l, r Node) (Node, error) {
	ls, rs := l.Schema(), r.Schema()
	nl := ls.Len()
	joinSide := func(s Schema, side, name string) (int, error) {
		m := resolver{s}.matches("", name)
		switch len(m) {
		case 1:
			return m[0], nil
		case 0:
			return 0, analysisError(ErrUnresolvedColumn, "UNRESOLVED_USING_COLUMN_FOR_JOIN",
				"USING column `%s` cannot be resolved on the %s side of the join. The %s-side columns: [%s].", name, side, side, strings.Join(columnNames(s), ", "))
		}
		return 0, analysisError(ErrAmbiguousReference, "AMBIGUOUS_REFERENCE", "Reference `%s` is ambiguous on the %s side of the join.", name, side)
	}
	var conds []expr.Expr
	lkey, rkey := map[int]bool{}, map[int]bool{}
	var keys []expr.Expr
	var quals [][]string
	// Spark keeps each side's own key as a hidden column where the merged
	// key does not stand for it: the right key under inner and left outer
	// joins, the left key under a right outer join, both under a full
	// outer join (whose merged key is a coalesce). "r.k" under a LEFT JOIN
	// thus reads the right key, NULL where unmatched, and "r.*" includes it.
	var hiddenKeys []expr.Expr
	for _, name := range j.Using {
		li, err := joinSide(ls, "left", name)
		if err != nil {
			return nil, err
		}
		ri, err := joinSide(rs, "right", name)
		if err != nil {
			return nil, err
		}
		lkey[li], rkey[ri] = true, true
		lc, rc := ls.Columns[li], rs.Columns[ri]
		lref := &expr.BoundRef{Index: li, Name: lc.Name, Type: lc.Type, Nullable: lc.Nullable}
		rref := &expr.BoundRef{Index: nl + ri, Name: rc.Name, Type: rc.Type, Nullable: rc.Nullable}
		conds = append(conds, &expr.Binary{Op: expr.OpEq, Left: lref, Right: rref})
		// The merged key is qualified by the side it is read from, and under
		// an inner join by both, as both keys equal it: the right side's
		// qualifier then still reaches the key over an analyzed join whose
		// hidden columns were stripped (front ends analyze pieces).
		switch j.Type {
		case RightOuter:
			keys = append(keys, rref)
			quals = append(quals, []string{rc.Qualifier})
			hiddenKeys = append(hiddenKeys, lref)
		case FullOuter:
			keys = append(keys, &expr.Alias{Child: &expr.Call{Name: "coalesce", Args: []expr.Expr{lref, rref}}, Name: lc.Name})
			quals = append(quals, nil)
			hiddenKeys = append(hiddenKeys, lref, rref)
		case LeftSemi, LeftAnti:
			keys = append(keys, lref)
			quals = append(quals, []string{lc.Qualifier})
		case LeftOuter:
			keys = append(keys, lref)
			quals = append(quals, []string{lc.Qualifier})
			hiddenKeys = append(hiddenKeys, rref)
		default:
			keys = append(keys, lref)
			quals = append(quals, []string{lc.Qualifier, rc.Qualifier})
			hiddenKeys = append(hiddenKeys, rref)
		}
	}
	on, err := expr.Coerce(andAll(conds))
	if err != nil {
		return nil, err
	}
	join := &Join{Left: l, Right: r, Type: j.Type, On: on}
	if j.Type == Cross {
		join.Type = Inner
	}
	js := join.Schema()
	out := keys
	var inherited []expr.Expr // the inputs' own hidden columns stay hidden
	for i := range js.Columns {
		if i < nl && lkey[i] || i >= nl && rkey[i-nl] {
			continue
		}
		c := js.Columns[i]
		ref := &expr.BoundRef{Index: i, Name: c.Name, Type: c.Type, Nullable: c.Nullable}
		if c.hidden {
			inherited = append(inherited, ref)
			continue
		}
		out = append(out, ref)
	}
	visible := len(out)
	out = append(append(out, hiddenKeys...), inherited...)
	for i, e := range out {
		c, err := expr.Coerce(e)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	// Key references were built against the plain join's nullability; a
	// left key under a right/full outer join may be NULL too.
	for i := range keys {
		out[i] = refreshRefs(out[i], js)
	}
	var hidden []bool
	if len(out) > visible {
		hidden = make([]bool, len(out))
		for i := visible; i < len(out); i++ {
			hidden[i] = true
			out[i] = refreshRefs(out[i], js)
		}
	}
	return &Project{Input: join, Exprs: out, usingQuals: quals, hidden: hidden}, nil
}

func columnNames(s Schema) []string {
	out := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = quoted(c.Qualifier, c.Name)
	}
	return out
}

// refreshRefs updates the types and nullability of e's BoundRefs from in.
func refreshRefs(e expr.Expr, in Schema) expr.Expr {
	r, _ := expr.Transform(e, func(n expr.Expr) (expr.Expr, error) {
		if b, ok := n.(*expr.BoundRef); ok && b.Index < in.Len() {
			cp := *b
			cp.Nullable = in.Columns[b.Index].Nullable
			return &cp, nil
		}
		return n, nil
	})
	return r
}

// andAll joins conditions with AND (nil for none).
func andAll(cs []expr.Expr) expr.Expr {
	var out expr.Expr
	for _, c := range cs {
		if out == nil {
			out = c
		} else {
			out = &expr.Binary{Op: expr.OpAnd, Left: out, Right: c}
		}
	}
	return out
}

// splitAnd returns the conjuncts of e.
func splitAnd(e expr.Expr) []expr.Expr {
	if b, ok := e.(*expr.Binary); ok && b.Op == expr.OpAnd {
		return append(splitAnd(b.Left), splitAnd(b.Right)...)
	}
	if e == nil {
		return nil
	}
	return []expr.Expr{e}
}

func analyzeSort(s *Sort) (Node, error) {
	if a, ok := s.Input.(*Aggregate); ok && !a.analyzed {
		for _, o := range s.Orders {
			if expr.ContainsAggregate(o) {
				return analyzeSortAggregate(s, a)
			}
		}
	}
	in, err := analyze(s.Input)
	if err != nil {
		return nil, err
	}
	os, err := ordinalOrders(s.Orders, in.Schema())
	if err != nil {
		return nil, err
	}
	s = &Sort{Input: s.Input, Orders: os}
	orders, err := bindOrders(s.Orders, in.Schema())
	if err == nil {
		return &Sort{Input: in, Orders: orders}, nil
	}
	// Spark resolves ORDER BY columns missing from the select list against
	// the projection's input: add them, sort, then project them away.
	p, ok := in.(*Project)
	if !ok || !errors.Is(err, ErrUnresolvedColumn) {
		return nil, err
	}
	if _, isAgg := p.Input.(*Aggregate); isAgg {
		return nil, err
	}
	ps := p.Schema()
	extended := &Project{Input: p.Input, Exprs: append([]expr.Expr(nil), p.Exprs...), usingQuals: p.usingQuals, hidden: p.hidden}
	for i, c := range p.Input.Schema().Columns {
		extended.Exprs = append(extended.Exprs, &expr.BoundRef{Index: i, Name: c.Name, Type: c.Type, Nullable: c.Nullable})
	}
	// Resolve against the select list first, then the hidden input columns.
	es := extended.Schema()
	hidden := Schema{Columns: append([]Column(nil), es.Columns...)}
	for i := range hidden.Columns {
		if i < ps.Len() {
			continue
		}
		hidden.Columns[i].Qualifier = p.Input.Schema().Columns[i-ps.Len()].Qualifier
	}
	orders, err2 := bindOrdersPreferFirst(s.Orders, hidden, ps.Len())
	if err2 != nil {
		return nil, err
	}
	out := make([]expr.Expr, ps.Len())
	for i, c := range ps.Columns {
		out[i] = &expr.BoundRef{Index: i, Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	return &Project{Input: &Sort{Input: extended, Orders: orders}, Exprs: out, usingQuals: p.usingQuals, hidden: p.hidden}, nil
}

func bindOrders(os []*expr.SortOrder, in Schema) ([]*expr.SortOrder, error) {
	out := make([]*expr.SortOrder, len(os))
	for i, o := range os {
		b, err := bindExpr(o, in)
		if err != nil {
			return nil, err
		}
		so, ok := b.(*expr.SortOrder)
		if !ok {
			return nil, fmt.Errorf("%w: sort order became %T", ErrInvalidPlan, b)
		}
		out[i] = so
	}
	return out, nil
}

// bindOrdersPreferFirst binds against in where a name present among the
// first n columns (the select list) wins over the hidden ones.
func bindOrdersPreferFirst(os []*expr.SortOrder, in Schema, n int) ([]*expr.SortOrder, error) {
	visible := resolver{Schema{Columns: in.Columns[:n]}}
	all := resolver{in}
	out := make([]*expr.SortOrder, len(os))
	for i, o := range os {
		b, err := expr.Bind(o, func(c *expr.ColumnRef) (*expr.BoundRef, error) {
			if r, err := visible.resolve(c); err == nil {
				return r, nil
			}
			hidden := resolver{Schema{Columns: in.Columns[n:]}}
			r, err := hidden.resolve(c)
			if err != nil {
				return all.resolve(c)
			}
			r.Index += n
			return r, nil
		})
		if err != nil {
			return nil, err
		}
		if b, err = expr.Coerce(b); err != nil {
			return nil, err
		}
		out[i] = b.(*expr.SortOrder)
	}
	return out, nil
}

func analyzeUnion(u *Union) (Node, error) {
	if len(u.Inputs) == 0 {
		return nil, fmt.Errorf("%w: union of no inputs", ErrInvalidPlan)
	}
	ins := make([]Node, len(u.Inputs))
	for i, in := range u.Inputs {
		a, err := analyze(in)
		if err != nil {
			return nil, err
		}
		ins[i] = stripHidden(a)
	}
	first := ins[0].Schema()
	for i, in := range ins[1:] {
		if s := in.Schema(); s.Len() != first.Len() {
			return nil, analysisError(ErrInvalidPlan, "NUM_COLUMNS_MISMATCH",
				"UNION can only be performed on inputs with the same number of columns, but the first input has %d columns and the %s input has %d columns.", first.Len(), ordinalWord(i+2), s.Len())
		}
	}
	// Widen each column to the inputs' common type, as Spark's
	// WidenSetOperationTypes does: the common type is the one coalesce()
	// over the inputs' columns coerces to.
	common := make([]types.DataType, first.Len())
	for c := range first.Columns {
		args := make([]expr.Expr, len(ins))
		for k, in := range ins {
			col := in.Schema().Columns[c]
			args[k] = &expr.BoundRef{Index: c, Name: col.Name, Type: col.Type, Nullable: true}
		}
		t, err := commonType(args)
		if err != nil {
			for k := 1; k < len(ins); k++ {
				if kt := args[k].(*expr.BoundRef).Type; !types.Equal(kt, first.Columns[c].Type) {
					return nil, analysisError(expr.ErrDataTypeMismatch, "INCOMPATIBLE_COLUMN_TYPE",
						"UNION can only be performed on inputs with compatible column types. The %s column of the %s input is %q type which is not compatible with %q at the same column of the first input.",
						ordinalWord(c+1), ordinalWord(k+1), kt.SQL(), first.Columns[c].Type.SQL())
				}
			}
			return nil, err
		}
		common[c] = t
	}
	for k, in := range ins {
		cols := in.Schema().Columns
		var exprs []expr.Expr
		changed := false
		for c, col := range cols {
			var e expr.Expr = columnRef(cols, c)
			if !types.Equal(col.Type, common[c]) {
				e, changed = &expr.Alias{Child: &expr.Cast{Child: e, To: common[c]}, Name: col.Name}, true
			}
			exprs = append(exprs, e)
		}
		if changed {
			ins[k] = &Project{Input: in, Exprs: exprs}
		}
	}
	var out Node = &Union{Inputs: ins, All: true}
	if !u.All {
		out = &Distinct{Input: out}
	}
	return out, nil
}

func ordinalWord(n int) string {
	switch n {
	case 1:
		return "first"
	case 2:
		return "second"
	case 3:
		return "third"
	}
	return fmt.Sprintf("%dth", n)
}

// commonType is the type Spark's coercion brings all of es to.
func commonType(es []expr.Expr) (types.DataType, error) {
	c, err := expr.Coerce(&expr.Call{Name: "coalesce", Args: es})
	if err != nil {
		return nil, err
	}
	t, _, err := expr.TypeOf(c)
	return t, err
}
