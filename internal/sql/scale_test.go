package sql

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ingotdata/ingot/internal/plan"
)

// scaleShapes are statements that grow along one axis: long flat lists,
// long operator chains, deep nesting (issue 15 item 4). Each builds the
// statement for size n.
var scaleShapes = []struct {
	name string
	// small is the size the fast test doubles; big the size the slow test
	// runs (behind -tags=slow).
	small, big int
	build      func(n int) string
}{
	{"in_list", 10000, 1_000_000, func(n int) string {
		var b strings.Builder
		b.WriteString("SELECT 5 IN (")
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(i))
		}
		b.WriteString(")")
		return b.String()
	}},
	{"parens", 2000, MaxNesting - 10, func(n int) string {
		return "SELECT " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n)
	}},
	{"nots", 5000, 100_000, func(n int) string { return "SELECT " + strings.Repeat("NOT ", n) + "true" }},
	{"negations", 5000, 100_000, func(n int) string { return "SELECT " + strings.Repeat("- ", n) + "x FROM VALUES (1) AS t(x)" }},
	{"plus_chain", 3000, 20_000, func(n int) string { return "SELECT 1" + strings.Repeat("+1", n-1) }},
	{"and_chain", 4000, 100_000, func(n int) string {
		return "SELECT x FROM VALUES (1) AS t(x) WHERE x = 1" + strings.Repeat(" AND x = 1", n-1)
	}},
	{"or_chain", 4000, 100_000, func(n int) string {
		return "SELECT x FROM VALUES (1) AS t(x) WHERE x = 0" + strings.Repeat(" OR x = 1", n-1)
	}},
	{"case_nesting", 1000, MaxNesting - 10, func(n int) string {
		return "SELECT " + strings.Repeat("CASE WHEN true THEN ", n) + "1" + strings.Repeat(" END", n)
	}},
	{"case_branches", 2000, 100_000, func(n int) string {
		var b strings.Builder
		b.WriteString("SELECT CASE x")
		for i := range n {
			b.WriteString(" WHEN " + strconv.Itoa(i) + " THEN 'v" + strconv.Itoa(i) + "'")
		}
		b.WriteString(" END FROM VALUES (1) AS t(x)")
		return b.String()
	}},
	{"concat_chain", 3000, 100_000, func(n int) string { return "SELECT 'a'" + strings.Repeat(" || 'a'", n-1) }},
	{"multiline_in", 10000, 1_000_000, func(n int) string {
		var b strings.Builder
		b.WriteString("SELECT 5 IN (0")
		for i := 1; i < n; i++ {
			b.WriteString(",\n" + strconv.Itoa(i))
		}
		b.WriteString(")")
		return b.String()
	}},
}

// frontEnd takes a statement through every front-end stage and runs it:
// parse, render, plan, analyze, optimize, EXPLAIN, execute.
func frontEnd(t testing.TB, text string) {
	t.Helper()
	ctx := context.Background()
	st, err := Parse(text)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if _, err := Parse(st.String()); err != nil {
		t.Fatalf("rendering does not parse: %v", err)
	}
	n, err := PlanQuery(ctx, st.(*Query), nil)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	a, err := plan.Analyze(n)
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	_ = plan.Explain(plan.Optimize(a))
	r, err := plan.Execute(ctx, n, plan.ExecOptions{Parallelism: 1, BatchSize: 1024})
	if err != nil {
		t.Fatalf("execute: %v", err)
	}
	rows := 0
	for {
		b, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		rows += int(b.NumRows())
		b.Release()
	}
	r.Close()
	if rows != 1 {
		t.Fatalf("rows = %d, want 1", rows)
	}
}

// work is the number of allocations and bytes allocated by f: unlike time
// it does not depend on the machine's load, and every quadratic path the
// front end had (re-typing subtrees, re-walking them, concatenating
// children's names) shows in it.
func work(f func()) (mallocs, bytes uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs, after.TotalAlloc - before.TotalAlloc
}

// TestFrontEndScalesLinearly doubles each shape's size and checks that
// the work of parsing, planning and running it at most about doubles
// (quadratic work would quadruple).
func TestFrontEndScalesLinearly(t *testing.T) {
	for _, s := range scaleShapes {
		t.Run(s.name, func(t *testing.T) {
			small, large := s.build(s.small), s.build(2*s.small)
			frontEnd(t, small) // warm up (function registry, caches)
			m1, b1 := work(func() { frontEnd(t, small) })
			m2, b2 := work(func() { frontEnd(t, large) })
			rm, rb := float64(m2)/float64(m1), float64(b2)/float64(b1)
			t.Logf("n=%d: %d allocs %d bytes; 2n: x%.2f allocs, x%.2f bytes", s.small, m1, b1, rm, rb)
			if rm > 2.6 || rb > 2.6 {
				t.Errorf("doubling n from %d multiplied allocations by %.2f and bytes by %.2f; want linear growth (about 2)", s.small, rm, rb)
			}
		})
	}
}

// TestNestingLimits checks that nesting past the limits is refused with
// Spark's FAILED_TO_PARSE_TOO_COMPLEX, not a fatal stack overflow, and
// that nesting up to them parses.
func TestNestingLimits(t *testing.T) {
	for _, c := range []struct {
		name string
		text string
		ok   bool
	}{
		{"parens at limit", "SELECT " + strings.Repeat("(", MaxNesting-5) + "1" + strings.Repeat(")", MaxNesting-5), true},
		{"parens past limit", "SELECT " + strings.Repeat("(", MaxNesting+1) + "1" + strings.Repeat(")", MaxNesting+1), false},
		{"100k parens", "SELECT " + strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000), false},
		{"case past limit", "SELECT " + strings.Repeat("CASE WHEN true THEN ", MaxNesting+1) + "1" + strings.Repeat(" END", MaxNesting+1), false},
		{"subqueries past limit", strings.Repeat("SELECT * FROM (", MaxNesting+1) + "SELECT 1" + strings.Repeat(")", MaxNesting+1), false},
		{"types past limit", "SELECT CAST(NULL AS " + strings.Repeat("ARRAY<", MaxNesting+1) + "INT" + strings.Repeat(">", MaxNesting+1) + ")", false},
		{"NOTs at depth limit", "SELECT " + strings.Repeat("NOT ", MaxExprDepth-1) + "true", true},
		{"NOTs past depth limit", "SELECT " + strings.Repeat("NOT ", MaxExprDepth) + "true", false},
		{"minus chain past depth limit", "SELECT 1" + strings.Repeat(" - 1", MaxExprDepth), false},
		{"chain in a subquery past depth limit", "SELECT (SELECT " + strings.Repeat("NOT ", MaxExprDepth) + "true)", false},
		{"long AND chain", "SELECT true" + strings.Repeat(" AND true", MaxExprDepth), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.text)
			if c.ok {
				if err != nil {
					t.Fatalf("parse: %v", err)
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Class != "FAILED_TO_PARSE_TOO_COMPLEX" {
				t.Fatalf("err = %v, want FAILED_TO_PARSE_TOO_COMPLEX", err)
			}
		})
	}
}

// BenchmarkFrontEnd measures parse, plan and run of each shape at its
// small size.
func BenchmarkFrontEnd(b *testing.B) {
	for _, s := range scaleShapes {
		text := s.build(s.small)
		b.Run(s.name+"/"+strconv.Itoa(s.small), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				frontEnd(b, text)
			}
		})
	}
}
