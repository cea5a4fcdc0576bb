package plan

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/exec"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// ExecOptions size execution: Parallelism is the number of goroutines an
// operator may use (like local[N]); BatchSize the rows per produced batch.
type ExecOptions struct {
	Parallelism int
	BatchSize   int
}

// Execute analyzes, optimizes and runs n, returning its output stream.
// Passing an already analyzed (or optimized) plan is fine. The query's
// start time (current_timestamp) is fixed here unless ctx already carries
// one (expr.WithQueryTime), e.g. a micro-batch or statement that runs
// several plans as one query.
func Execute(ctx context.Context, n Node, opts ExecOptions) (batch.Reader, error) {
	start, ok := expr.QueryTime(ctx)
	if !ok {
		start = time.Now()
		ctx = expr.WithQueryTime(ctx, start)
	}
	a, err := Analyze(n)
	if err != nil {
		return nil, err
	}
	op, err := Physical(Optimize(a), opts)
	if err != nil {
		return nil, err
	}
	r, err := op.Open(ctx)
	if err != nil {
		return nil, err
	}
	return &queryTimeReader{Reader: r, start: start}, nil
}

// queryTimeReader evaluates under the query's start time: operators
// evaluate expressions with the context of Next, which is the consumer's,
// not the one Execute was given.
type queryTimeReader struct {
	batch.Reader
	start time.Time
}

func (r *queryTimeReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if _, ok := expr.QueryTime(ctx); !ok {
		ctx = expr.WithQueryTime(ctx, r.start)
	}
	return r.Reader.Next(ctx)
}

// Physical lowers an analyzed plan to exec operators.
func Physical(n Node, opts ExecOptions) (exec.Operator, error) {
	p := physicalPlanner{opts: exec.Options{Parallelism: opts.Parallelism, BatchSize: opts.BatchSize}}
	return p.plan(n)
}

type physicalPlanner struct {
	opts exec.Options
}

func compile(e expr.Expr) (expr.Evaluator, error) {
	ev, err := expr.Compile(stripAlias(e))
	if err != nil {
		return nil, fmt.Errorf("plan: compile %s: %w", e, err)
	}
	return ev, nil
}

func compileAll(es []expr.Expr) ([]expr.Evaluator, error) {
	out := make([]expr.Evaluator, len(es))
	for i, e := range es {
		ev, err := compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = ev
	}
	return out, nil
}

func (p physicalPlanner) plan(n Node) (exec.Operator, error) {
	switch n := n.(type) {
	case *Scan:
		src, req := n.Source, ScanRequest{Columns: n.Columns, Filters: n.Filters}
		return exec.NewScan(n.Source.Name(), n.Schema().ArrowSchema(), func(ctx context.Context) (batch.Reader, error) {
			return src.Scan(ctx, req)
		}), nil
	case *LocalRelation:
		schema := n.Struct.ArrowSchema()
		bs := n.Batches
		return exec.NewScan("LocalRelation", schema, func(ctx context.Context) (batch.Reader, error) {
			out := make([]arrow.RecordBatch, len(bs))
			for i, b := range bs {
				b.Retain()
				out[i] = b
			}
			return batch.FromSlice(schema, out...), nil
		}), nil
	case *SubqueryAlias:
		return p.plan(n.Input)
	case *Project:
		if p.opts.Parallelism > 1 {
			return p.parallelChain(n)
		}
		in, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		evs, err := compileAll(n.Exprs)
		if err != nil {
			return nil, err
		}
		s := n.Schema()
		names := make([]string, len(n.Exprs))
		for i, c := range s.Columns {
			names[i] = c.Name
		}
		return exec.NewProject(in, evs, s.ArrowSchema(), names)
	case *Filter:
		if p.opts.Parallelism > 1 {
			return p.parallelChain(n)
		}
		in, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		ev, err := compile(n.Cond)
		if err != nil {
			return nil, err
		}
		return exec.NewFilter(in, ev, exprString(n.Cond)), nil
	case *Join:
		return p.join(n)
	case *Aggregate:
		return p.aggregate(n)
	case *Sort:
		return p.sort(n, -1)
	case *Limit:
		if s, ok := n.Input.(*Sort); ok {
			return p.sort(s, n.N)
		}
		in, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		return exec.NewLimit(in, n.N), nil
	case *Distinct:
		in, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		return exec.NewDistinct(in), nil
	case *Union:
		ins := make([]exec.Operator, len(n.Inputs))
		for i, c := range n.Inputs {
			op, err := p.plan(c)
			if err != nil {
				return nil, err
			}
			ins[i] = op
		}
		return exec.NewUnion(ins...)
	}
	return nil, fmt.Errorf("%w: cannot execute %T", ErrInvalidPlan, n)
}

// parallelChain plans a maximal chain of projections and filters as one
// per-batch stage run by exec.Parallel on opts.Parallelism workers.
func (p physicalPlanner) parallelChain(top Node) (exec.Operator, error) {
	var chain []Node // top first
	n := top
	for {
		switch c := n.(type) {
		case *Project:
			chain, n = append(chain, c), c.Input
			continue
		case *Filter:
			chain, n = append(chain, c), c.Input
			continue
		}
		break
	}
	in, err := p.plan(n)
	if err != nil {
		return nil, err
	}
	// Compile once; the stage only wires operators around the evaluators.
	type step struct {
		evs    []expr.Evaluator
		schema *arrow.Schema
		names  []string
		desc   string
	}
	steps := make([]step, len(chain))
	for i, c := range chain {
		switch c := c.(type) {
		case *Project:
			evs, err := compileAll(c.Exprs)
			if err != nil {
				return nil, err
			}
			s := c.Schema()
			names := make([]string, s.Len())
			for k, col := range s.Columns {
				names[k] = col.Name
			}
			steps[i] = step{evs: evs, schema: s.ArrowSchema(), names: names}
		case *Filter:
			ev, err := compile(c.Cond)
			if err != nil {
				return nil, err
			}
			steps[i] = step{evs: []expr.Evaluator{ev}, desc: exprString(c.Cond)}
		}
	}
	return exec.NewParallel(in, p.opts.Parallelism, func(src exec.Operator) (exec.Operator, error) {
		op := src
		for i := len(steps) - 1; i >= 0; i-- {
			st := steps[i]
			if st.schema == nil {
				op = exec.NewFilter(op, st.evs[0], st.desc)
				continue
			}
			pr, err := exec.NewProject(op, st.evs, st.schema, st.names)
			if err != nil {
				return nil, err
			}
			op = pr
		}
		return op, nil
	})
}

func (p physicalPlanner) sort(s *Sort, limit int64) (exec.Operator, error) {
	in, err := p.plan(s.Input)
	if err != nil {
		return nil, err
	}
	keys := make([]exec.SortKey, len(s.Orders))
	for i, o := range s.Orders {
		ev, err := compile(o.Child)
		if err != nil {
			return nil, err
		}
		keys[i] = exec.SortKey{Expr: ev, Desc: o.Desc, NullsFirst: o.NullsFirst, Name: exprString(o.Child)}
	}
	return exec.NewSort(in, keys, limit, p.opts), nil
}

// join splits the condition into equi-join keys (a conjunct "l = r" with
// one side over left columns only and the other over right columns only)
// and a residual evaluated on candidate pairs.
func (p physicalPlanner) join(j *Join) (exec.Operator, error) {
	left, err := p.plan(j.Left)
	if err != nil {
		return nil, err
	}
	right, err := p.plan(j.Right)
	if err != nil {
		return nil, err
	}
	nl := j.Left.Schema().Len()
	var lkeys, rkeys, rest []expr.Expr
	for _, c := range splitAnd(j.On) {
		if b, ok := c.(*expr.Binary); ok && b.Op == expr.OpEq && sameType(b.Left, b.Right) {
			ls, rs := sides(b.Left, nl), sides(b.Right, nl)
			switch {
			case ls == sideLeft && rs == sideRight:
				lkeys, rkeys = append(lkeys, b.Left), append(rkeys, shiftRefs(b.Right, -nl))
				continue
			case ls == sideRight && rs == sideLeft:
				lkeys, rkeys = append(lkeys, b.Right), append(rkeys, shiftRefs(b.Left, -nl))
				continue
			}
		}
		rest = append(rest, c)
	}
	lev, err := compileAll(lkeys)
	if err != nil {
		return nil, err
	}
	rev, err := compileAll(rkeys)
	if err != nil {
		return nil, err
	}
	var residual expr.Evaluator
	desc := ""
	if r := andAll(rest); r != nil {
		if residual, err = compile(r); err != nil {
			return nil, err
		}
		desc = exprString(r)
	}
	t := map[JoinType]exec.JoinType{Inner: exec.InnerJoin, Cross: exec.CrossJoin, LeftOuter: exec.LeftOuterJoin,
		RightOuter: exec.RightOuterJoin, FullOuter: exec.FullOuterJoin, LeftSemi: exec.LeftSemiJoin, LeftAnti: exec.LeftAntiJoin}[j.Type]
	return exec.NewHashJoin(left, right, t, lev, rev, residual, desc)
}

// sameType reports whether a and b have the same type, so their values
// can be hashed and compared as keys (coercion normally sees to it; a pair
// that differs is evaluated as a residual condition instead).
func sameType(a, b expr.Expr) bool {
	ta, _, errA := expr.TypeOf(a)
	tb, _, errB := expr.TypeOf(b)
	return errA == nil && errB == nil && types.Equal(ta, tb)
}

type side int

const (
	sideNone side = iota // no column references
	sideLeft
	sideRight
	sideBoth
)

// sides tells which join input e's column references come from.
func sides(e expr.Expr, nl int) side {
	s := sideNone
	walkRefs(e, func(b *expr.BoundRef) {
		cur := sideLeft
		if b.Index >= nl {
			cur = sideRight
		}
		if s == sideNone {
			s = cur
		} else if s != cur {
			s = sideBoth
		}
	})
	return s
}

func walkRefs(e expr.Expr, f func(*expr.BoundRef)) {
	if e == nil {
		return
	}
	if b, ok := e.(*expr.BoundRef); ok {
		f(b)
		return
	}
	for _, c := range e.Children() {
		walkRefs(c, f)
	}
}

// shiftRefs adds delta to every BoundRef index of e.
func shiftRefs(e expr.Expr, delta int) expr.Expr {
	return remapRefs(e, func(i int) int { return i + delta })
}

// remapRefs rewrites every BoundRef index of e through m.
func remapRefs(e expr.Expr, m func(int) int) expr.Expr {
	r, _ := expr.Transform(e, func(n expr.Expr) (expr.Expr, error) {
		if b, ok := n.(*expr.BoundRef); ok {
			cp := *b
			cp.Index = m(b.Index)
			return &cp, nil
		}
		return n, nil
	})
	return r
}

func (p physicalPlanner) aggregate(a *Aggregate) (exec.Operator, error) {
	parts, err := AggregateParts(a)
	if err != nil {
		return nil, err
	}
	in, err := p.plan(a.Input)
	if err != nil {
		return nil, err
	}
	keys, err := compileAll(parts.Keys)
	if err != nil {
		return nil, err
	}
	args := make([][]expr.Evaluator, len(parts.Args))
	for i, as := range parts.Args {
		if args[i], err = compileAll(as); err != nil {
			return nil, err
		}
	}
	return exec.NewHashAggregate(in, keys, args, parts.Specs, parts.Schema.ArrowSchema(), p.opts)
}
