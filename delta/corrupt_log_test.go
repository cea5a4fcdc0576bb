package delta

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/ingotdata/ingot/internal/format/parquetfile"
	"github.com/ingotdata/ingot/storage"
)

func quietWarnings(t *testing.T) {
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	t.Cleanup(func() { slog.SetDefault(prev) })
}

// TestDamagedCommit: an empty or torn commit file is an error naming it,
// latest or not; it is never read as a commit with no actions.
func TestDamagedCommit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version int64
		damage  func([]byte) []byte
		want    string
	}{
		{"empty latest", 2, func([]byte) []byte { return nil }, "is empty"},
		{"blank latest", 2, func([]byte) []byte { return []byte("\n \n") }, "is empty"},
		{"torn latest", 2, func(b []byte) []byte { return b[:len(b)-7] }, "cannot be parsed"},
		{"empty middle", 1, func([]byte) []byte { return nil }, "is empty"},
		{"garbage middle", 1, func(b []byte) []byte { return append([]byte("{\"add\":"), b...) }, "line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			st := storage.NewMemory()
			tbl, _ := Open(ctx, st)
			for i := 0; i < 3; i++ {
				if _, err := tbl.Write(ctx, rows(i*10, i*10+5), WriteOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			p := commitPath(tc.version)
			b, _ := st.Get(ctx, p)
			if err := st.Put(ctx, p, tc.damage(b)); err != nil {
				t.Fatal(err)
			}
			_, err := tbl.Snapshot(ctx)
			if err == nil {
				t.Fatal("damaged commit read without error")
			}
			for _, s := range []string{"[DELTA_STATE_RECOVER_ERROR]", p, tc.want} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if !errors.Is(err, ErrCorruptLog) {
				t.Errorf("error does not wrap ErrCorruptLog: %v", err)
			}
		})
	}
}

// TestCheckpointFallback: a checkpoint that cannot be trusted is replaced
// by an older checkpoint or by the JSON commits, with a warning; without
// either the error names the checkpoint.
func TestCheckpointFallback(t *testing.T) {
	quietWarnings(t)
	const cp10 = "_delta_log/00000000000000000010.checkpoint.parquet"
	const cp20 = "_delta_log/00000000000000000020.checkpoint.parquet"
	for _, tc := range []struct {
		name    string
		commits int
		damage  func(t *testing.T, st storage.Store)
		from    string // warning must say where replay restarted, "" for an error
	}{
		{"truncated", 12, func(t *testing.T, st storage.Store) { truncate(t, st, cp10, 2) }, "commit 0"},
		{"garbage", 12, func(t *testing.T, st storage.Store) { put(t, st, cp10, []byte("PAR1 not really PAR1")) }, "commit 0"},
		{"size differs from _last_checkpoint", 12, func(t *testing.T, st storage.Store) {
			editLastCheckpoint(t, st, func(lc map[string]any) { lc["size"] = lc["size"].(float64) + 1 })
		}, "commit 0"},
		{"sizeInBytes differs from _last_checkpoint", 12, func(t *testing.T, st storage.Store) {
			editLastCheckpoint(t, st, func(lc map[string]any) { lc["sizeInBytes"] = lc["sizeInBytes"].(float64) + 1 })
		}, "commit 0"},
		{"older checkpoint", 22, func(t *testing.T, st storage.Store) {
			truncate(t, st, cp20, 3)
			for v := 0; v < 10; v++ {
				if err := st.Delete(t.Context(), commitPath(int64(v))); err != nil {
					t.Fatal(err)
				}
			}
		}, "checkpoint 10"},
		{"no fallback", 12, func(t *testing.T, st storage.Store) {
			truncate(t, st, cp10, 2)
			if err := st.Delete(t.Context(), commitPath(3)); err != nil {
				t.Fatal(err)
			}
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			st := storage.NewMemory()
			tbl, _ := Open(ctx, st)
			for i := 0; i < tc.commits; i++ {
				if _, err := tbl.Write(ctx, rows(i*10, i*10+3), WriteOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := tbl.Snapshot(ctx)
			want := scanAll(t, before)
			if len(before.Warnings()) != 0 {
				t.Fatalf("warnings on an intact table: %v", before.Warnings())
			}
			tc.damage(t, st)
			after, err := tbl.Snapshot(ctx)
			if tc.from == "" {
				if err == nil || !strings.Contains(err.Error(), "[DELTA_STATE_RECOVER_ERROR]") || !strings.Contains(err.Error(), cp10) {
					t.Fatalf("want a DELTA_STATE_RECOVER_ERROR naming %s, got %v", cp10, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := scanAll(t, after); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("rows after fallback differ: %d rows, want %d", len(got), len(want))
			}
			w := strings.Join(after.Warnings(), "\n")
			if !strings.Contains(w, "replaying from "+tc.from) {
				t.Fatalf("warnings %q do not say replay restarted from %s", w, tc.from)
			}
		})
	}
}

func put(t *testing.T, st storage.Store, p string, b []byte) {
	t.Helper()
	if err := st.Put(t.Context(), p, b); err != nil {
		t.Fatal(err)
	}
}

// truncate keeps the first 1/frac of a file.
func truncate(t *testing.T, st storage.Store, p string, frac int) {
	t.Helper()
	b, err := st.Get(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	put(t, st, p, b[:len(b)/frac])
}

func editLastCheckpoint(t *testing.T, st storage.Store, edit func(map[string]any)) {
	t.Helper()
	b, err := st.Get(t.Context(), "_delta_log/_last_checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	var lc map[string]any
	if err := json.Unmarshal(b, &lc); err != nil {
		t.Fatal(err)
	}
	edit(lc)
	b, _ = json.Marshal(lc)
	put(t, st, "_delta_log/_last_checkpoint", b)
}

// TestIgnoreCorruptFiles: a corrupt data file fails the scan naming it;
// with IgnoreCorruptFiles the other files' rows come back and the skip is
// reported.
func TestIgnoreCorruptFiles(t *testing.T) {
	quietWarnings(t)
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	for i := 0; i < 3; i++ { // 5, 6 and 7 rows
		if _, err := tbl.Write(ctx, rows(i*10, i*10+5+i), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	snap, _ := tbl.Snapshot(ctx)
	files := snap.Files()
	victim := ""
	for _, f := range files {
		if parseFileStats(f.Stats).NumRecords != nil && *parseFileStats(f.Stats).NumRecords == 6 {
			victim = f.Path
		}
	}
	for _, tc := range []struct {
		name   string
		damage func(p string)
		is     error
	}{
		{"truncated", func(p string) { truncate(t, st, p, 2) }, parquetfile.ErrCorrupt},
		{"another file's rows", func(p string) {
			// A valid Parquet file, but not the one the log describes.
			for _, f := range files {
				if f.Path != p {
					other, _ := st.Get(ctx, f.Path)
					put(t, st, p, other)
					return
				}
			}
		}, ErrRowCountMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig, _ := st.Get(ctx, victim)
			defer put(t, st, victim, orig)
			tc.damage(victim)
			snap, err := tbl.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			r, _ := snap.Scan(ctx, ScanOptions{})
			_, err = rowStrings(ctx, r)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), victim) {
				t.Fatalf("want %v naming %s, got %v", tc.is, victim, err)
			}
			var skipped []string
			r, _ = snap.Scan(ctx, ScanOptions{IgnoreCorruptFiles: true, OnCorruptFile: func(p string, err error) { skipped = append(skipped, p) }})
			got, err := rowStrings(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 12 || fmt.Sprint(skipped) != fmt.Sprint([]string{victim}) {
				t.Fatalf("ignoreCorruptFiles: %d rows (want 12), skipped %v", len(got), skipped)
			}
		})
	}
}
