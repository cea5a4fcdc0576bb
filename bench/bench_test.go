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
	"github.com/ingotdata/ingot/bench/internal/paired"
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

// scratch hands out a fresh output path per operation and removes the
// previous one, so a long benchmark does not fill the disk; both engines pay
// the same removal.
type scratch struct {
	root, prev string
	i          int
}

func (s *scratch) next(tb testing.TB, suffix string) string {
	if s.prev != "" {
		if err := os.RemoveAll(s.prev); err != nil {
			tb.Fatal(err)
		}
	}
	s.i++
	s.prev = filepath.Join(s.root, strconv.Itoa(s.i)+suffix)
	return s.prev
}

// BenchmarkWriteParquet: Arrow batches in memory to snappy Parquet on local
// disk. ingot writes a Delta table (data files of FileRows rows, per-file
// stats, one commit); DuckDB runs COPY ... TO one Parquet file. MB/s counts
// the Arrow input.
func BenchmarkWriteParquet(b *testing.B) {
	ctx := context.Background()
	n := benchRows(b)
	recs := benchdata.MakeReadings(nil, n)
	defer batch.Release(recs)
	ar := duckArrow(b)
	ingotOut, duckOut := &scratch{root: b.TempDir()}, &scratch{root: b.TempDir()}

	paired.Run(b, paired.Pair{
		Rows:  int64(n),
		Bytes: benchdata.ArrowBytes(recs),
		Ingot: func(b *testing.B) {
			tbl, err := delta.Open(ctx, mustLocal(b, mkdir(b, ingotOut.next(b, ""))))
			if err != nil {
				b.Fatal(err)
			}
			data := batch.FromSlice(benchdata.ReadingsSchema, retained(recs)...)
			if _, err := tbl.Write(ctx, data, delta.WriteOptions{TargetFileRows: benchdata.FileRows}); err != nil {
				b.Fatal(err)
			}
		},
		DuckDB: func(b *testing.B) {
			rr, err := array.NewRecordReader(benchdata.ReadingsSchema, recs)
			if err != nil {
				b.Fatal(err)
			}
			defer rr.Release()
			release, err := ar.RegisterView(rr, "readings")
			if err != nil {
				b.Fatal(err)
			}
			defer release()
			q := fmt.Sprintf("COPY (SELECT * FROM readings) TO %s (FORMAT parquet, COMPRESSION snappy)",
				quoteString(duckOut.next(b, ".parquet")))
			res, err := ar.QueryContext(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			res.Release()
		},
	})
}

// BenchmarkScanParquet: a Delta table's live Parquet files (written once by
// ingot, FileRows rows per file) decoded into Arrow batches in Go. ingot
// scans its snapshot; DuckDB runs SELECT * over the same files and hands
// over Arrow batches. MB/s counts the Parquet bytes read.
func BenchmarkScanParquet(b *testing.B) {
	ctx := context.Background()
	n := benchRows(b)
	dir := b.TempDir()
	tbl, err := delta.Open(ctx, mustLocal(b, dir))
	if err != nil {
		b.Fatal(err)
	}
	data := batch.FromSlice(benchdata.ReadingsSchema, benchdata.MakeReadings(nil, n)...)
	if _, err := tbl.Write(ctx, data, delta.WriteOptions{TargetFileRows: benchdata.FileRows}); err != nil {
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
	ar := duckArrow(b)
	q := "SELECT * FROM read_parquet([" + strings.Join(files, ", ") + "])"

	paired.Run(b, paired.Pair{
		Rows:  int64(n),
		Bytes: size,
		Ingot: func(b *testing.B) {
			r, err := snap.Scan(ctx, delta.ScanOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if got := drain(b, ctx, r); got != int64(n) {
				b.Fatalf("ingot scanned %d rows, want %d", got, n)
			}
		},
		DuckDB: func(b *testing.B) {
			rr, err := ar.QueryContext(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			defer rr.Release()
			var got int64
			for rr.Next() {
				got += rr.RecordBatch().NumRows()
			}
			if err := rr.Err(); err != nil {
				b.Fatal(err)
			}
			if got != int64(n) {
				b.Fatalf("DuckDB scanned %d rows, want %d", got, n)
			}
		},
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
