package exec

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/exec/exectest"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

var sortType = types.NewStruct(types.Field("x", types.Double), types.Field("tag", types.String))

func TestSortNullOrdering(t *testing.T) {
	batches := [][][]any{
		{{2.0, "a"}, {nil, "n1"}, {math.NaN(), "nan"}},
		{{-1.0, "b"}, {2.0, "c"}, {nil, "n2"}, {math.Inf(1), "inf"}},
	}
	for _, tc := range []struct {
		name             string
		desc, nullsFirst bool
		limit            int64
		want             []string
	}{
		// Spark's defaults: ASC NULLS FIRST, DESC NULLS LAST. NaN sorts
		// above +Inf; ties keep input order (a before c).
		{"asc nulls first", false, true, -1, []string{"n1", "n2", "b", "a", "c", "inf", "nan"}},
		{"asc nulls last", false, false, -1, []string{"b", "a", "c", "inf", "nan", "n1", "n2"}},
		{"desc nulls last", true, false, -1, []string{"nan", "inf", "a", "c", "b", "n1", "n2"}},
		{"desc nulls first", true, true, -1, []string{"n1", "n2", "nan", "inf", "a", "c", "b"}},
		{"top-3 desc", true, false, 3, []string{"nan", "inf", "a"}},
		{"top-0", true, false, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, mem := testCtx(t)
			defer mem.AssertSize(t, 0)
			var in []arrow.RecordBatch
			for _, b := range batches {
				in = append(in, exectest.Batch(t, mem, sortType, b...))
			}
			defer batch.Release(in)
			s := NewSort(source(sortType, in...), []SortKey{{Expr: ref(t, sortType, 0), Desc: tc.desc, NullsFirst: tc.nullsFirst, Name: "x"}},
				tc.limit, Options{BatchSize: 2})
			var got []string
			for _, r := range rows(t, ctx, s) {
				got = append(got, r[lastComma(r)+1:])
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func lastComma(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ',' {
			return i
		}
	}
	return -1
}

func TestSortMultiKeyTopNCompacts(t *testing.T) {
	ctx, mem := testCtx(t)
	defer mem.AssertSize(t, 0)
	st := types.NewStruct(types.Field("g", types.String), types.Field("x", types.Long))
	var in []arrow.RecordBatch
	// 50 batches of 3 rows: the top-N compacts its buffer many times.
	for i := range 50 {
		in = append(in, exectest.Batch(t, mem, st, []any{"b", i}, []any{"a", i}, []any{"c", 100 - i}))
	}
	defer batch.Release(in)
	s := NewSort(source(st, in...), []SortKey{
		{Expr: ref(t, st, 0), Name: "g"},
		{Expr: ref(t, st, 1), Desc: true, Name: "x"},
	}, 4, Options{BatchSize: 4})
	got := rows(t, ctx, s)
	want := []string{"a,49", "a,48", "a,47", "a,46"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestLimitUnionDistinct(t *testing.T) {
	st := types.NewStruct(types.Field("k", types.Long), types.Field("v", types.String))
	for _, tc := range []struct {
		name  string
		build func(in []Operator) Operator
		want  []string
	}{
		{"limit across batches", func(in []Operator) Operator { return NewLimit(in[0], 3) }, []string{"1,a", "2,b", "1,a"}},
		{"limit 0", func(in []Operator) Operator { return NewLimit(in[0], 0) }, nil},
		{"limit beyond input", func(in []Operator) Operator { return NewLimit(in[0], 100) }, []string{"1,a", "2,b", "1,a", "NULL,c", "NULL,c"}},
		{"union all", func(in []Operator) Operator {
			u, err := NewUnion(in[0], in[1])
			if err != nil {
				t.Fatal(err)
			}
			return u
		}, []string{"1,a", "2,b", "1,a", "NULL,c", "NULL,c", "9,z"}},
		// NULLs are equal to each other for DISTINCT.
		{"distinct", func(in []Operator) Operator { return NewDistinct(in[0]) }, []string{"1,a", "2,b", "NULL,c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, mem := testCtx(t)
			defer mem.AssertSize(t, 0)
			a := exectest.Batch(t, mem, st, []any{1, "a"}, []any{2, "b"})
			b := exectest.Batch(t, mem, st, []any{1, "a"}, []any{nil, "c"}, []any{nil, "c"})
			c := exectest.Batch(t, mem, st, []any{9, "z"})
			defer batch.Release([]arrow.RecordBatch{a, b, c})
			got := rows(t, ctx, tc.build([]Operator{source(st, a, b), source(st, c)}))
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestProjectFilter(t *testing.T) {
	ctx, mem := testCtx(t)
	defer mem.AssertSize(t, 0)
	st := types.NewStruct(types.Field("k", types.Long), types.Field("v", types.String))
	a := exectest.Batch(t, mem, st, []any{1, "a"}, []any{nil, "b"}, []any{3, "c"})
	defer a.Release()
	// k > 1: the NULL row counts as false.
	pred := compileT(t, &expr.Binary{Op: expr.OpGt, Left: &expr.BoundRef{Index: 0, Name: "k", Type: types.Long, Nullable: true}, Right: expr.Lit(int64(1))})
	f := NewFilter(source(st, a), pred, "k > 1")
	out := types.NewStruct(types.Field("v", types.String))
	p, err := NewProject(f, []expr.Evaluator{ref(t, st, 1)}, out.ArrowSchema(), []string{"v"})
	if err != nil {
		t.Fatal(err)
	}
	if got := rows(t, ctx, p); !slices.Equal(got, []string{"c"}) {
		t.Fatalf("got %q", got)
	}
}

// TestCancellation: a cancelled context stops every operator with the
// context's error, and nothing leaks.
func TestCancellation(t *testing.T) {
	st := types.NewStruct(types.Field("k", types.Long), types.Field("v", types.String))
	for _, tc := range []struct {
		name  string
		build func(in Operator) Operator
	}{
		{"filter", func(in Operator) Operator {
			return NewFilter(in, compileT(t, &expr.Literal{Value: true, Type: types.Boolean}), "true")
		}},
		{"sort", func(in Operator) Operator { return NewSort(in, []SortKey{{Expr: ref(t, st, 0)}}, -1, Options{}) }},
		{"distinct", func(in Operator) Operator { return NewDistinct(in) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, mem := testCtx(t)
			defer mem.AssertSize(t, 0)
			a := exectest.Batch(t, mem, st, []any{1, "a"})
			defer a.Release()
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			r, err := tc.build(source(st, a)).Open(ctx)
			if err == nil {
				_, err = r.Next(ctx)
				r.Close()
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
		})
	}
}
