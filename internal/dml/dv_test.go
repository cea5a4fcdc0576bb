package dml

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/storage"
)

func TestPhysicalRows(t *testing.T) {
	bitsOf := func(ps ...int) []uint64 {
		var out []uint64
		for _, p := range ps {
			for len(out) <= p/64 {
				out = append(out, 0)
			}
			out[p/64] |= 1 << (p % 64)
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		positions []uint64
		deleted   []uint64
		want      []uint64
	}{
		{"no vector", bitsOf(0, 3, 70), nil, []uint64{0, 3, 70}},
		{"skips deleted rows", bitsOf(0, 1, 2), []uint64{0, 2}, []uint64{1, 3, 4}},
		{"deleted run before", bitsOf(0), []uint64{0, 1, 2, 3}, []uint64{4}},
		{"deleted after", bitsOf(0, 1), []uint64{5, 9}, []uint64{0, 1}},
		{"across words", bitsOf(63, 64), []uint64{10, 64, 65}, []uint64{66, 67}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := physicalRows(tc.positions, int64(len(tc.want)), tc.deleted); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// newDVTable: partitioned by grp with deletion vectors (and the change
// data feed) on; a = ids 1..6 (val = 10*id), b = ids 7, 8.
func newDVTable(t *testing.T, ctx context.Context) (*delta.Table, storage.Store) {
	t.Helper()
	st := storage.NewMemory()
	tbl, _ := delta.Open(ctx, st)
	props := map[string]string{"delta.enableDeletionVectors": "true", "delta.enableChangeDataFeed": "true"}
	for _, r := range []arrow.RecordBatch{
		rowsOf([]int64{1, 2, 3, 4, 5, 6}, "a", []int64{10, 20, 30, 40, 50, 60}),
		rowsOf([]int64{7, 8}, "b", []int64{70, 80}),
	} {
		if _, err := tbl.Write(ctx, batch.FromSlice(rowSchema, r), delta.WriteOptions{PartitionBy: []string{"grp"}, Properties: props}); err != nil {
			t.Fatal(err)
		}
	}
	return tbl, st
}

// dvLog summarizes a commit's file actions: "remove <part> dv=<card>" and
// "add <part> dv=<card>", sorted (card 0: no vector).
func dvLog(t *testing.T, ctx context.Context, st storage.Store, v int64) []string {
	t.Helper()
	name := fmt.Sprintf("_delta_log/%020d.json", v)
	body, err := st.Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	acts, err := delta.ParseActions(name, body)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range acts {
		kind, pv, dv, dataChange := "", map[string]*string(nil), (*delta.DeletionVector)(nil), false
		switch {
		case a.Add != nil:
			kind, pv, dv, dataChange = "add", a.Add.PartitionValues, a.Add.DeletionVector, a.Add.DataChange
		case a.Remove != nil:
			kind, pv, dv, dataChange = "remove", a.Remove.PartitionValues, a.Remove.DeletionVector, a.Remove.DataChange
		case a.CDC != nil:
			out = append(out, "cdc")
			continue
		default:
			continue
		}
		if !dataChange {
			t.Errorf("%s without dataChange in version %d", kind, v)
		}
		var card int64
		if dv != nil {
			card = dv.Cardinality
		}
		out = append(out, fmt.Sprintf("%s %s dv=%d", kind, *pv["grp"], card))
	}
	sort.Strings(out)
	return out
}

// TestDeletionVectorStatements runs statements in sequence on one table
// with deletion vectors: each must leave the rows, log actions, metrics
// and change data given.
func TestDeletionVectorStatements(t *testing.T) {
	ctx := context.Background()
	tbl, st := newDVTable(t, ctx)
	for _, step := range []struct {
		name    string
		run     func() (Result, error)
		rows    []string
		log     []string
		metrics map[string]string
		changes []string // id/_change_type
	}{
		{
			name: "delete adds a vector",
			run:  func() (Result, error) { return Delete(ctx, target(tbl), parse(t, "id IN (2, 4)")) },
			rows: []string{"1/a/10", "3/a/30", "5/a/50", "6/a/60", "7/b/70", "8/b/80"},
			log:  []string{"add a dv=2", "remove a dv=0"},
			metrics: map[string]string{"numDeletedRows": "2", "numCopiedRows": "0", "numAddedFiles": "0", "numRemovedFiles": "0",
				"numDeletionVectorsAdded": "1", "numDeletionVectorsUpdated": "0", "numDeletionVectorsRemoved": "0"},
			changes: []string{"2/delete", "4/delete"},
		},
		{
			// Positions after the vector: id 5 is the third row returned
			// but row 4 of the file.
			name:    "second delete merges vectors",
			run:     func() (Result, error) { return Delete(ctx, target(tbl), parse(t, "id = 5")) },
			rows:    []string{"1/a/10", "3/a/30", "6/a/60", "7/b/70", "8/b/80"},
			log:     []string{"add a dv=3", "remove a dv=2"},
			metrics: map[string]string{"numDeletedRows": "1", "numDeletionVectorsAdded": "0", "numDeletionVectorsUpdated": "1"},
			changes: []string{"5/delete"},
		},
		{
			name: "update marks old rows and writes only new ones",
			run: func() (Result, error) {
				return Update(ctx, target(tbl), []Assignment{{Column: "val", Value: parse(t, "val + 1")}}, parse(t, "id IN (6, 7)"))
			},
			rows: []string{"1/a/10", "3/a/30", "6/a/61", "7/b/71", "8/b/80"},
			log:  []string{"add a dv=0", "add a dv=4", "add b dv=0", "add b dv=1", "cdc", "cdc", "remove a dv=3", "remove b dv=0"},
			metrics: map[string]string{"numUpdatedRows": "2", "numCopiedRows": "0", "numAddedFiles": "2", "numRemovedFiles": "0",
				"numDeletionVectorsAdded": "1", "numDeletionVectorsUpdated": "1"},
			changes: []string{"6/update_preimage", "61/update_postimage", "7/update_preimage", "71/update_postimage"},
		},
		{
			name: "deleting a file's last rows removes it",
			run:  func() (Result, error) { return Delete(ctx, target(tbl), parse(t, "id IN (1, 3, 8)")) },
			rows: []string{"6/a/61", "7/b/71"},
			log:  []string{"remove a dv=4", "remove b dv=1"},
			metrics: map[string]string{"numDeletedRows": "3", "numRemovedFiles": "2", "numDeletionVectorsAdded": "0",
				"numDeletionVectorsUpdated": "0", "numDeletionVectorsRemoved": "2"},
			changes: []string{"1/delete", "3/delete", "8/delete"},
		},
		{
			name:    "deleting a whole file without a vector",
			run:     func() (Result, error) { return Delete(ctx, target(tbl), parse(t, "id = 7")) },
			rows:    []string{"6/a/61"},
			log:     []string{"remove b dv=0"},
			metrics: map[string]string{"numDeletedRows": "1", "numRemovedFiles": "1", "numDeletionVectorsRemoved": "0"},
			changes: []string{"7/delete"},
		},
	} {
		t.Run(step.name, func(t *testing.T) {
			res, err := step.run()
			if err != nil {
				t.Fatal(err)
			}
			if got := contents(t, ctx, tbl); !slices.Equal(got, step.rows) {
				t.Errorf("rows %v, want %v", got, step.rows)
			}
			if got := dvLog(t, ctx, st, res.Version); !slices.Equal(got, step.log) {
				t.Errorf("log %v, want %v", got, step.log)
			}
			checkCommit(t, ctx, st, res.Version, map[bool]string{true: "UPDATE", false: "DELETE"}[res.Updated > 0], step.metrics)
			r, err := tbl.Changes(ctx, res.Version, res.Version, []string{"id", "val"})
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
					id := b.Column(0).ValueStr(i)
					if typ := b.Column(2).ValueStr(i); typ == changePostimage {
						id = b.Column(1).ValueStr(i)
					}
					got = append(got, id+"/"+b.Column(2).ValueStr(i))
				}
			}
			sort.Strings(got)
			want := slices.Clone(step.changes)
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("changes %v, want %v", got, want)
			}
		})
	}
}

// TestDeletionVectorsNeedTheProperty: a table whose protocol supports
// deletion vectors but whose property is off stays copy-on-write.
func TestDeletionVectorsNeedTheProperty(t *testing.T) {
	ctx := context.Background()
	tbl, st := newDVTable(t, ctx)
	tx, _ := tbl.Begin(ctx)
	if err := tx.SetProperties(map[string]string{"delta.enableDeletionVectors": "false"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(ctx, "SET TBLPROPERTIES", nil); err != nil {
		t.Fatal(err)
	}
	res, err := Delete(ctx, target(tbl), parse(t, "id = 2"))
	if err != nil {
		t.Fatal(err)
	}
	if got := dvLog(t, ctx, st, res.Version); !slices.Equal(got, []string{"add a dv=0", "cdc", "remove a dv=0"}) {
		t.Fatalf("log %v: want a copy-on-write rewrite", got)
	}
}
