package plan

import (
	"fmt"
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
)

// analyzeAggregate rewrites an Aggregate as built by a front end into an
// analyzed Aggregate (bound keys, then each distinct aggregate call once)
// under a Project that computes the requested outputs from those columns:
//
//	Aggregate [patient_name] [patient_name, CEIL(avg(heartrate)) AS avg_heartrate]
//
// becomes
//
//	Project [patient_name#0, CEIL(avg(heartrate)#1) AS avg_heartrate]
//	  Aggregate [patient_name#0] [avg(heartrate#3)]
//
// An output column outside every aggregate call must be (part of) a
// grouping expression, or the query is rejected with MISSING_AGGREGATION.
// extras (a HAVING condition, ORDER BY expressions that aggregate) are
// appended as hidden outputs named __extraN after the requested ones.
//
// As in Spark (groupByOrdinal, groupByAliases), a grouping expression that
// is an integer literal n means the n-th output expression, and a bare name
// that is not an input column but the alias of an output expression means
// that expression.
func analyzeAggregate(a *Aggregate, extras ...expr.Expr) (Node, error) {
	if a.analyzed {
		return a, nil
	}
	in, err := analyze(a.Input)
	if err != nil {
		return nil, err
	}
	is := in.Schema()
	keys := make([]expr.Expr, len(a.GroupBy))
	keyPrints := make([]string, len(a.GroupBy))
	for i, g := range a.GroupBy {
		if expr.ContainsAggregate(g) {
			return nil, analysisError(ErrInvalidPlan, "GROUP_BY_AGGREGATE", "Aggregate functions are not allowed in GROUP BY, but found %s.", g.String())
		}
		g, err := groupingTarget(g, a.Aggs, is)
		if err != nil {
			return nil, err
		}
		k, err := bindExpr(g, is)
		if err != nil {
			return nil, err
		}
		keys[i] = k
		keyPrints[i] = fingerprint(stripAlias(k))
	}
	outs, err := expandStars(a.Aggs, is)
	if err != nil {
		return nil, err
	}
	for i, e := range extras {
		outs = append(outs, &expr.Alias{Child: e, Name: fmt.Sprintf("__extra%d", i)})
	}
	r := &aggRewriter{keys: keys, keyPrints: keyPrints, index: map[string]int{}}
	final := make([]expr.Expr, len(outs))
	for i, o := range outs {
		bo, err := bindExpr(o, is)
		if err != nil {
			return nil, err
		}
		name := outputName(bo)
		rw, err := r.rewrite(bo)
		if err != nil {
			return nil, err
		}
		final[i] = named(rw, name)
	}
	agg := &Aggregate{Input: in, GroupBy: keys, Aggs: r.calls, analyzed: true}
	// The placeholders were typed before the Aggregate existed; give them
	// the aggregate's output columns' types.
	as := agg.Schema()
	for i, f := range final {
		final[i] = refreshRefs(f, as)
	}
	return &Project{Input: agg, Exprs: final}, nil
}

type aggRewriter struct {
	keys      []expr.Expr
	keyPrints []string
	calls     []expr.Expr
	index     map[string]int
}

// rewrite replaces aggregate calls and grouping expressions in a bound
// output expression by references to the Aggregate's output columns.
func (r *aggRewriter) rewrite(e expr.Expr) (expr.Expr, error) {
	if a, ok := e.(*expr.Alias); ok {
		c, err := r.rewrite(a.Child)
		if err != nil {
			return nil, err
		}
		return &expr.Alias{Child: c, Name: a.Name}, nil
	}
	fp := fingerprint(e)
	for i, k := range r.keyPrints {
		if k == fp {
			t, n, err := expr.TypeOf(r.keys[i])
			if err != nil {
				return nil, err
			}
			return &expr.BoundRef{Index: i, Name: outputName(r.keys[i]), Type: t, Nullable: n}, nil
		}
	}
	switch n := e.(type) {
	case *expr.AggCall:
		for _, arg := range n.Args {
			if expr.ContainsAggregate(arg) {
				return nil, analysisError(ErrInvalidPlan, "NESTED_AGGREGATE_FUNCTION",
					"It is not allowed to use an aggregate function in the argument of another aggregate function. Please use the inner aggregate function in a sub-query.")
			}
		}
		idx, ok := r.index[fp]
		if !ok {
			idx = len(r.calls)
			r.index[fp] = idx
			r.calls = append(r.calls, n)
		}
		t, nullable, err := expr.TypeOf(n)
		if err != nil {
			return nil, err
		}
		return &expr.BoundRef{Index: len(r.keys) + idx, Name: n.String(), Type: t, Nullable: nullable}, nil
	case *expr.BoundRef:
		return nil, analysisError(ErrMissingAggregation, "MISSING_AGGREGATION",
			"The non-aggregating expression %q is based on columns which are not participating in the GROUP BY clause. Add the columns or the expression to the GROUP BY, aggregate the expression, or use \"any_value(%s)\" if you do not care which of the values within a group is returned.",
			n.Name, n.Name)
	}
	ch := e.Children()
	if len(ch) == 0 {
		return e, nil
	}
	nch := make([]expr.Expr, len(ch))
	for i, c := range ch {
		rc, err := r.rewrite(c)
		if err != nil {
			return nil, err
		}
		nch[i] = rc
	}
	return e.WithChildren(nch), nil
}

// fingerprint renders a bound expression so that two expressions print the
// same iff they compute the same thing: column references print by
// position, since two columns may share a name.
func fingerprint(e expr.Expr) string {
	var b strings.Builder
	var walk func(expr.Expr)
	walk = func(e expr.Expr) {
		switch n := e.(type) {
		case *expr.BoundRef:
			fmt.Fprintf(&b, "#%d", n.Index)
			return
		case *expr.Literal:
			fmt.Fprintf(&b, "lit(%s:%s)", n.String(), n.Type.SQL())
			return
		case *expr.Cast:
			fmt.Fprintf(&b, "cast<%s>", n.To.SQL())
		case *expr.AggCall:
			fmt.Fprintf(&b, "agg<%s,%t,%t>", strings.ToLower(n.Name), n.Distinct, n.Star)
		case *expr.Call:
			fmt.Fprintf(&b, "call<%s>", strings.ToLower(n.Name))
		case *expr.Binary:
			fmt.Fprintf(&b, "op<%s>", n.Op)
		case *expr.Unary:
			fmt.Fprintf(&b, "op<%s>", n.Op)
		case *expr.SortOrder:
			fmt.Fprintf(&b, "order<%t,%t>", n.Desc, n.NullsFirst)
		case *expr.In:
			fmt.Fprintf(&b, "in<%t>", n.Not)
		case *expr.Like:
			fmt.Fprintf(&b, "like<%t>", n.Not)
		default:
			fmt.Fprintf(&b, "%T", e)
		}
		b.WriteByte('(')
		for i, c := range e.Children() {
			if i > 0 {
				b.WriteByte(',')
			}
			walk(c)
		}
		b.WriteByte(')')
	}
	walk(e)
	return b.String()
}

func stripAlias(e expr.Expr) expr.Expr {
	for {
		a, ok := e.(*expr.Alias)
		if !ok {
			return e
		}
		e = a.Child
	}
}

// named gives e the output name name, adding an Alias unless e already is
// a column of that name.
func named(e expr.Expr, name string) expr.Expr {
	if outputName(e) == name {
		if _, ok := e.(*expr.BoundRef); ok {
			return e
		}
		if _, ok := e.(*expr.Alias); ok {
			return e
		}
	}
	return &expr.Alias{Child: stripAlias(e), Name: name}
}

// groupingTarget resolves GROUP BY ordinals and output aliases (see
// analyzeAggregate).
func groupingTarget(g expr.Expr, outs []expr.Expr, in Schema) (expr.Expr, error) {
	if n, ok := ordinal(g); ok {
		if n < 1 || int(n) > len(outs) {
			return nil, analysisError(ErrInvalidPlan, "GROUP_BY_POS_OUT_OF_RANGE",
				"GROUP BY position %d is not in select list (valid range is [1, %d]).", n, len(outs))
		}
		target := stripAlias(outs[n-1])
		if expr.ContainsAggregate(target) {
			return nil, analysisError(ErrInvalidPlan, "GROUP_BY_POS_AGGREGATE",
				"GROUP BY %d refers to an expression %s that contains an aggregate function. Aggregate functions are not allowed in GROUP BY.", n, target.String())
		}
		return target, nil
	}
	c, ok := g.(*expr.ColumnRef)
	if !ok || c.Qualifier != "" || len(resolver{in}.matches("", c.Name)) > 0 {
		return g, nil
	}
	for _, o := range outs {
		if a, ok := o.(*expr.Alias); ok && strings.EqualFold(a.Name, c.Name) && !expr.ContainsAggregate(a.Child) {
			return a.Child, nil
		}
	}
	return g, nil
}
