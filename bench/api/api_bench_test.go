package api

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ingotdata/ingot"
	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/bench/internal/benchdata"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/storage"
)

// benchRows is the size of the data set (INGOT_BENCH_ROWS overrides 1Mi).
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

func openDuck(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	return db
}

func newSession(tb testing.TB) *ingot.Session {
	tb.Helper()
	s, err := ingot.NewSession(context.Background(), ingot.Config{Warehouse: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func reportRate(b *testing.B, rowsPerOp int64) {
	b.ReportMetric(float64(rowsPerOp)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkJSONCount: count the readings in the seed-shaped tracker files
// (multi-line JSON arrays of string values), schema inference included on
// both sides. MB/s counts the JSON bytes.
func BenchmarkJSONCount(b *testing.B) {
	ctx := context.Background()
	n := benchRows(b)
	const files = 16
	rows := (n + files - 1) / files
	dir := b.TempDir()
	size, err := benchdata.WriteTrackerJSON(dir, files, rows)
	if err != nil {
		b.Fatal(err)
	}
	want := int64(files * rows)

	b.Run("engine=ingot", func(b *testing.B) {
		s := newSession(b)
		b.SetBytes(size)
		for b.Loop() {
			df, err := s.Read().Format("json").Option("multiLine", "true").Load(ctx, dir)
			if err != nil {
				b.Fatal(err)
			}
			got, err := df.Count(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if got != want {
				b.Fatalf("count = %d, want %d", got, want)
			}
		}
		reportRate(b, want)
	})
	b.Run("engine=duckdb", func(b *testing.B) {
		db := openDuck(b)
		q := "SELECT count(*) FROM read_json(" + quote(filepath.Join(dir, "*.json")) + ", format='array')"
		b.SetBytes(size)
		for b.Loop() {
			var got int64
			if err := db.QueryRow(q).Scan(&got); err != nil {
				b.Fatal(err)
			}
			if got != want {
				b.Fatalf("count = %d, want %d", got, want)
			}
		}
		reportRate(b, want)
	})
}

// BenchmarkGoldAggregate: the seed's gold query (per patient,
// ceil(avg(heartrate)) and count(device_id)) over a Delta table of readings.
// ingot loads the table through the DataFrame API; DuckDB runs GROUP BY over
// the table's live Parquet files. MB/s counts the Parquet bytes.
func BenchmarkGoldAggregate(b *testing.B) {
	ctx := context.Background()
	n := benchRows(b)
	dir := b.TempDir()
	st, err := storage.NewLocal(dir)
	if err != nil {
		b.Fatal(err)
	}
	tbl, err := delta.Open(ctx, st)
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
		files = append(files, quote(filepath.Join(dir, filepath.FromSlash(f.Path))))
		size += f.Size
	}

	b.Run("engine=ingot", func(b *testing.B) {
		s := newSession(b)
		b.SetBytes(size)
		for b.Loop() {
			df, err := s.Read().Format("delta").Load(ctx, dir)
			if err != nil {
				b.Fatal(err)
			}
			rows, err := df.GroupBy("patient_name").
				Agg(ingot.Ceiling(ingot.Avg("heartrate")).Alias("avg_heartrate"), ingot.Count("device_id").Alias("count")).
				Collect(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if len(rows) != benchdata.Patients {
				b.Fatalf("%d groups, want %d", len(rows), benchdata.Patients)
			}
		}
		reportRate(b, int64(n))
	})
	b.Run("engine=duckdb", func(b *testing.B) {
		db := openDuck(b)
		q := "SELECT patient_name, ceil(avg(heartrate)) AS avg_heartrate, count(device_id) AS count FROM read_parquet([" +
			strings.Join(files, ", ") + "]) GROUP BY patient_name"
		b.SetBytes(size)
		for b.Loop() {
			rs, err := db.Query(q)
			if err != nil {
				b.Fatal(err)
			}
			groups := 0
			for rs.Next() {
				groups++
			}
			err = rs.Err()
			rs.Close()
			if err != nil {
				b.Fatal(err)
			}
			if groups != benchdata.Patients {
				b.Fatalf("%d groups, want %d", groups, benchdata.Patients)
			}
		}
		reportRate(b, int64(n))
	})
}
