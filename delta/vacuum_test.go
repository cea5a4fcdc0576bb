package delta

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ingotdata/ingot/storage"
)

// vacuumTable builds v0 (create), v1 (append) and v2 (overwrite, which
// removes the files of v0 and v1), plus an orphan data file no commit
// references and hidden files VACUUM must ignore. It returns the keys of
// the files v2 removed.
func vacuumTable(t *testing.T, st storage.Store) (*Table, []string) {
	t.Helper()
	ctx := t.Context()
	tbl, _ := Open(ctx, st)
	for _, w := range []struct {
		from, to int
		mode     SaveMode
	}{{0, 4, ModeAppend}, {4, 6, ModeAppend}, {100, 102, ModeOverwrite}} {
		if _, err := tbl.Write(ctx, rows(w.from, w.to), WriteOptions{Mode: w.mode, PartitionBy: []string{"day"}}); err != nil {
			t.Fatal(err)
		}
	}
	v1, err := tbl.SnapshotAt(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var removed []string
	for _, f := range v1.Files() {
		k, err := decodePath(f.Path, st.URL())
		if err != nil {
			t.Fatal(err)
		}
		removed = append(removed, k)
	}
	for _, k := range []string{"part-orphan.snappy.parquet", "_tmp/leftover.parquet", ".hidden", "day=1970-01-01/.part-x.crc", "_change_data/cdc-1.parquet"} {
		if err := st.Put(ctx, k, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	removed = append(removed, "part-orphan.snappy.parquet", "_change_data/cdc-1.parquet")
	slices.Sort(removed)
	return tbl, removed
}

func hours(h float64) *float64 { return &h }

func TestVacuum(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			tbl, removed := vacuumTable(t, st)
			listing := func() []string {
				infos, err := st.List(ctx, "")
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, fi := range infos {
					out = append(out, fi.Path)
				}
				return out
			}
			all := listing()

			// Default retention (7 days): everything is too young.
			res, err := tbl.Vacuum(ctx, VacuumOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.FilesDeleted) != 0 || res.Retention != 168*time.Hour {
				t.Fatalf("default retention deleted %v (retention %v)", res.FilesDeleted, res.Retention)
			}

			// A short retention needs the check turned off.
			_, err = tbl.Vacuum(ctx, VacuumOptions{RetentionHours: hours(0)})
			if !errors.Is(err, ErrRetentionTooShort) || !strings.Contains(err.Error(), "requirement failed: Are you sure you would like to vacuum files with such a low retention period?") {
				t.Fatalf("retention 0 with the check on: %v", err)
			}

			// Dry run lists, deletes nothing, commits nothing.
			latest, _ := tbl.LatestVersion(ctx)
			all = listing()
			res, err = tbl.Vacuum(ctx, VacuumOptions{RetentionHours: hours(0), SkipRetentionCheck: true, DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.FilesDeleted, removed) {
				t.Fatalf("dry run lists\n %v\nwant\n %v", res.FilesDeleted, removed)
			}
			if v, _ := tbl.LatestVersion(ctx); v != latest || !slices.Equal(listing(), all) {
				t.Fatal("dry run changed the table")
			}

			// The real thing deletes exactly the unreferenced files.
			res, err = tbl.Vacuum(ctx, VacuumOptions{RetentionHours: hours(0), SkipRetentionCheck: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.FilesDeleted, removed) {
				t.Fatalf("deleted\n %v\nwant\n %v", res.FilesDeleted, removed)
			}
			left := listing()
			for _, k := range all {
				gone := !slices.Contains(left, k)
				if gone != slices.Contains(removed, k) && !strings.HasPrefix(k, "_delta_log/") {
					t.Errorf("%s: gone=%v", k, gone)
				}
			}
			snap, err := tbl.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := scanAll(t, snap); len(got) != 2 {
				t.Fatalf("latest version reads %v", got)
			}
			// Time travel to a vacuumed version fails naming the file.
			old, err := tbl.SnapshotAt(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			r, err := old.Scan(ctx, ScanOptions{})
			if err == nil {
				_, err = rowStrings(ctx, r)
			}
			if !errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), ".parquet") {
				t.Fatalf("reading vacuumed version 1: %v", err)
			}

			// VACUUM START and VACUUM END were committed, as Delta does.
			for i, want := range []struct {
				op     string
				param  string
				metric string
				value  string
			}{
				{"VACUUM START", "specifiedRetentionMillis", "numFilesToDelete", fmt.Sprint(len(removed))},
				{"VACUUM END", "status", "numDeletedFiles", fmt.Sprint(len(removed))},
			} {
				lines := commitJSON(t, st, latest+1+int64(i))
				ci := lines[0]["commitInfo"]
				if len(lines) != 1 || ci["operation"] != want.op {
					t.Fatalf("commit %d: %v", latest+1+int64(i), lines)
				}
				if _, ok := ci["operationParameters"].(map[string]any)[want.param]; !ok {
					t.Errorf("%s: no parameter %s: %v", want.op, want.param, ci)
				}
				if got := ci["operationMetrics"].(map[string]any)[want.metric]; got != want.value {
					t.Errorf("%s: %s = %v, want %s", want.op, want.metric, got, want.value)
				}
			}
			if want := 6; len(removed) != want {
				t.Fatalf("setup: %d removed files, want %d", len(removed), want)
			}
		})
	}
}

func TestVacuumDefaultRetentionAfterAWeek(t *testing.T) {
	ctx := t.Context()
	tbl, removed := vacuumTable(t, storage.NewMemory())
	// Eight days later the tombstones and the orphan have expired.
	res, err := tbl.Vacuum(ctx, VacuumOptions{Now: time.Now().Add(8 * 24 * time.Hour), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.FilesDeleted, removed) {
		t.Fatalf("got %v, want %v", res.FilesDeleted, removed)
	}
	// A table property shortens the retention (and the check's floor).
	if _, err := tbl.Write(ctx, rows(0, 0), WriteOptions{Properties: map[string]string{"delta.deletedFileRetentionDuration": "interval 1 hours"}}); err != nil {
		t.Fatal(err)
	}
	res, err = tbl.Vacuum(ctx, VacuumOptions{Now: time.Now().Add(2 * time.Hour), DryRun: true})
	if err != nil || !slices.Equal(res.FilesDeleted, removed) || res.Retention != time.Hour {
		t.Fatalf("1 hour retention: %v %v", res, err)
	}
}

func TestHiddenForVacuum(t *testing.T) {
	for _, tc := range []struct {
		key    string
		hidden bool
	}{
		{"part-0.parquet", false},
		{"day=1/part-0.parquet", false},
		{"deletion_vector_0d5a8c1f-0000-0000-0000-000000000000.bin", false},
		{"_change_data/cdc-0.parquet", false},
		{"_delta_log/00000000000000000000.json", true},
		{"_tmp/part-0.parquet", true},
		{".hidden", true},
		{"day=1/.part-0.parquet.crc", true},
		{"_p=1/part-0.parquet", false},
		{"_q=1/part-0.parquet", true},
		{"day=1/_committed_123", true},
	} {
		t.Run(tc.key, func(t *testing.T) {
			if got := hiddenForVacuum(tc.key, []string{"_p", "day"}); got != tc.hidden {
				t.Fatalf("hidden = %v, want %v", got, tc.hidden)
			}
		})
	}
}

func TestParseInterval(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"interval 7 days", 7 * 24 * time.Hour, false},
		{"interval 1 week", 7 * 24 * time.Hour, false},
		{"INTERVAL 30 DAYS", 30 * 24 * time.Hour, false},
		{"2 hours 30 minutes", 150 * time.Minute, false},
		{"interval 0 seconds", 0, false},
		{"interval 1 month", 0, true},
		{"interval days", 0, true},
		{"", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseInterval(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Fatalf("parseInterval(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
}

// TestVacuumDeletionVectorFiles: the DV file of a live file stays, an
// unreferenced one goes.
func TestVacuumDeletionVectorFiles(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, ids(0, 10), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	f := snap.Files()[0]
	live, orphan := uuid.New(), uuid.New()
	add := f
	add.DeletionVector = &DeletionVector{StorageType: "u", PathOrInlineDv: "ab" + encodeZ85(live[:]), Offset: ptr(int32(1)), SizeInBytes: 10, Cardinality: 1}
	body, _ := MarshalActions([]Action{
		{Protocol: &Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"deletionVectors"}, WriterFeatures: []string{"deletionVectors"}}},
		{Remove: &RemoveFile{Path: f.Path, DataChange: true}}, {Add: &add},
	})
	if err := st.PutIfAbsent(ctx, commitPath(1), body); err != nil {
		t.Fatal(err)
	}
	liveKey := "ab/deletion_vector_" + live.String() + ".bin"
	orphanKey := "deletion_vector_" + orphan.String() + ".bin"
	for _, k := range []string{liveKey, orphanKey} {
		if err := st.Put(ctx, k, []byte{1}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := tbl.Vacuum(ctx, VacuumOptions{RetentionHours: hours(0), SkipRetentionCheck: true, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.FilesDeleted, []string{orphanKey}) {
		t.Fatalf("vacuum lists %v, want only %s", res.FilesDeleted, orphanKey)
	}
}
