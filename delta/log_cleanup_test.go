package delta

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ingotdata/ingot/storage"
)

// logTable writes versions 0..4 with a checkpoint every 2 commits (at 2
// and 4) on the local file system, whose modification times the test can
// move back.
func logTable(t *testing.T, props map[string]string) (*Table, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := storage.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	tbl, _ := Open(t.Context(), st)
	p := map[string]string{"delta.checkpointInterval": "2"}
	for k, v := range props {
		p[k] = v
	}
	for i := 0; i < 5; i++ {
		o := WriteOptions{}
		if i == 0 {
			o.Properties = p
		}
		if _, err := tbl.Write(t.Context(), ids(int64(i), int64(i+1)), o); err != nil {
			t.Fatal(err)
		}
	}
	return tbl, dir
}

func logFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "_delta_log"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// age sets the modification time of the log files of versions <= upTo.
func age(t *testing.T, dir string, upTo int64, when time.Time) {
	t.Helper()
	for _, name := range logFiles(t, dir) {
		if v, ok := expirableLogVersion(name); ok && v <= upTo {
			if err := os.Chtimes(filepath.Join(dir, "_delta_log", name), when, when); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestCleanupExpiredLogs(t *testing.T) {
	const (
		c0 = "00000000000000000000.json"
		c1 = "00000000000000000001.json"
		c2 = "00000000000000000002.json"
		k2 = "00000000000000000002.checkpoint.parquet"
		c3 = "00000000000000000003.json"
		c4 = "00000000000000000004.json"
		k4 = "00000000000000000004.checkpoint.parquet"
	)
	all := []string{c0, c1, c2, k2, c3, c4, k4, "_last_checkpoint"}
	slices.Sort(all)
	now := time.Now()
	for _, tc := range []struct {
		name     string
		props    map[string]string
		agedUpTo int64 // versions whose files are 40 days old
		now      time.Time
		want     []string // log files left
		readable int64    // oldest version that must still load
	}{
		{name: "all fresh", agedUpTo: -1, now: now, want: all, readable: 0},
		{name: "old commits before a kept checkpoint", agedUpTo: 2, now: now, want: []string{c2, k2, c3, c4, k4, "_last_checkpoint"}, readable: 2},
		{name: "versions 0-1 expired, 2 is checkpointed", agedUpTo: 1, now: now, want: []string{c2, k2, c3, c4, k4, "_last_checkpoint"}, readable: 2},
		{name: "version 0 expired, no checkpoint at or below 1", agedUpTo: 0, now: now, want: all, readable: 0},
		{name: "everything expired", agedUpTo: 4, now: now, want: []string{c4, k4, "_last_checkpoint"}, readable: 4},
		{name: "cleanup disabled", props: map[string]string{"delta.enableExpiredLogCleanup": "false"}, agedUpTo: 4, now: now, want: all, readable: 0},
		{name: "longer retention", props: map[string]string{"delta.logRetentionDuration": "interval 60 days"}, agedUpTo: 4, now: now, want: all, readable: 0},
		{name: "clock moved past a short retention", props: map[string]string{"delta.logRetentionDuration": "interval 1 hours"}, agedUpTo: -1, now: now.Add(2 * time.Hour), want: []string{c4, k4, "_last_checkpoint"}, readable: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			tbl, dir := logTable(t, tc.props)
			if got := logFiles(t, dir); !slices.Equal(got, all) {
				t.Fatalf("setup: checkpoint hook already cleaned: %v", got)
			}
			age(t, dir, tc.agedUpTo, now.Add(-40*24*time.Hour))
			n, err := tbl.CleanupExpiredLogs(ctx, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			got := logFiles(t, dir)
			slices.Sort(tc.want)
			if !slices.Equal(got, tc.want) || n != len(all)-len(tc.want) {
				t.Fatalf("deleted %d, left %v, want %v", n, got, tc.want)
			}
			for v := tc.readable; v <= 4; v++ {
				s, err := tbl.SnapshotAt(ctx, v)
				if err != nil {
					t.Fatalf("version %d: %v", v, err)
				}
				if got := len(scanAll(t, s)); got != int(v+1) {
					t.Fatalf("version %d reads %d rows", v, got)
				}
			}
			if tc.readable > 0 {
				if _, err := tbl.SnapshotAt(ctx, tc.readable-1); !errors.Is(err, ErrVersionNotFound) {
					t.Fatalf("version %d after cleanup: %v", tc.readable-1, err)
				}
			}
		})
	}
}

// TestCheckpointHookCleansLogs: writing a checkpoint runs the cleanup, so
// a table whose old commits are expired sheds them on its next checkpoint.
func TestCheckpointHookCleansLogs(t *testing.T) {
	ctx := t.Context()
	tbl, dir := logTable(t, nil)
	age(t, dir, 4, time.Now().Add(-40*24*time.Hour))
	for i := 5; i < 7; i++ { // version 6 writes a checkpoint
		if _, err := tbl.Write(ctx, ids(int64(i), int64(i+1)), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"00000000000000000004.json", "00000000000000000004.checkpoint.parquet",
		"00000000000000000005.json", "00000000000000000006.checkpoint.parquet", "00000000000000000006.json", "_last_checkpoint"}
	slices.Sort(want)
	if got := logFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("log after checkpoint 6: %v, want %v", got, want)
	}
	s, err := tbl.Snapshot(ctx)
	if err != nil || len(scanAll(t, s)) != 7 {
		t.Fatalf("latest: %v", err)
	}
}
