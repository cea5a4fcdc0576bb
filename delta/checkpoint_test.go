package delta

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ingotdata/ingot/storage"
)

// TestCheckpointRoundTrip writes past delta.checkpointInterval, then drops
// the JSON commits the checkpoint covers: the snapshot must come out of the
// checkpoint alone, identical to the one replayed from JSON.
func TestCheckpointRoundTrip(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	for i := 0; i < 12; i++ {
		opts := WriteOptions{PartitionBy: []string{"day"}, TxnAppID: "q", TxnVersion: int64(i)}
		if i == 4 {
			opts.Mode = ModeOverwrite
		}
		if _, err := tbl.Write(ctx, rows(i*10, i*10+3), opts); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := tbl.Snapshot(ctx)
	wantRows := scanAll(t, before)
	if _, err := st.Stat(ctx, "_delta_log/00000000000000000010.checkpoint.parquet"); err != nil {
		t.Fatalf("no checkpoint at 10: %v", err)
	}
	last, err := st.Get(ctx, "_delta_log/_last_checkpoint")
	if err != nil || !strings.Contains(string(last), `"version":10`) {
		t.Fatalf("_last_checkpoint %s %v", last, err)
	}
	for v := 0; v <= 10; v++ {
		if err := st.Delete(ctx, fmt.Sprintf("_delta_log/%020d.json", v)); err != nil {
			t.Fatal(err)
		}
	}
	after, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := scanAll(t, after); strings.Join(got, "\n") != strings.Join(wantRows, "\n") {
		t.Fatalf("rows from checkpoint differ:\n%v\nwant\n%v", got, wantRows)
	}
	if v, ok := after.AppTransactionVersion("q"); !ok || v != 11 {
		t.Fatalf("txn from checkpoint: %d %v", v, ok)
	}
	if after.Metadata().ID != before.Metadata().ID || strings.Join(after.PartitionColumns(), ",") != "day" {
		t.Fatalf("metadata from checkpoint: %+v", after.Metadata())
	}
	if len(after.removes) == 0 {
		t.Fatal("checkpoint lost the overwrite's tombstones")
	}
	if _, err := tbl.SnapshotAt(ctx, 5); !errors.Is(err, ErrVersionNotFound) {
		t.Fatalf("version 5 after cleanup: %v", err)
	}
	// A corrupt hint must not break reading.
	if err := st.Put(ctx, "_delta_log/_last_checkpoint", []byte("{garbage")); err != nil {
		t.Fatal(err)
	}
	if s, err := tbl.Snapshot(ctx); err != nil || s.Version() != 11 {
		t.Fatalf("with corrupt _last_checkpoint: %v", err)
	}
}

// TestCheckpointFileActionsRoundTrip: every field of add and remove
// actions survives the column-wise checkpoint writer and reader.
func TestCheckpointFileActionsRoundTrip(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, rows(0, 2), WriteOptions{PartitionBy: []string{"day"}}); err != nil {
		t.Fatal(err)
	}
	base, _ := tbl.Snapshot(ctx)
	day := "1970-01-02"
	del := int64(1700000000000)
	size := int64(42)
	files := []AddFile{
		{Path: "day=1970-01-02/a.parquet", PartitionValues: map[string]*string{"day": &day}, Size: 10, ModificationTime: 5, DataChange: true,
			Stats: `{"numRecords":3}`, Tags: map[string]string{"INSERTION_TIME": "1"}, BaseRowID: ptr(int64(7)), DefaultRowCommitVersion: ptr(int64(2)),
			DeletionVector: &DeletionVector{StorageType: "u", PathOrInlineDv: "ab^-aqEH.-t@S}K{vb[*k^", Offset: ptr(int32(1)), SizeInBytes: 36, Cardinality: 2}},
		{Path: "day=__HIVE_DEFAULT_PARTITION__/b%20c.parquet", PartitionValues: map[string]*string{"day": nil}, Size: 11, ClusteringProvider: "liquid"},
	}
	removes := map[fileKey]*RemoveFile{
		{"old.parquet", ""}: {Path: "old.parquet", DeletionTimestamp: &del, DataChange: true, ExtendedFileMetadata: true, Size: &size,
			PartitionValues: map[string]*string{"day": &day}, Tags: map[string]string{"k": "v"}},
	}
	snap := &Snapshot{table: tbl, version: base.Version(), protocol: base.protocol, metadata: base.metadata, schema: base.schema,
		files: files, txns: map[string]Txn{}, removes: removes, domains: map[string]DomainMetadata{}}
	// Keep the tombstone inside the retention window.
	now := time.Now().UnixMilli()
	removes[fileKey{"old.parquet", ""}].DeletionTimestamp = &now
	if err := snap.WriteCheckpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, commitPath(0)); err != nil {
		t.Fatal(err)
	}
	got, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := jsonString(got.Files()), jsonString(files); g != w {
		t.Fatalf("adds differ:\n got %s\nwant %s", g, w)
	}
	wantRm := *removes[fileKey{"old.parquet", ""}]
	wantRm.DataChange = false
	if g, w := jsonString(got.removes[fileKey{"old.parquet", ""}]), jsonString(&wantRm); g != w {
		t.Fatalf("remove differs:\n got %s\nwant %s", g, w)
	}
}

// TestSortFiles covers the sorted-prefix merge of replay's file order.
func TestSortFiles(t *testing.T) {
	mk := func(paths ...string) []AddFile {
		out := make([]AddFile, len(paths))
		for i, p := range paths {
			out[i] = AddFile{Path: p}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		in   []AddFile
	}{
		{"empty", nil},
		{"sorted", mk("a", "b", "c")},
		{"sorted prefix, unsorted tail", mk("b", "d", "f", "h", "j", "e", "a", "k")},
		{"short prefix", mk("z", "a", "y", "b", "x")},
		{"duplicates", mk("a", "c", "c", "e", "c", "a")},
		{"same path, different DVs", []AddFile{{Path: "a", DeletionVector: &DeletionVector{StorageType: "i", PathOrInlineDv: "2"}}, {Path: "a"}, {Path: "b"}, {Path: "a", DeletionVector: &DeletionVector{StorageType: "i", PathOrInlineDv: "1"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := slices.Clone(tc.in)
			slices.SortFunc(want, compareFiles)
			got := slices.Clone(tc.in)
			sortFiles(got)
			if jsonString(got) != jsonString(want) {
				t.Fatalf("got %s\nwant %s", jsonString(got), jsonString(want))
			}
		})
	}
}
