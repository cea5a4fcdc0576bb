package dml

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// TestStageDeleteThenAppend: a staged delete and an append commit as one
// version (what replaceWhere does) on plain, deletion-vector and change
// feed tables; the change feed of that version holds both sides.
func TestStageDeleteThenAppend(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		props   map[string]string
		where   string
		want    []string
		changes []string // id/_change_type of the commit, with a change feed
	}{
		{"rewrite", nil, "id = 1", []string{"2/a/NULL", "3/b/30", "4/b/40", "7/a/70"}, nil},
		{"whole partition", nil, "grp = 'b'", []string{"1/a/10", "2/a/NULL", "7/a/70"}, nil},
		{"nothing matches", nil, "id = 99", []string{"1/a/10", "2/a/NULL", "3/b/30", "4/b/40", "7/a/70"}, nil},
		{"deletion vectors", map[string]string{"delta.enableDeletionVectors": "true"}, "id = 1", []string{"2/a/NULL", "3/b/30", "4/b/40", "7/a/70"}, nil},
		{"change feed", map[string]string{"delta.enableChangeDataFeed": "true"}, "id = 1", []string{"2/a/NULL", "3/b/30", "4/b/40", "7/a/70"},
			[]string{"1/delete", "7/insert"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storage.NewMemory()
			tbl, _ := delta.Open(ctx, st)
			for _, r := range []arrow.RecordBatch{rowsOf([]int64{1, 2}, "a", []int64{10, -1}), rowsOf([]int64{3, 4}, "b", []int64{30, 40})} {
				if _, err := tbl.Write(ctx, batch.FromSlice(rowSchema, r), delta.WriteOptions{PartitionBy: []string{"grp"}, Properties: tc.props}); err != nil {
					t.Fatal(err)
				}
			}
			tx, err := tbl.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tgt := target(tbl)
			del, err := StageDelete(ctx, tx, tgt, parse(t, tc.where))
			if err != nil {
				t.Fatal(err)
			}
			_, rows, err := StageAppend(ctx, tx, tgt, del, batch.FromSlice(rowSchema, rowsOf([]int64{7}, "a", []int64{70})), nil)
			if err != nil {
				t.Fatal(err)
			}
			if rows != 1 {
				t.Fatalf("appended %d rows, want 1", rows)
			}
			v, err := tx.Commit(ctx, "WRITE", map[string]string{"predicate": tc.where})
			if err != nil {
				t.Fatal(err)
			}
			if v != 2 {
				t.Fatalf("committed version %d, want 2", v)
			}
			if got := contents(t, ctx, tbl); strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("rows %v, want %v", got, tc.want)
			}
			if tc.changes == nil {
				return
			}
			r, err := tbl.Changes(ctx, v, v, []string{"id"})
			if err != nil {
				t.Fatal(err)
			}
			bs, err := batch.ReadAll(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			defer batch.Release(bs)
			var got []string
			for _, b := range bs {
				for i := 0; i < int(b.NumRows()); i++ {
					got = append(got, b.Column(0).ValueStr(i)+"/"+b.Column(1).ValueStr(i))
				}
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tc.changes, " ") {
				t.Fatalf("changes %v, want %v", got, tc.changes)
			}
		})
	}
}

func TestPredicateCheck(t *testing.T) {
	ctx := context.Background()
	schema, _ := types.FromArrowSchema(rowSchema)
	for _, tc := range []struct {
		name, pred, wantErr string
	}{
		{"all rows match", "id >= 1", ""},
		{"false row", "id < 2", "[DELTA_REPLACE_WHERE_MISMATCH] Written data does not conform to partial table overwrite condition or constraint 'id < 2'. Row with values: id : 2"},
		{"null is a mismatch", "val > 0", "Row with values: val : null"},
		{"not boolean", "id + 1", "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN]"},
		{"unknown column", "nope = 1", "[UNRESOLVED_COLUMN.WITH_SUGGESTION]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := func() error {
				c, err := NewPredicateCheck(schema, tc.pred, parse(t, tc.pred))
				if err != nil {
					return err
				}
				r := c.Reader(batch.FromSlice(rowSchema, rowsOf([]int64{1, 2}, "a", []int64{10, -1})))
				defer r.Close()
				bs, err := batch.ReadAll(ctx, r)
				batch.Release(bs)
				return err
			}()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}
