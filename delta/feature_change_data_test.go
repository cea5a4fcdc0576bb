package delta

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ingotdata/ingot/storage"
)

// TestChangeDataFeedWrite: enabling the change data feed at create gives
// writer version 4; appends carry no cdc files; cdc files written with
// WriteChangeFiles and committed through WriteOptions.ChangeFiles are
// what Changes reads for their version, instead of the adds.
func TestChangeDataFeedWrite(t *testing.T) {
	for _, mapping := range []string{"none", "name"} {
		t.Run("mapping "+mapping, func(t *testing.T) {
			ctx := t.Context()
			st := storage.NewMemory()
			tbl, _ := Open(ctx, st)
			props := map[string]string{"delta.enableChangeDataFeed": "true", "delta.columnMapping.mode": mapping}
			if _, err := tbl.Write(ctx, idsAndParts([]int64{1, 2}, []string{"a", "b"}), WriteOptions{Properties: props, PartitionBy: []string{"p"}}); err != nil {
				t.Fatal(err)
			}
			want := `{"minReaderVersion":1,"minWriterVersion":4}`
			if mapping == "name" {
				want = `{"minReaderVersion":2,"minWriterVersion":5}`
			}
			c := commitOf(t, st, 0)
			wantProtocol(t, c.protocol, want)
			if len(c.cdcs) != 0 {
				t.Fatalf("append wrote cdc actions %v", c.cdcs)
			}

			// Version 1 stands for an UPDATE of id 2 (b -> c): its changes
			// come only from the cdc files.
			pre, err := tbl.WriteChangeFiles(ctx, idsAndParts([]int64{2}, []string{"b"}), ChangeUpdatePreimage, nil)
			if err != nil {
				t.Fatal(err)
			}
			post, err := tbl.WriteChangeFiles(ctx, idsAndParts([]int64{2}, []string{"c"}), ChangeUpdatePostimage, []string{"p"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tbl.Write(ctx, idsAndParts([]int64{2}, []string{"c"}), WriteOptions{ChangeFiles: append(pre, post...)}); err != nil {
				t.Fatal(err)
			}
			c1 := commitOf(t, st, 1)
			if len(c1.cdcs) != 2 {
				t.Fatalf("commit 1 has %d cdc actions, want 2", len(c1.cdcs))
			}
			snap, _ := tbl.Snapshot(ctx)
			pkey := physicalName(snap.Schema().Fields[1])
			for i, cdc := range c1.cdcs {
				v := []string{"b", "c"}[i]
				if cdc.DataChange || cdc.Size <= 0 || cdc.PartitionValues[pkey] == nil || *cdc.PartitionValues[pkey] != v {
					t.Fatalf("cdc action %+v, want dataChange=false, a size and partition %s=%s", cdc, pkey, v)
				}
				if !strings.HasPrefix(cdc.Path, "_change_data/"+pkey+"="+v+"/cdc-") {
					t.Fatalf("cdc path %s not under _change_data/%s=%s/", cdc.Path, pkey, v)
				}
			}
			r, err := tbl.Changes(ctx, 0, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rowStrings(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			for i, row := range got {
				got[i] = row[:strings.LastIndex(row, " | ")] // drop _commit_timestamp
			}
			wantRows := []string{"1 | a | insert | 0", "2 | b | insert | 0", "2 | b | update_preimage | 1", "2 | c | update_postimage | 1"}
			if !reflect.DeepEqual(got, wantRows) {
				t.Fatalf("changes %q, want %q", got, wantRows)
			}
		})
	}
}

func TestWriteChangeFilesErrors(t *testing.T) {
	ctx := t.Context()
	tbl, _ := Open(ctx, storage.NewMemory())
	if _, err := tbl.WriteChangeFiles(ctx, ids(0, 1), ChangeInsert, nil); !errors.Is(err, ErrNotATable) {
		t.Fatalf("no table: %v", err)
	}
	if _, err := tbl.Write(ctx, idsAndParts([]int64{1}, []string{"a"}), WriteOptions{PartitionBy: []string{"p"}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, changeType string
		partitionBy      []string
		want             error
	}{
		{"unknown change type", "upsert", nil, nil},
		{"other partitioning", ChangeDelete, []string{"id"}, ErrSchemaMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tbl.WriteChangeFiles(ctx, idsAndParts([]int64{1}, []string{"a"}), tc.changeType, tc.partitionBy)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("got %v, want an error (%v)", err, tc.want)
			}
		})
	}
}
