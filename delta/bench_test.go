package delta

import (
	"context"
	"fmt"
	"testing"

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
