package delta

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

// buildLog writes a table of n commits with one add each directly as JSON,
// so the benchmark measures replay, not data writing.
func buildLog(b *testing.B, n int) storage.Store {
	ctx := context.Background()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, rows(0, 1), WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	for v := 1; v < n; v++ {
		line := fmt.Sprintf(`{"add":{"path":"part-%05d.parquet","partitionValues":{},"size":100,"modificationTime":1,"dataChange":true,"stats":"{\"numRecords\":1}"}}`+"\n", v)
		if err := st.PutIfAbsent(ctx, commitPath(int64(v)), []byte(line)); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

func BenchmarkSnapshotLoad(b *testing.B) {
	const commits = 1000
	st := buildLog(b, commits)
	tbl, _ := Open(context.Background(), st)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := tbl.Snapshot(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Files()) != commits {
			b.Fatalf("%d files", len(s.Files()))
		}
	}
	b.ReportMetric(float64(commits)*float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

func BenchmarkWriteAppend(b *testing.B) {
	ctx := context.Background()
	tbl, _ := Open(ctx, storage.NewMemory())
	const n = 10000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tbl.Write(ctx, rows(0, n), WriteOptions{PartitionBy: []string{"day"}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// syntheticLog writes a table of n commits (one add each) straight into
// st, with a checkpoint at every version in checkpoints (built from a
// replay, as a writer would).
func syntheticLog(tb testing.TB, st storage.Store, n int, checkpoints ...int64) {
	ctx := context.Background()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, rows(0, 1), WriteOptions{}); err != nil {
		tb.Fatal(err)
	}
	for v := 1; v < n; v++ {
		line := fmt.Sprintf(`{"add":{"path":"part-%07d.parquet","partitionValues":{},"size":100,"modificationTime":1,"dataChange":true,"stats":"{\"numRecords\":1}"}}`+"\n", v)
		if err := st.PutIfAbsent(ctx, commitPath(int64(v)), []byte(line)); err != nil {
			tb.Fatal(err)
		}
	}
	for _, cp := range checkpoints {
		s, err := tbl.SnapshotAt(ctx, cp)
		if err != nil {
			tb.Fatal(err)
		}
		if err := s.WriteCheckpoint(ctx); err != nil {
			tb.Fatal(err)
		}
	}
}

// checkLoadReads asserts that loading the latest snapshot read only the
// newest checkpoint (one Open) and the commits after it (Gets), besides
// _last_checkpoint.
func checkLoadReads(tb testing.TB, c *countingStore, checkpoint, latest int64) {
	var commits []string
	for _, k := range c.keys {
		switch {
		case k == logDir+"_last_checkpoint":
		case k == fmt.Sprintf("%s%020d.checkpoint.parquet", logDir, checkpoint):
		case strings.HasSuffix(k, ".json"):
			commits = append(commits, k)
		default:
			tb.Fatalf("load read %s", k)
		}
	}
	if got, want := int64(len(commits)), latest-checkpoint; got != want {
		tb.Fatalf("load read %d commits, want %d (%v)", got, want, commits)
	}
	for i, k := range commits {
		if want := commitPath(checkpoint + 1 + int64(i)); k != want {
			tb.Fatalf("load read %s, want %s", k, want)
		}
	}
	if c.opens.Load() != 1 {
		tb.Fatalf("%d files opened, want the one checkpoint", c.opens.Load())
	}
}

// TestSnapshotReadsNewestCheckpointOnly: with checkpoints at 1000 and
// 1990 of 2000 commits, a load touches the 1990 checkpoint and nine
// commits, nothing older.
func TestSnapshotReadsNewestCheckpointOnly(t *testing.T) {
	mem := storage.NewMemory()
	syntheticLog(t, mem, 2000, 1000, 1990)
	c := newCountingStore(mem)
	tbl, _ := Open(t.Context(), c)
	s, err := tbl.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if s.Version() != 1999 || len(s.Files()) != 2000 {
		t.Fatalf("version %d, %d files", s.Version(), len(s.Files()))
	}
	checkLoadReads(t, c, 1990, 1999)
}

// BenchmarkSnapshotLoad100kCommits loads a 100,000-commit table whose
// newest checkpoint is at 99,990.
func BenchmarkSnapshotLoad100kCommits(b *testing.B) {
	const n = 100_000
	mem := storage.NewMemory()
	syntheticLog(b, mem, n, n-10)
	c := newCountingStore(mem)
	tbl, _ := Open(context.Background(), c)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.reset()
		s, err := tbl.Snapshot(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Files()) != n {
			b.Fatalf("%d files", len(s.Files()))
		}
		checkLoadReads(b, c, n-10, n-1)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
}

// BenchmarkCheckpointRead1MAdds loads a table from a checkpoint of
// 1,000,000 add actions (partitioned, with stats), reporting the time per
// load, add actions per second and the heap the load peaks at.
func BenchmarkCheckpointRead1MAdds(b *testing.B) {
	const n = 1_000_000
	ctx := context.Background()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, rows(0, 1), WriteOptions{PartitionBy: []string{"day"}}); err != nil {
		b.Fatal(err)
	}
	base, _ := tbl.Snapshot(ctx)
	files := make([]AddFile, n)
	for i := range files {
		day := fmt.Sprintf("2024-01-%02d", i%28+1)
		files[i] = AddFile{Path: fmt.Sprintf("day=%s/part-%07d.snappy.parquet", day, i), PartitionValues: map[string]*string{"day": &day},
			Size: 1 << 20, ModificationTime: 1700000000000, DataChange: true,
			Stats: fmt.Sprintf(`{"numRecords":1000,"minValues":{"id":%d,"name":"n%d"},"maxValues":{"id":%d,"name":"n%d"},"nullCount":{"id":0,"name":0}}`, i*1000, i*1000, i*1000+999, i*1000+999)}
	}
	snap := &Snapshot{table: tbl, version: 1, protocol: base.protocol, metadata: base.metadata, schema: base.schema,
		files: files, txns: map[string]Txn{}, removes: map[fileKey]*RemoveFile{}, domains: map[string]DomainMetadata{}}
	start := time.Now()
	if err := snap.WriteCheckpoint(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("wrote the 1M-add checkpoint in %v", time.Since(start))
	if err := st.PutIfAbsent(ctx, commitPath(1), []byte(`{"commitInfo":{}}`+"\n")); err != nil {
		b.Fatal(err)
	}
	snap, files = nil, nil
	var peak uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var m0 runtime.MemStats
		runtime.ReadMemStats(&m0)
		stop := make(chan struct{})
		done := make(chan uint64)
		go func() {
			var max uint64
			var m runtime.MemStats
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				runtime.ReadMemStats(&m)
				if m.HeapInuse > max {
					max = m.HeapInuse
				}
				select {
				case <-stop:
					done <- max
					return
				case <-tick.C:
				}
			}
		}()
		s, err := tbl.Snapshot(ctx)
		close(stop)
		p := <-done
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Files()) != n {
			b.Fatalf("%d files", len(s.Files()))
		}
		if p > m0.HeapInuse && p-m0.HeapInuse > peak {
			peak = p - m0.HeapInuse
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "adds/s")
	b.ReportMetric(float64(peak), "peak-heap-bytes")
}

// BenchmarkScanDeletionVector scans a 1,000,000-row file whose deletion
// vector (bitset containers, on disk) deletes every tenth row.
func BenchmarkScanDeletionVector(b *testing.B) {
	const n = 1 << 20
	ctx := context.Background()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, ids(0, n), WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	var containers []testContainer
	for key := 0; key < n>>16; key++ {
		var vals []uint16
		for v := 0; v < 1<<16; v++ {
			if (key<<16+v)%10 == 0 {
				vals = append(vals, uint16(v))
			}
		}
		containers = append(containers, testContainer{key: uint16(key), kind: "bitset", values: vals})
	}
	bm := encodeDV(map[uint32][]testContainer{0: containers})
	file, offs := dvFile(bm)
	if err := st.Put(ctx, "deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", file); err != nil {
		b.Fatal(err)
	}
	f := snap.Files()[0]
	add := f
	add.DeletionVector = &DeletionVector{StorageType: "u", PathOrInlineDv: "^-aqEH.-t@S}K{vb[*k^", Offset: &offs[0], SizeInBytes: int32(len(bm)), Cardinality: (n + 9) / 10}
	body, _ := MarshalActions([]Action{
		{Protocol: &Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"deletionVectors"}, WriterFeatures: []string{"deletionVectors"}}},
		{Remove: &RemoveFile{Path: f.Path, DataChange: true}}, {Add: &add},
	})
	if err := st.PutIfAbsent(ctx, commitPath(1), body); err != nil {
		b.Fatal(err)
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(8 * n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := snap.Scan(ctx, ScanOptions{})
		if err != nil {
			b.Fatal(err)
		}
		bs, err := batch.ReadAll(ctx, r)
		if err != nil {
			b.Fatal(err)
		}
		if got := batch.NumRows(bs); got != n-(n+9)/10 {
			b.Fatalf("%d rows", got)
		}
		batch.Release(bs)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
