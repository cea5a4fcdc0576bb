package exectest

import (
	"context"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/types"
)

func TestBatchRoundTrip(t *testing.T) {
	st := types.NewStruct(
		types.Field("i", types.Integer), types.Field("l", types.Long), types.Field("d", types.Double),
		types.Field("s", types.String), types.Field("b", types.Boolean))
	for _, tc := range []struct {
		name string
		rows [][]any
		sep  string
		want []string
	}{
		{"no rows", nil, ",", nil},
		{"values", [][]any{{1, 2, 1.5, "x", true}}, ",", []string{"1,2,1.5,x,true"}},
		{"nulls and separator", [][]any{{nil, nil, nil, nil, nil}, {-1, 7, 0.0, "", false}}, " | ",
			[]string{"NULL | NULL | NULL | NULL | NULL", "-1 | 7 | 0 |  | false"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)
			rec := Batch(t, mem, st, tc.rows...)
			r := batch.FromSlice(st.ArrowSchema(), rec)
			defer r.Close()
			got, err := Rows(context.Background(), r, tc.sep)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
