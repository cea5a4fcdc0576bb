package delta

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

// smallFilesTable writes n appends of 10 rows each, partitioned by day, so
// every partition has n small files.
func smallFilesTable(t *testing.T, st storage.Store, n int) *Table {
	t.Helper()
	tbl, _ := Open(t.Context(), st)
	for i := 0; i < n; i++ {
		if _, err := tbl.Write(t.Context(), rows(i*10, i*10+10), WriteOptions{PartitionBy: []string{"day"}}); err != nil {
			t.Fatal(err)
		}
	}
	return tbl
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sortedRows(t *testing.T, s *Snapshot) []string {
	t.Helper()
	r := scanAll(t, s)
	slices.Sort(r)
	return r
}

// commitJSON reads a commit file back as generic JSON objects, one per
// line, to check field names and values exactly as written.
func commitJSON(t *testing.T, st storage.Store, v int64) []map[string]map[string]any {
	t.Helper()
	b, err := st.Get(t.Context(), commitPath(v))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("commit %d: %v: %s", v, err, line)
		}
		out = append(out, m)
	}
	return out
}

func TestOptimizeBinPacking(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			tbl := smallFilesTable(t, st, 5)
			before, _ := tbl.Snapshot(ctx)
			want := sortedRows(t, before)
			if len(before.Files()) != 10 {
				t.Fatalf("setup: %d files, want 10", len(before.Files()))
			}
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			m, err := tbl.Optimize(ctx, OptimizeOptions{Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			mem.AssertSize(t, 0)
			if m.Version != before.Version()+1 || m.NumFilesRemoved != 10 || m.NumFilesAdded != 2 || m.PartitionsOptimized != 2 || m.NumBatches != 2 || m.TotalConsideredFiles != 10 {
				t.Fatalf("metrics %+v", m)
			}
			after, _ := tbl.Snapshot(ctx)
			if len(after.Files()) != 2 {
				t.Fatalf("after optimize %d files, want 2", len(after.Files()))
			}
			if got := sortedRows(t, after); !slices.Equal(got, want) {
				t.Fatalf("rows changed:\n got %v\nwant %v", got, want)
			}

			// The commit as Delta writes it.
			lines := commitJSON(t, st, m.Version)
			ci := lines[0]["commitInfo"]
			if ci == nil || ci["operation"] != "OPTIMIZE" || ci["isBlindAppend"] != false || ci["readVersion"] != float64(before.Version()) {
				t.Fatalf("commitInfo %v", ci)
			}
			params := ci["operationParameters"].(map[string]any)
			if params["predicate"] != "[]" || params["zOrderBy"] != "[]" || params["auto"] != false {
				t.Fatalf("operationParameters %v", params)
			}
			metrics := ci["operationMetrics"].(map[string]any)
			if metrics["numRemovedFiles"] != "10" || metrics["numAddedFiles"] != "2" || metrics["numAddedBytes"] != fmt.Sprint(m.FilesAdded.TotalSize) {
				t.Fatalf("operationMetrics %v", metrics)
			}
			var adds, removes int
			for _, l := range lines[1:] {
				if a := l["add"]; a != nil {
					adds++
					if a["dataChange"] != false || a["stats"] == nil {
						t.Errorf("add %v: want dataChange=false and stats", a)
					}
				}
				if r := l["remove"]; r != nil {
					removes++
					if r["dataChange"] != false || r["deletionTimestamp"] == nil || r["size"] == nil || r["partitionValues"] == nil {
						t.Errorf("remove %v", r)
					}
				}
			}
			if adds != 2 || removes != 10 {
				t.Fatalf("commit has %d adds, %d removes", adds, removes)
			}

			// Idempotent: nothing left to compact, nothing committed.
			m2, err := tbl.Optimize(ctx, OptimizeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := tbl.LatestVersion(ctx); m2.Version != -1 || v != m.Version || m2.NumFilesAdded != 0 {
				t.Fatalf("second optimize committed: %+v (latest %d)", m2, v)
			}
		})
	}
}

func TestOptimizeSelection(t *testing.T) {
	day1 := "1970-01-02"
	for _, tc := range []struct {
		name        string
		opts        OptimizeOptions
		wantRemoved int64
		wantFiles   int
		wantErr     error
		wantText    string
	}{
		{name: "all partitions", opts: OptimizeOptions{}, wantRemoved: 8, wantFiles: 2},
		{name: "partition filter", opts: OptimizeOptions{PartitionFilter: map[string]*string{"DAY": &day1}}, wantRemoved: 4, wantFiles: 5},
		{name: "null partition filter matches nothing", opts: OptimizeOptions{PartitionFilter: map[string]*string{"day": nil}}, wantRemoved: 0, wantFiles: 8},
		{name: "where on partition", opts: OptimizeOptions{Where: &Predicate{And: []Term{{Column: "day", Op: OpLt, Value: mustDate(t, "1970-01-02")}}}}, wantRemoved: 4, wantFiles: 5},
		{name: "where on data column", opts: OptimizeOptions{Where: &Predicate{And: []Term{{Column: "id", Op: OpEq, Value: 1}}}}, wantErr: ErrNonPartitionPredicate, wantText: "[DELTA_NON_PARTITION_COLUMN_REFERENCE]"},
		{name: "files above min size are kept", opts: OptimizeOptions{MinFileSize: 1}, wantRemoved: 0, wantFiles: 8},
		{name: "target size splits bins", opts: OptimizeOptions{TargetFileSize: 1, MinFileSize: 1 << 30}, wantRemoved: 0, wantFiles: 8},
		{name: "zorder on partition column", opts: OptimizeOptions{ZOrderBy: []string{"day"}}, wantText: "[DELTA_ZORDERING_ON_PARTITION_COLUMN]"},
		{name: "zorder on missing column", opts: OptimizeOptions{ZOrderBy: []string{"nope"}}, wantErr: ErrSchemaMismatch, wantText: "[DELTA_ZORDERING_COLUMN_DOES_NOT_EXIST]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			tbl := smallFilesTable(t, storage.NewMemory(), 4)
			before, _ := tbl.Snapshot(ctx)
			m, err := tbl.Optimize(ctx, tc.opts)
			if tc.wantText != "" || tc.wantErr != nil {
				if err == nil || !strings.Contains(err.Error(), tc.wantText) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
					t.Fatalf("err = %v, want %v %q", err, tc.wantErr, tc.wantText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			after, _ := tbl.Snapshot(ctx)
			if m.NumFilesRemoved != tc.wantRemoved || len(after.Files()) != tc.wantFiles {
				t.Fatalf("removed %d files, %d left; want %d, %d (%+v)", m.NumFilesRemoved, len(after.Files()), tc.wantRemoved, tc.wantFiles, m)
			}
			if !slices.Equal(sortedRows(t, after), sortedRows(t, before)) {
				t.Fatal("rows changed")
			}
		})
	}
}

var xySchema = arrow.NewSchema([]arrow.Field{
	{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "y", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

func xyBatch(pairs [][2]int64) batch.Reader {
	b := array.NewRecordBuilder(memory.DefaultAllocator, xySchema)
	defer b.Release()
	for _, p := range pairs {
		b.Field(0).(*array.Int64Builder).Append(p[0])
		b.Field(1).(*array.Int64Builder).Append(p[1])
		b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("%03d-%03d", p[0], p[1]))
	}
	return batch.FromSlice(xySchema, b.NewRecordBatch())
}

// overlaps counts, summed over point queries col = v for v in 0..63, the
// files whose [min, max] of col contains v: the files a reader must open.
func overlaps(t *testing.T, s *Snapshot, col string) int {
	t.Helper()
	n := 0
	for v := int64(0); v < 64; v++ {
		files, err := s.SkipFiles(Predicate{And: []Term{{Column: col, Op: OpEq, Value: v}}})
		if err != nil {
			t.Fatal(err)
		}
		n += len(files)
	}
	return n
}

func TestZOrderTightensFileRanges(t *testing.T) {
	ctx := t.Context()
	// A 64x64 grid of (x, y) in random order, in 16 appends: every file
	// spans almost the whole range of both columns.
	var grid [][2]int64
	for x := int64(0); x < 64; x++ {
		for y := int64(0); y < 64; y++ {
			grid = append(grid, [2]int64{x, y})
		}
	}
	rand.New(rand.NewSource(1)).Shuffle(len(grid), func(i, j int) { grid[i], grid[j] = grid[j], grid[i] })
	build := func() *Table {
		tbl, _ := Open(ctx, storage.NewMemory())
		for i := 0; i < 16; i++ {
			if _, err := tbl.Write(ctx, xyBatch(grid[i*256:(i+1)*256]), WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		return tbl
	}
	plain := build()
	ps, _ := plain.Snapshot(ctx)
	var total int64
	for _, f := range ps.Files() {
		total += f.Size
	}
	target := total / 16

	zt := build()
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	m, err := zt.Optimize(ctx, OptimizeOptions{ZOrderBy: []string{"x", "Y"}, TargetFileSize: target, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	mem.AssertSize(t, 0)
	zs, _ := zt.Snapshot(ctx)
	if n := len(zs.Files()); n < 8 || n > 32 || m.NumFilesRemoved != 16 {
		t.Fatalf("zorder wrote %d files from %d (target %d bytes): %+v", n, m.NumFilesRemoved, target, m)
	}
	if !slices.Equal(sortedRows(t, zs), sortedRows(t, ps)) {
		t.Fatal("zorder changed the rows")
	}
	for _, col := range []string{"x", "y"} {
		before, after := overlaps(t, ps, col), overlaps(t, zs, col)
		t.Logf("%s: files touched by 64 point queries: %d before, %d after zorder (%d files)", col, before, after, len(zs.Files()))
		// Each of 16 random files covers nearly every value; a 2-D
		// Z-order of ~16 files leaves about 4 per value.
		if after*2 > before {
			t.Errorf("%s: zorder did not tighten ranges: %d file hits before, %d after", col, before, after)
		}
	}
	ci := commitJSON(t, zt.Store(), m.Version)[0]["commitInfo"]
	if p := ci["operationParameters"].(map[string]any); p["zOrderBy"] != `["x","Y"]` {
		t.Fatalf("zOrderBy parameter %v", p["zOrderBy"])
	}
}

func TestZOrderSortKey(t *testing.T) {
	// Ranks interleave x's bit above y's: on a 2x2 grid the curve visits
	// (0,0) (0,1) (1,0) (1,1); NULL ranks lowest, so (NULL, 0) comes first.
	b := array.NewRecordBuilder(memory.DefaultAllocator, xySchema)
	defer b.Release()
	for _, p := range [][2]int64{{1, 1}, {1, 0}, {0, 1}, {0, 0}} {
		b.Field(0).(*array.Int64Builder).Append(p[0])
		b.Field(1).(*array.Int64Builder).Append(p[1])
		b.Field(2).(*array.StringBuilder).Append(fmt.Sprint(p))
	}
	b.Field(0).(*array.Int64Builder).AppendNull()
	b.Field(1).(*array.Int64Builder).Append(0)
	b.Field(2).(*array.StringBuilder).Append("null")
	rec := b.NewRecordBatch()
	defer rec.Release()
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	out, err := zOrderSort(t.Context(), mem, rec, []int{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < int(out.NumRows()); i++ {
		got = append(got, out.Column(2).(*array.String).Value(i))
	}
	out.Release()
	mem.AssertSize(t, 0)
	want := []string{"null", "[0 0]", "[0 1]", "[1 0]", "[1 1]"}
	if !slices.Equal(got, want) {
		t.Fatalf("z-order %v, want %v", got, want)
	}
}

// BenchmarkOptimize compacts 20 files of 5,000 rows into one, plain and
// Z-ordered by two columns.
func BenchmarkOptimize(b *testing.B) {
	for _, bc := range []struct {
		name   string
		zorder []string
	}{{"binpack", nil}, {"zorder", []string{"id", "name"}}} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := b.Context()
			var bytes int64
			for b.Loop() {
				b.StopTimer()
				tbl, _ := Open(ctx, storage.NewMemory())
				for i := 0; i < 20; i++ {
					if _, err := tbl.Write(ctx, rows(i*5000, (i+1)*5000), WriteOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				m, err := tbl.Optimize(ctx, OptimizeOptions{ZOrderBy: bc.zorder})
				if err != nil {
					b.Fatal(err)
				}
				bytes = m.FilesRemoved.TotalSize
			}
			b.SetBytes(bytes)
			b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func TestOptimizePurgesDeletionVectors(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	for i := int64(0); i < 2; i++ {
		if _, err := tbl.Write(ctx, ids(i*100, i*100+100), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	snap, _ := tbl.Snapshot(ctx)
	f := snap.Files()[0]
	deleted := []uint16{0, 7, 50, 99}
	bm := encodeDV(map[uint32][]testContainer{0: {{key: 0, kind: "array", values: deleted}}})
	add := f
	add.DeletionVector = &DeletionVector{StorageType: "i", PathOrInlineDv: encodeZ85(bm), SizeInBytes: int32(len(bm)), Cardinality: int64(len(deleted))}
	body, _ := MarshalActions([]Action{
		{Protocol: &Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"deletionVectors"}, WriterFeatures: []string{"deletionVectors"}}},
		{Remove: &RemoveFile{Path: f.Path, DataChange: true, PartitionValues: f.PartitionValues}}, {Add: &add},
	})
	if err := st.PutIfAbsent(ctx, commitPath(2), body); err != nil {
		t.Fatal(err)
	}
	before, _ := tbl.Snapshot(ctx)
	want := sortedRows(t, before)
	if len(want) != 196 {
		t.Fatalf("setup: %d rows", len(want))
	}
	m, err := tbl.Optimize(ctx, OptimizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.NumDeletionVectorsRemoved != 1 || m.NumFilesRemoved != 2 || m.NumFilesAdded != 1 {
		t.Fatalf("metrics %+v", m)
	}
	after, _ := tbl.Snapshot(ctx)
	if got := sortedRows(t, after); !slices.Equal(got, want) {
		t.Fatalf("rows changed: %d rows, want %d", len(got), len(want))
	}
	for _, f := range after.Files() {
		if f.DeletionVector != nil {
			t.Fatalf("file %s still has a deletion vector", f.Path)
		}
	}
	for _, l := range commitJSON(t, st, m.Version) {
		if r := l["remove"]; r != nil && r["path"] == f.Path && r["deletionVector"] == nil {
			t.Fatalf("remove of %s lacks its deletion vector: %v", f.Path, r)
		}
	}
}

// TestOptimizeConcurrentWriters: a compaction commits on top of a
// concurrent append (its files are untouched) but not on top of a
// concurrent overwrite that removed the files it rewrote.
func TestOptimizeConcurrentWriters(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mode    SaveMode
		wantErr bool
	}{
		{"append wins the race", ModeAppend, false},
		{"overwrite wins the race", ModeOverwrite, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			tbl := smallFilesTable(t, storage.NewMemory(), 3)
			snap, _ := tbl.Snapshot(ctx)
			replaced := snap.Files()
			now := time.Now().UnixMilli()
			actions := []Action{{CommitInfo: map[string]any{"operation": "OPTIMIZE", "readVersion": snap.Version()}}}
			for _, f := range replaced {
				actions = append(actions, Action{Remove: removeFor(f, now, false)})
			}
			// The concurrent writer commits first.
			if _, err := tbl.Write(ctx, rows(500, 502), WriteOptions{Mode: tc.mode}); err != nil {
				t.Fatal(err)
			}
			v, err := tbl.commitRewrite(ctx, snap, replaced, actions)
			if tc.wantErr {
				if !errors.Is(err, ErrConcurrentModification) || !strings.Contains(err.Error(), "DELTA_CONCURRENT_DELETE_READ") {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil || v != snap.Version()+2 {
				t.Fatalf("commit %d, %v", v, err)
			}
			if ci := commitJSON(t, tbl.Store(), v)[0]["commitInfo"]; ci["readVersion"] != float64(snap.Version()+1) {
				t.Fatalf("readVersion %v", ci["readVersion"])
			}
		})
	}
}

// TestMortonOrderPathsAgree: the integer fast path for one or two columns
// orders rows exactly as the general byte-key interleaving does.
func TestMortonOrderPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, k := range []int{1, 2} {
		ranks := make([][]uint32, k)
		for c := range ranks {
			ranks[c] = make([]uint32, 500)
			for i := range ranks[c] {
				ranks[c][i] = rng.Uint32() >> uint(rng.Intn(32))
			}
		}
		if fast, slow := mortonOrder64(ranks, 500), mortonOrderBytes(ranks, 500); !slices.Equal(fast, slow) {
			t.Fatalf("%d columns: fast and byte-key orders differ", k)
		}
	}
}
