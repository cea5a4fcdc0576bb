package stream

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ingotdata/ingot/internal/plan"
)

// benchInput writes files of rows JSON events and returns their total size.
func benchInput(b *testing.B, dir string, files, rows int) int64 {
	b.Helper()
	var size int64
	for i := range files {
		writeEvents(b, dir, fmt.Sprintf("f%03d.json", i), i, int64(i*rows), int64((i+1)*rows))
		fi, err := os.Stat(filepath.Join(dir, fmt.Sprintf("f%03d.json", i)))
		if err != nil {
			b.Fatal(err)
		}
		size += fi.Size()
	}
	return size
}

// benchQuery runs a fresh AvailableNow query over in per iteration and
// reports MB/s of JSON input and rows/s.
func benchQuery(b *testing.B, makePlan func(SourceSpec) plan.Node, mode OutputMode) {
	const files, rows = 4, 25000
	root := b.TempDir()
	in := filepath.Join(root, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		b.Fatal(err)
	}
	size := benchInput(b, in, files, rows)
	b.SetBytes(size)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(root, fmt.Sprint("run", i))
		cfg := Config{Checkpoint: localStore(b, filepath.Join(dir, "cp")), Plan: makePlan(fileSpec(b, in, 1)),
			Sink: NewDeltaSink(openTable(b, filepath.Join(dir, "out")), nil), Trigger: Trigger{Kind: AvailableNow}, OutputMode: mode}
		q, err := Start(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := q.AwaitTermination(context.Background()); err != nil {
			b.Fatal(err)
		}
		if got := inputRows(q); got != files*rows {
			b.Fatalf("read %d rows, want %d", got, files*rows)
		}
	}
	b.ReportMetric(float64(b.N*files*rows)/time.Since(start).Seconds(), "rows/s")
}

// BenchmarkFileToDelta is the bronze step: JSON files to a Delta table,
// one file per micro-batch.
func BenchmarkFileToDelta(b *testing.B) { benchQuery(b, scanPlan, Append) }

// BenchmarkStreamingAggregation is the gold step: a complete-mode groupBy
// whose state is saved and reloaded every batch.
func BenchmarkStreamingAggregation(b *testing.B) {
	benchQuery(b, func(s SourceSpec) plan.Node { return groupPlan(s) }, Complete)
}
