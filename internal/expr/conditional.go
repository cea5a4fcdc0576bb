package expr

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// compileCaseWhen evaluates every branch over the whole batch (no
// per-row short-circuit: non-ANSI expressions do not fail per row) and
// gathers, per row, the value of the first true condition.
func (cp *compiler) compileCaseWhen(out *compiled, e *CaseWhen) error {
	conds := make([]Expr, len(e.Whens))
	vals := make([]Expr, 0, len(e.Whens)+1)
	for i, w := range e.Whens {
		conds[i] = w.Cond
		vals = append(vals, w.Value)
	}
	if e.Else != nil {
		vals = append(vals, e.Else)
	}
	cc, err := cp.compileAll(conds)
	if err != nil {
		return err
	}
	vc, err := cp.compileAll(vals)
	if err != nil {
		return err
	}
	hasElse := e.Else != nil
	t := out.t
	out.f = func(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
		cs, err := evalAll(ctx, mem, b, cc)
		if err != nil {
			return nil, err
		}
		defer releaseAll(cs)
		vs, err := evalAll(ctx, mem, b, vc)
		if err != nil {
			return nil, err
		}
		defer releaseAll(vs)
		n := int(b.NumRows())
		pick := make([]int, n)
		for i := range pick {
			pick[i] = -1
			for j, c := range cs {
				if truth(c, i) {
					pick[i] = j
					break
				}
			}
			if pick[i] < 0 && hasElse {
				pick[i] = len(vs) - 1
			}
		}
		return gather(mem, t, n, vs, pick)
	}
	return nil
}

// compileIn: TRUE if the value equals some list item, else NULL if the
// value or any item is NULL, else FALSE (SQL's IN over NULLs).
func (cp *compiler) compileIn(out *compiled, e *In) error {
	cs, err := cp.compileAll(append([]Expr{e.Child}, e.List...))
	if err != nil {
		return err
	}
	cmp, err := comparer(cs[0].t)
	if err != nil {
		return fmt.Errorf("expr: compile %s: %w", e, err)
	}
	not := e.Not
	out.f = func(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
		args, err := evalAll(ctx, mem, b, cs)
		if err != nil {
			return nil, err
		}
		defer releaseAll(args)
		n := int(b.NumRows())
		found := make([]bool, n)
		sawNull := make([]bool, n)
		c := make([]int8, n)
		v := args[0]
		for _, item := range args[1:] {
			cmp(v, item, c)
			for i := range c {
				if item.IsNull(i) {
					sawNull[i] = true
				} else if c[i] == 0 {
					found[i] = true
				}
			}
		}
		vals, valid := newBitmap(mem, n, false), newBitmap(mem, n, true)
		for i := 0; i < n; i++ {
			switch {
			case v.IsNull(i) || (!found[i] && sawNull[i]):
				valid.clear(i)
			case found[i] != not:
				vals.set(i)
			}
		}
		return boolOut(n, vals, valid), nil
	}
	return nil
}

// likeRegexp translates a SQL LIKE pattern (%, _, backslash escape) to an
// anchored regular expression.
func likeRegexp(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("(?s)^")
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteString(regexp.QuoteMeta(string(p[i])))
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

func (cp *compiler) compileLike(out *compiled, e *Like) error {
	cs, err := cp.compileAll([]Expr{e.Child, e.Pattern})
	if err != nil {
		return err
	}
	not := e.Not
	out.f = func(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
		args, err := evalAll(ctx, mem, b, cs)
		if err != nil {
			return nil, err
		}
		defer releaseAll(args)
		s, p := args[0].(*array.String), args[1].(*array.String)
		n := s.Len()
		valid := validityOf(mem, n, s, p)
		vals := newBitmap(mem, n, false)
		cache := map[string]*regexp.Regexp{}
		for i := 0; i < n; i++ {
			if !valid.get(i) {
				continue
			}
			pat := p.Value(i)
			re, ok := cache[pat]
			if !ok {
				re, err = likeRegexp(pat)
				if err != nil {
					valid.buf.Release()
					vals.buf.Release()
					return nil, fmt.Errorf("expr: LIKE pattern %q: %w", pat, err)
				}
				cache[pat] = re
			}
			vals.setTo(i, re.MatchString(s.Value(i)) != not)
		}
		return boolOut(n, vals, valid), nil
	}
	return nil
}

// LIKE ANY / LIKE ALL (and NOT, and ILIKE) over a list of patterns, as the
// SQL parser spells them: like_any(x, p1, p2, ...). Each match is
// three-valued (a NULL pattern is unknown) and the list folds like OR
// (ANY) or AND (ALL); NOT negates each match before folding, as Spark's
// NotLikeAny/NotLikeAll do.
func init() {
	for _, fn := range []string{"like", "ilike"} {
		for _, all := range []bool{false, true} {
			for _, not := range []bool{false, true} {
				name := fn + "_any"
				if all {
					name = fn + "_all"
				}
				if not {
					name = "not_" + name
				}
				register(&FunctionInfo{Name: name, MinArgs: 2, MaxArgs: -1, Coerce: toStringArgs, Result: returnsNullable(types.Boolean),
					kernel: likeListKernel(fn == "ilike", all, not)})
			}
		}
	}
}

func likeListKernel(fold, all, not bool) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		s := c.args[0].(*array.String)
		pats := make([]*array.String, len(c.args)-1)
		for j, a := range c.args[1:] {
			pats[j] = a.(*array.String)
		}
		valid := newBitmap(c.mem, c.n, false)
		vals := newBitmap(c.mem, c.n, false)
		cache := map[string]*regexp.Regexp{}
		for i := 0; i < c.n; i++ {
			if s.IsNull(i) {
				continue
			}
			// decided: ANY found a true, ALL found a false; unknown: a NULL.
			decided, unknown := false, false
			for _, p := range pats {
				if p.IsNull(i) {
					unknown = true
					continue
				}
				pat := p.Value(i)
				re, ok := cache[pat]
				if !ok {
					var err error
					if re, err = likeRegexp(pat); err == nil && fold {
						re, err = regexp.Compile("(?i)" + re.String())
					}
					if err != nil {
						valid.buf.Release()
						vals.buf.Release()
						return nil, fmt.Errorf("expr: LIKE pattern %q: %w", pat, err)
					}
					cache[pat] = re
				}
				if m := re.MatchString(s.Value(i)) != not; m != all {
					decided = true
					break
				}
			}
			switch {
			case decided:
				valid.set(i)
				vals.setTo(i, !all)
			case !unknown:
				valid.set(i)
				vals.setTo(i, all)
			}
		}
		return boolOut(c.n, vals, valid), nil
	}
}
