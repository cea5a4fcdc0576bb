package delta

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ingotdata/ingot/storage"
)

// TestVersionAtTimestamp replays the corpus' delta-rs simple_table
// timestamp_travel setup: commit mtimes one day apart.
func TestVersionAtTimestamp(t *testing.T) {
	src := filepath.Join(corpusDir, "delta-rs", "simple_table", "delta", "_delta_log")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "_delta_log"), 0o755); err != nil {
		t.Fatal(err)
	}
	mtimes := map[string]int64{
		"00000000000000000000.json": 1588398451, "00000000000000000001.json": 1588484851,
		"00000000000000000002.json": 1588571251, "00000000000000000003.json": 1588657651,
		"00000000000000000004.json": 1588744051,
	}
	for name, sec := range mtimes {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "_delta_log", name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, time.Unix(sec, 0), time.Unix(sec, 0)); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := storage.NewLocal(dir)
	tbl, _ := Open(t.Context(), st)
	for _, tc := range []struct {
		name string
		at   string
		want int64
		err  error
	}{
		{"exactly first commit", "2020-05-01T22:47:31-07:00", 0, nil},
		{"between commits", "2020-05-02T22:47:31-07:00", 1, nil},
		{"exactly last commit", "2020-05-05T22:47:31-07:00", 4, nil},
		// Spark refuses a time after the latest commit (delta-rs returns
		// the latest version instead; the corpus check follows delta-rs).
		{"after latest", "2020-05-25T22:47:31-07:00", -1, ErrTimestampOutOfRange},
		{"before first", "2020-05-01T00:47:31-07:00", -1, ErrTimestampOutOfRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, _ := time.Parse(time.RFC3339, tc.at)
			v, err := tbl.VersionAtTimestamp(t.Context(), ts)
			if !errors.Is(err, tc.err) || v != tc.want {
				t.Fatalf("got %d, %v; want %d, %v", v, err, tc.want, tc.err)
			}
		})
	}
	h, err := tbl.History(t.Context(), 2)
	if err != nil || len(h) != 2 || h[0].Version != 4 || h[0].Info["operation"] == nil {
		t.Fatalf("history %+v %v", h, err)
	}
}
