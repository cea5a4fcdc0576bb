package exec

import (
	"slices"
	"testing"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/exec/exectest"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

var (
	leftType  = types.NewStruct(types.Field("k", types.Long), types.Field("lv", types.String))
	rightType = types.NewStruct(types.Field("k", types.Long), types.Field("rv", types.String))
)

func TestHashJoinTypes(t *testing.T) {
	inner := []string{"1,a,1,x", "1,a,1,y"}
	leftOnly := []string{"2,b,NULL,NULL", "NULL,c,NULL,NULL", "3,d,NULL,NULL"}
	rightOnly := []string{"NULL,NULL,NULL,z", "NULL,NULL,4,w"}
	for _, tc := range []struct {
		name string
		typ  JoinType
		want []string
	}{
		{"inner", InnerJoin, inner},
		{"left-outer", LeftOuterJoin, append(slices.Clone(inner), leftOnly...)},
		{"right-outer", RightOuterJoin, append(slices.Clone(inner), rightOnly...)},
		{"full-outer", FullOuterJoin, append(append(slices.Clone(inner), leftOnly...), rightOnly...)},
		{"left-semi", LeftSemiJoin, []string{"1,a"}},
		{"left-anti", LeftAntiJoin, []string{"2,b", "NULL,c", "3,d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, mem := testCtx(t)
			defer mem.AssertSize(t, 0)
			// NULL keys on both sides must never match each other.
			l1 := exectest.Batch(t, mem, leftType, []any{1, "a"}, []any{2, "b"})
			l2 := exectest.Batch(t, mem, leftType, []any{nil, "c"}, []any{3, "d"})
			r1 := exectest.Batch(t, mem, rightType, []any{1, "x"}, []any{nil, "z"})
			r2 := exectest.Batch(t, mem, rightType, []any{1, "y"}, []any{4, "w"})
			defer func() {
				for _, r := range []interface{ Release() }{l1, l2, r1, r2} {
					r.Release()
				}
			}()
			j, err := NewHashJoin(source(leftType, l1, l2), source(rightType, r1, r2), tc.typ,
				[]expr.Evaluator{ref(t, leftType, 0)}, []expr.Evaluator{ref(t, rightType, 0)}, nil, "")
			if err != nil {
				t.Fatal(err)
			}
			got := rows(t, ctx, j)
			if !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Fatalf("got %q\nwant %q", sorted(got), sorted(tc.want))
			}
		})
	}
}

func TestHashJoinStringKeysAndResidual(t *testing.T) {
	lt := types.NewStruct(types.Field("a", types.String), types.Field("b", types.Long), types.Field("x", types.Long))
	rt := types.NewStruct(types.Field("a", types.String), types.Field("b", types.Long), types.Field("y", types.Long))
	for _, tc := range []struct {
		name     string
		typ      JoinType
		residual bool
		want     []string
	}{
		{"two-keys", InnerJoin, false, []string{"p,1,10,p,1,5", "p,1,10,p,1,50", "q,2,20,q,2,7"}},
		{"residual x<y", InnerJoin, true, []string{"p,1,10,p,1,50"}},
		// A left row whose only candidates fail the residual is unmatched.
		{"left-outer residual", LeftOuterJoin, true, []string{"p,1,10,p,1,50", "q,2,20,NULL,NULL,NULL", "p,2,30,NULL,NULL,NULL"}},
		{"anti residual", LeftAntiJoin, true, []string{"q,2,20", "p,2,30"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, mem := testCtx(t)
			defer mem.AssertSize(t, 0)
			l := exectest.Batch(t, mem, lt, []any{"p", 1, 10}, []any{"q", 2, 20}, []any{"p", 2, 30})
			r := exectest.Batch(t, mem, rt, []any{"p", 1, 5}, []any{"q", 2, 7}, []any{"p", 1, 50}, []any{"q", 1, 99})
			defer l.Release()
			defer r.Release()
			var res expr.Evaluator
			if tc.residual {
				// x < y over left ++ right columns: x is #2, y is #5.
				res = compileT(t, &expr.Binary{Op: expr.OpLt,
					Left:  &expr.BoundRef{Index: 2, Name: "x", Type: types.Long, Nullable: true},
					Right: &expr.BoundRef{Index: 5, Name: "y", Type: types.Long, Nullable: true}})
			}
			j, err := NewHashJoin(source(lt, l), source(rt, r), tc.typ,
				[]expr.Evaluator{ref(t, lt, 0), ref(t, lt, 1)}, []expr.Evaluator{ref(t, rt, 0), ref(t, rt, 1)}, res, "x < y")
			if err != nil {
				t.Fatal(err)
			}
			got := rows(t, ctx, j)
			if !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Fatalf("got %q\nwant %q", sorted(got), sorted(tc.want))
			}
		})
	}
}

func TestHashJoinCross(t *testing.T) {
	ctx, mem := testCtx(t)
	defer mem.AssertSize(t, 0)
	l := exectest.Batch(t, mem, leftType, []any{1, "a"}, []any{2, "b"})
	r := exectest.Batch(t, mem, rightType, []any{7, "x"}, []any{8, "y"}, []any{9, "z"})
	defer l.Release()
	defer r.Release()
	j, err := NewHashJoin(source(leftType, l), source(rightType, r), CrossJoin, nil, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := rows(t, ctx, j); len(got) != 6 {
		t.Fatalf("cross join gave %d rows, want 6: %q", len(got), got)
	}
}

// TestHashJoinFanOutIsChunked: a probe batch matching many build rows is
// emitted in bounded batches, none lost.
func TestHashJoinFanOutIsChunked(t *testing.T) {
	ctx, mem := testCtx(t)
	defer mem.AssertSize(t, 0)
	probe := keyBatches(mem, leftType, 1000, 1) // 1000 rows, key 0
	build := keyBatches(mem, rightType, 100, 1) // 100 rows, key 0
	defer batch.Release(probe)
	defer batch.Release(build)
	j, err := NewHashJoin(source(leftType, probe...), source(rightType, build...), InnerJoin,
		[]expr.Evaluator{ref(t, leftType, 0)}, []expr.Evaluator{ref(t, rightType, 0)}, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := j.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var total, batches int64
	for {
		b, err := r.Next(ctx)
		if err != nil {
			break
		}
		if b.NumRows() > maxJoinBatch {
			t.Errorf("batch of %d rows exceeds %d", b.NumRows(), maxJoinBatch)
		}
		total += b.NumRows()
		batches++
		b.Release()
	}
	if total != 100_000 || batches < 4 {
		t.Fatalf("%d rows in %d batches, want 100000 in >= 4", total, batches)
	}
}
