//go:build duckdb_arrow

package bench

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/bench/internal/benchdata"
	"github.com/ingotdata/ingot/delta"
)

// The benchmarks come in pairs, ingot and DuckDB doing the same work on the
// same data in the same run, so the ratio between them is meaningful on
// whatever machine runs them. Both sides hand Arrow batches across the Go
// boundary (DuckDB through its Arrow interface, built with the duckdb_arrow
// tag), so neither pays for database/sql's row-at-a-time scanning.

// benchRows is the size of the benchmark data set (INGOT_BENCH_ROWS
// overrides the default of 1Mi readings).
func benchRows(tb testing.TB) int {
	if s := os.Getenv("INGOT_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			tb.Fatalf("INGOT_BENCH_ROWS=%q: want a positive integer", s)
		}
		return n
	}
	return 1 << 20
}

func retained(bs []arrow.RecordBatch) []arrow.RecordBatch {
	for _, r := range bs {
		r.Retain()
	}
	return append([]arrow.RecordBatch(nil), bs...)
}

// duckArrow opens DuckDB's Arrow interface on a fresh in-memory database.
func duckArrow(b *testing.B) *duckdb.Arrow {
	b.Helper()
	conn, err := duckdb.NewConnector("", nil)
	if err != nil {
		b.Fatal(err)
	}
	c, err := conn.Connect(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	ar, err := duckdb.NewArrowFromConn(c.(driver.Conn))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close(); conn.Close() })
	return ar
}

func reportRate(b *testing.B, rowsPerOp int64) {
	b.ReportMetric(float64(rowsPerOp)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkWriteParquet: Arrow batches in memory to snappy Parquet on local
// disk. ingot writes a Delta table (data files, per-file stats, one commit);
// DuckDB runs COPY ... TO one Parquet file. MB/s counts the Arrow input.
func BenchmarkWriteParquet(b *testing.B) {
	ctx := context.Background()
	n := benchRows(b)
	recs := benchdata.MakeReadings(nil, n)
	defer batch.Release(recs)
	size := benchdata.ArrowBytes(recs)

	b.Run("engine=ingot", func(b *testing.B) {
		root := b.TempDir()
		b.SetBytes(size)
		for i := 0; b.Loop(); i++ {
			dir := filepath.Join(root, strconv.Itoa(i))
			tbl, err := delta.Open(ctx, mustLocal(b, mkdir(b, dir)))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tbl.Write(ctx, batch.FromSlice(benchdata.ReadingsSchema, retained(recs)...), delta.WriteOptions{Mode: delta.ModeOverwrite}); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, int64(n))
	})
	b.Run("engine=duckdb", func(b *testing.B) {
		ar := duckArrow(b)
		root := b.TempDir()
		b.SetBytes(size)
		for i := 0; b.Loop(); i++ {
			rr, err := array.NewRecordReader(benchdata.ReadingsSchema, recs)
			if err != nil {
				b.Fatal(err)
			}
			release, err := ar.RegisterView(rr, "readings")
			if err != nil {
				b.Fatal(err)
			}
			out := filepath.Join(root, strconv.Itoa(i)+".parquet")
			q := fmt.Sprintf("COPY (SELECT * FROM readings) TO %s (FORMAT parquet, COMPRESSION snappy)", quoteString(out))
			res, err := ar.QueryContext(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			res.Release()
			release()
			rr.Release()
		}
		reportRate(b, int64(n))
	})
}

// BenchmarkScanParquet: a Delta table's live Parquet files (written once by
// ingot) decoded into Arrow batches in Go. ingot scans its snapshot; DuckDB
// runs SELECT * over the same files. MB/s counts the Parquet bytes read.
func BenchmarkScanParquet(b *testing.B) {
	ctx := context.Background()
	n := benchRows(b)
	dir := b.TempDir()
	tbl, err := delta.Open(ctx, mustLocal(b, dir))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tbl.Write(ctx, batch.FromSlice(benchdata.ReadingsSchema, benchdata.MakeReadings(nil, n)...), delta.WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var files []string
	var size int64
	for _, f := range snap.Files() {
		files = append(files, quoteString(filepath.Join(dir, filepath.FromSlash(f.Path))))
		size += f.Size
	}

	b.Run("engine=ingot", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			r, err := snap.Scan(ctx, delta.ScanOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if got := drain(b, ctx, r); got != int64(n) {
				b.Fatalf("scanned %d rows, want %d", got, n)
			}
		}
		reportRate(b, int64(n))
	})
	b.Run("engine=duckdb", func(b *testing.B) {
		ar := duckArrow(b)
		q := "SELECT * FROM read_parquet([" + strings.Join(files, ", ") + "])"
		b.SetBytes(size)
		for b.Loop() {
			rr, err := ar.QueryContext(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			var got int64
			for rr.Next() {
				got += rr.RecordBatch().NumRows()
			}
			err = rr.Err()
			rr.Release()
			if err != nil {
				b.Fatal(err)
			}
			if got != int64(n) {
				b.Fatalf("scanned %d rows, want %d", got, n)
			}
		}
		reportRate(b, int64(n))
	})
}

func drain(tb testing.TB, ctx context.Context, r batch.Reader) int64 {
	defer r.Close()
	var rows int64
	for {
		rec, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			tb.Fatal(err)
		}
		rows += rec.NumRows()
		rec.Release()
	}
}

func mkdir(tb testing.TB, dir string) string {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}
