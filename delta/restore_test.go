package delta

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ingotdata/ingot/storage"
)

func TestRestore(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			tbl, _ := vacuumTable(t, st) // v0 create, v1 append, v2 overwrite
			v1, _ := tbl.SnapshotAt(ctx, 1)
			v2, _ := tbl.SnapshotAt(ctx, 2)
			want := sortedRows(t, v1)

			m, err := tbl.Restore(ctx, RestoreOptions{Version: 1})
			if err != nil {
				t.Fatal(err)
			}
			if m.Version != 3 || m.RestoredVersion != 1 || m.NumRestoredFiles != int64(len(v1.Files())) || m.NumRemovedFiles != int64(len(v2.Files())) ||
				m.NumOfFilesAfterRestore != int64(len(v1.Files())) {
				t.Fatalf("metrics %+v", m)
			}
			var size int64
			for _, f := range v1.Files() {
				size += f.Size
			}
			if m.TableSizeAfterRestore != size || m.RestoredFilesSize != size {
				t.Fatalf("sizes %+v, want %d", m, size)
			}
			now, _ := tbl.Snapshot(ctx)
			if got := sortedRows(t, now); !slices.Equal(got, want) {
				t.Fatalf("after restore\n got %v\nwant %v", got, want)
			}

			h, err := tbl.History(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if h[0].Info["operation"] != "RESTORE" {
				t.Fatalf("history %v", h[0].Info)
			}
			lines := commitJSON(t, st, 3)
			ci := lines[0]["commitInfo"]
			if p := ci["operationParameters"].(map[string]any); p["version"] != float64(1) {
				t.Fatalf("operationParameters %v", p)
			}
			metrics := ci["operationMetrics"].(map[string]any)
			for _, k := range []string{"tableSizeAfterRestore", "numOfFilesAfterRestore", "numRemovedFiles", "numRestoredFiles", "removedFilesSize", "restoredFilesSize"} {
				if _, ok := metrics[k]; !ok {
					t.Errorf("operationMetrics lacks %s: %v", k, metrics)
				}
			}
			for _, l := range lines[1:] {
				for kind, a := range l {
					if (kind == "add" || kind == "remove") && a["dataChange"] != true {
						t.Errorf("%s %v: want dataChange=true", kind, a)
					}
					if kind == "metaData" || kind == "protocol" {
						t.Errorf("unexpected %s action: metadata did not change", kind)
					}
				}
			}

			// Restoring the version the table already has changes nothing
			// but still commits, as in Delta.
			m, err = tbl.Restore(ctx, RestoreOptions{Version: 3})
			if err != nil || m.NumRemovedFiles != 0 || m.NumRestoredFiles != 0 {
				t.Fatalf("restore to current: %+v %v", m, err)
			}
		})
	}
}

func TestRestoreByTimestamp(t *testing.T) {
	ctx := t.Context()
	tbl, _ := vacuumTable(t, storage.NewMemory())
	h, err := tbl.History(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	v0 := h[len(h)-1]
	m, err := tbl.Restore(ctx, RestoreOptions{Timestamp: v0.Timestamp})
	if err != nil {
		t.Fatal(err)
	}
	if m.RestoredVersion != 0 {
		t.Fatalf("restored version %d, want 0", m.RestoredVersion)
	}
	s0, _ := tbl.SnapshotAt(ctx, 0)
	now, _ := tbl.Snapshot(ctx)
	if !slices.Equal(sortedRows(t, now), sortedRows(t, s0)) {
		t.Fatal("rows differ from version 0")
	}
	ci := commitJSON(t, tbl.Store(), m.Version)[0]["commitInfo"]
	if p := ci["operationParameters"].(map[string]any); p["timestamp"] == nil {
		t.Fatalf("operationParameters %v", p)
	}
}

func TestRestoreMetadata(t *testing.T) {
	ctx := t.Context()
	tbl, _ := Open(ctx, storage.NewMemory())
	if _, err := tbl.Write(ctx, ids(0, 3), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Write(ctx, rows(10, 12), WriteOptions{MergeSchema: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Restore(ctx, RestoreOptions{Version: 0}); err != nil {
		t.Fatal(err)
	}
	now, _ := tbl.Snapshot(ctx)
	old, _ := tbl.SnapshotAt(ctx, 0)
	if now.Metadata().SchemaString != old.Metadata().SchemaString {
		t.Fatalf("schema not restored: %s", now.Metadata().SchemaString)
	}
	if got := sortedRows(t, now); !slices.Equal(got, sortedRows(t, old)) {
		t.Fatalf("rows %v", got)
	}
}

func TestRestoreErrors(t *testing.T) {
	for _, tc := range []struct {
		name       string
		vacuum     bool
		appendOnly bool
		opts       RestoreOptions
		wantErr    error
		text       string
	}{
		{"append-only table", false, true, RestoreOptions{Version: 0}, ErrUnsupportedFeature, "[DELTA_CANNOT_MODIFY_APPEND_ONLY]"},
		{"version after latest", false, false, RestoreOptions{Version: 99}, ErrVersionNotFound, "[DELTA_CANNOT_RESTORE_TABLE_VERSION] cannot restore table to version 99; available versions: [0, 2]"},
		{"negative version", false, false, RestoreOptions{Version: -1}, ErrVersionNotFound, "[DELTA_CANNOT_RESTORE_TABLE_VERSION]"},
		{"files vacuumed", true, false, RestoreOptions{Version: 1}, ErrRestoreFilesMissing, "[DELTA_CANNOT_RESTORE_MISSING_FILES] not all files of version 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			tbl, _ := vacuumTable(t, storage.NewMemory())
			if tc.appendOnly {
				if _, err := tbl.Write(ctx, rows(0, 0), WriteOptions{Properties: map[string]string{"delta.appendOnly": "true"}}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.vacuum {
				if _, err := tbl.Vacuum(ctx, VacuumOptions{RetentionHours: hours(0), SkipRetentionCheck: true}); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := tbl.LatestVersion(ctx)
			_, err := tbl.Restore(ctx, tc.opts)
			if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.wantErr, tc.text)
			}
			if after, _ := tbl.LatestVersion(ctx); after != before {
				t.Fatalf("a failed restore committed version %d", after)
			}
		})
	}
}
