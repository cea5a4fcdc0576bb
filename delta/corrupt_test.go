package delta

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/ingotdata/ingot/internal/format/parquetfile"
	"github.com/ingotdata/ingot/storage"
)

// corruptTable writes a 12-commit table (100 rows a commit, one data file
// each, a checkpoint at version 10) and returns its store and the rows a
// scan of it gives.
func corruptTable(t *testing.T) (*storage.Memory, []string) {
	t.Helper()
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	for i := 0; i < 12; i++ {
		if _, err := tbl.Write(ctx, rows(i*100, i*100+100), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Stat(ctx, "_delta_log/00000000000000000010.checkpoint.parquet"); err != nil {
		t.Fatalf("no checkpoint at 10: %v", err)
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st, scanAll(t, snap)
}

func cloneMemory(t *testing.T, src *storage.Memory) *storage.Memory {
	t.Helper()
	ctx := t.Context()
	infos, err := src.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	dst := storage.NewMemory()
	for _, fi := range infos {
		b, err := src.Get(ctx, fi.Path)
		if err != nil {
			t.Fatal(err)
		}
		if err := dst.Put(ctx, fi.Path, append([]byte(nil), b...)); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// flipOutcome classifies one byte-flip trial.
type flipOutcome string

const (
	flipRight     flipOutcome = "right answer"
	flipNamed     flipOutcome = "error naming the file"
	flipOtherFile flipOutcome = "error naming another file (documented: damaged checkpoint page without CRC)"
	flipWrongDoc  flipOutcome = "wrong answer (documented: page data without CRC)"
	flipWrongSame flipOutcome = "wrong answer, undocumented"
	flipErrBad    flipOutcome = "error not naming the file"
	flipPanic     flipOutcome = "panic"
)

// runFlipTrials flips one byte (XOR with a random non-zero value) at a
// random offset of a data file or the checkpoint, then replays and scans
// the table. Every trial must give the right rows or an error naming the
// damaged file, except where the flip lands in page data that carries no
// CRC (documented in docs/format/corruption.md): such flips can decode to
// other valid values. Panics and any other wrong answer fail the test.
func runFlipTrials(t *testing.T, trials int, seed uint64) map[flipOutcome]int {
	// Checkpoint fallbacks log a warning each; keep the run readable.
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	t.Cleanup(func() { slog.SetDefault(prev) })
	st, want := corruptTable(t)
	ctx := t.Context()
	infos, _ := st.List(ctx, "")
	var data []string
	for _, fi := range infos {
		if strings.HasSuffix(fi.Path, ".parquet") && !strings.HasPrefix(fi.Path, "_delta_log/") {
			data = append(data, fi.Path)
		}
	}
	sort.Strings(data)
	const checkpoint = "_delta_log/00000000000000000010.checkpoint.parquet"
	rng := rand.New(rand.NewPCG(seed, 15))
	counts := map[flipOutcome]int{}
	regions := map[string]int{}
	for trial := 0; trial < trials; trial++ {
		target := checkpoint
		if trial%2 == 0 {
			target = data[rng.IntN(len(data))]
		}
		orig, _ := st.Get(ctx, target)
		off := rng.IntN(len(orig))
		x := byte(1 + rng.IntN(255))
		region, err := parquetfile.RegionOf(orig, int64(off))
		if err != nil {
			t.Fatalf("region of %s@%d: %v", target, off, err)
		}
		s := cloneMemory(t, st)
		b := append([]byte(nil), orig...)
		b[off] ^= x
		if err := s.Put(ctx, target, b); err != nil {
			t.Fatal(err)
		}
		got, err := flipScan(t, s)
		var o flipOutcome
		switch {
		case errors.Is(err, errFlipPanic):
			o = flipPanic
		case err == nil && strings.Join(got, "\n") == strings.Join(want, "\n"):
			o = flipRight
		case err != nil && strings.Contains(err.Error(), path.Base(target)):
			o = flipNamed
		case region.Kind == "page-data" && !region.PageCRC && err == nil:
			o = flipWrongDoc
		case region.Kind == "page-data" && !region.PageCRC && target == checkpoint:
			o = flipOtherFile
		case err != nil:
			o = flipErrBad
		default:
			o = flipWrongSame
		}
		counts[o]++
		if o == flipWrongDoc || o == flipOtherFile {
			regions[fmt.Sprintf("%s %s", path.Dir(target), region.Column)]++
		}
		switch o {
		case flipPanic, flipWrongSame, flipErrBad:
			t.Errorf("trial %d: %s@%d ^%02x (%s): %s: %v (%d rows, want %d)", trial, target, off, x, region, o, err, len(got), len(want))
		}
	}
	t.Logf("%d byte flips: %v; documented misses by file kind and column: %v", trials, counts, regions)
	return counts
}

var errFlipPanic = errors.New("panic")

// flipScan replays and scans the table, turning a panic into errFlipPanic
// so the trial is counted and reported.
func flipScan(t *testing.T, s storage.Store) (got []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errFlipPanic, p)
		}
	}()
	ctx := t.Context()
	tbl, _ := Open(ctx, s)
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	r, err := snap.Scan(ctx, ScanOptions{})
	if err != nil {
		return nil, err
	}
	return rowStrings(ctx, r)
}

// TestByteFlips is the short byte-flip run; -tags=slow runs 600 trials.
func TestByteFlips(t *testing.T) {
	counts := runFlipTrials(t, flipTrials, 1)
	if counts[flipPanic] != 0 {
		t.Fatalf("%d panics", counts[flipPanic])
	}
}
