package textreadtest

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/ingotdata/ingot/batch"
)

// BenchRead opens and drains a reader of size bytes and rows rows per
// iteration, checking the row count and reporting MB/s and rows/s.
func BenchRead(b *testing.B, size, rows int, open func() (batch.Reader, error)) {
	b.Helper()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		r, err := open()
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rec, err := r.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n += int(rec.NumRows())
			rec.Release()
		}
		r.Close()
		if n != rows {
			b.Fatalf("rows = %d, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchInfer runs infer over size bytes and rows rows per iteration,
// reporting MB/s and rows/s.
func BenchInfer(b *testing.B, size, rows int, infer func() error) {
	b.Helper()
	b.SetBytes(int64(size))
	for b.Loop() {
		if err := infer(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
