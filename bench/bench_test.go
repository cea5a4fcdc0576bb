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
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ingotdata/ingot/batch"
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

// readingsSchema is the seed's silver table: one heart-rate reading per row.
var readingsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "device_id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "mrn", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "datetime", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "heartrate", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "patient_name", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// makeReadings builds n readings in batches of 64Ki rows, deterministically:
// 34 patients, like the seed's data set.
func makeReadings(n int) []arrow.RecordBatch {
	const patients, batchRows = 34, 1 << 16
	start := time.Date(2019, 11, 27, 14, 0, 0, 0, time.UTC).UnixMicro()
	var out []arrow.RecordBatch
	b := array.NewRecordBuilder(memory.DefaultAllocator, readingsSchema)
	defer b.Release()
	dev := b.Field(0).(*array.Int32Builder)
	mrn := b.Field(1).(*array.Int64Builder)
	ts := b.Field(2).(*array.TimestampBuilder)
	hr := b.Field(3).(*array.Float64Builder)
	name := b.Field(4).(*array.StringBuilder)
	for i := 0; i < n; i++ {
		p := (i * 7919) % patients
		dev.Append(int32(1 + (i*31)%40))
		mrn.Append(int64(10_000_000 + p*104_729))
		ts.Append(arrow.Timestamp(start + int64(i)*1_000_000 + int64(i*7717%1_000_000)))
		hr.Append(55 + float64(p) + float64(i%997)/100)
		name.Append("Patient " + strconv.Itoa(p))
		if (i+1)%batchRows == 0 || i == n-1 {
			out = append(out, b.NewRecordBatch())
		}
	}
	return out
}

func arrowBytes(bs []arrow.RecordBatch) int64 {
	var n int64
	for _, r := range bs {
		for _, c := range r.Columns() {
			for _, buf := range c.Data().Buffers() {
				if buf != nil {
					n += int64(buf.Len())
				}
			}
		}
	}
	return n
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
	recs := makeReadings(n)
	defer batch.Release(recs)
	size := arrowBytes(recs)

	b.Run("engine=ingot", func(b *testing.B) {
		root := b.TempDir()
		b.SetBytes(size)
		for i := 0; b.Loop(); i++ {
			dir := filepath.Join(root, strconv.Itoa(i))
			tbl, err := delta.Open(ctx, mustLocal(b, mkdir(b, dir)))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tbl.Write(ctx, batch.FromSlice(readingsSchema, retained(recs)...), delta.WriteOptions{Mode: delta.ModeOverwrite}); err != nil {
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
			rr, err := array.NewRecordReader(readingsSchema, recs)
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
	if _, err := tbl.Write(ctx, batch.FromSlice(readingsSchema, makeReadings(n)...), delta.WriteOptions{}); err != nil {
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
