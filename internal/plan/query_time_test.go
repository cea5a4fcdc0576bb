package plan

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/internal/exec/exectest"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// Every evaluator of one execution sees the query's start time: a union's
// branches compile separately, yet current_timestamp() and current_date()
// agree across them and with the time the caller fixed.
func TestExecuteSharesQueryTime(t *testing.T) {
	st := types.NewStruct(types.Field("x", types.Integer))
	rows := exectest.Batch(t, memory.DefaultAllocator, st, []any{1}, []any{2})
	defer rows.Release()
	branch := func() Node {
		return &Project{Input: &LocalRelation{Struct: st, Batches: []arrow.RecordBatch{rows}},
			Exprs: []expr.Expr{alias(call("current_timestamp"), "ts"), alias(call("now"), "n"), alias(call("current_date"), "d")}}
	}
	var branches []Node
	for range 20 {
		branches = append(branches, branch())
	}
	union := &Union{Inputs: branches, All: true}
	fixed := time.Date(2024, 2, 29, 13, 14, 15, 500000000, time.UTC)
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want string // every row; "" = any, as long as all agree
	}{
		{"caller fixes the time", expr.WithQueryTime(context.Background(), fixed), "2024-02-29T13:14:15.5Z | 2024-02-29T13:14:15.5Z | 2024-02-29"},
		{"Execute fixes the time", context.Background(), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Execute(tc.ctx, union, ExecOptions{Parallelism: 2})
			if err != nil {
				t.Fatal(err)
			}
			out, err := formatRows(tc.ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")[1:]
			if len(lines) != 40 {
				t.Fatalf("%d rows, want 40:\n%s", len(lines), out)
			}
			want := tc.want
			if want == "" {
				want = lines[0]
				if f := strings.Split(want, " | "); f[0] != f[1] {
					t.Errorf("current_timestamp %s and now %s differ", f[0], f[1])
				}
			}
			for _, l := range lines {
				if l != want {
					t.Fatalf("row %q, want %q", l, want)
				}
			}
		})
	}
}
