package exec

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/exec/exectest"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// failing is an evaluator that fails on batches whose first key is bad.
type failing struct {
	expr.Evaluator
	bad int64
}

func (f failing) Eval(ctx context.Context, rec arrow.RecordBatch) (arrow.Array, error) {
	if rec.Column(0).ValueStr(0) == strconv.FormatInt(f.bad, 10) {
		return nil, errors.New("boom")
	}
	return f.Evaluator.Eval(ctx, rec)
}

func TestParallel(t *testing.T) {
	st := types.NewStruct(types.Field("k", types.Long), types.Field("v", types.String))
	out := types.NewStruct(types.Field("k", types.Long))
	for _, tc := range []struct {
		name    string
		workers int
		bad     int64 // first key of the batch whose evaluation fails; -1 none
		stopAt  int   // close after this many rows; -1 read all
	}{
		{"order kept", 4, -1, -1},
		{"one worker", 1, -1, -1},
		{"error surfaces", 3, 50, -1},
		{"early close", 4, -1, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, mem := testCtx(t)
			defer mem.AssertSize(t, 0)
			var in []arrow.RecordBatch
			for i := range 100 {
				in = append(in, exectest.Batch(t, mem, st, []any{i, "x"}))
			}
			defer batch.Release(in)
			var ev expr.Evaluator = failing{ref(t, st, 0), tc.bad}
			p, err := NewParallel(source(st, in...), tc.workers, func(src Operator) (Operator, error) {
				return NewProject(src, []expr.Evaluator{ev}, out.ArrowSchema(), []string{"k"})
			})
			if err != nil {
				t.Fatal(err)
			}
			r, err := p.Open(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for tc.stopAt < 0 || len(got) < tc.stopAt {
				b, err := r.Next(ctx)
				if err != nil {
					if tc.bad >= 0 && err.Error() == "exec: project: boom" {
						break
					}
					if err.Error() == "EOF" {
						break
					}
					t.Fatal(err)
				}
				got = append(got, b.Column(0).ValueStr(0))
				b.Release()
			}
			r.Close()
			want := 100
			switch {
			case tc.bad >= 0:
				want = int(tc.bad)
			case tc.stopAt >= 0:
				want = tc.stopAt
			}
			var exp []string
			for i := range want {
				exp = append(exp, fmt.Sprint(i))
			}
			if !slices.Equal(got, exp) {
				t.Fatalf("got %q, want %q", got, exp)
			}
		})
	}
}
