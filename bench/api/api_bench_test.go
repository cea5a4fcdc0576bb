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
	"github.com/ingotdata/ingot/bench/internal/paired"
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
	s := newSession(b)
	db := openDuck(b)
	q := "SELECT count(*) FROM read_json(" + quote(filepath.Join(dir, "*.json")) + ", format='array')"

	paired.Run(b, paired.Pair{
		Rows:  want,
		Bytes: size,
		Ingot: func(b *testing.B) {
			df, err := s.Read().Format("json").Option("multiLine", "true").Load(ctx, dir)
			if err != nil {
				b.Fatal(err)
			}
			got, err := df.Count(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if got != want {
				b.Fatalf("ingot count = %d, want %d", got, want)
			}
		},
		DuckDB: func(b *testing.B) {
			var got int64
			if err := db.QueryRow(q).Scan(&got); err != nil {
				b.Fatal(err)
			}
			if got != want {
				b.Fatalf("DuckDB count = %d, want %d", got, want)
			}
		},
	})
}

// BenchmarkGoldAggregate: the seed's gold query (per patient,
// ceil(avg(heartrate)) and count(device_id)) over a Delta table of readings
// (FileRows rows per file). ingot loads the table through the DataFrame API;
// DuckDB runs GROUP BY over the table's live Parquet files. MB/s counts the
// Parquet bytes.
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
		files = append(files, quote(filepath.Join(dir, filepath.FromSlash(f.Path))))
		size += f.Size
	}
	s := newSession(b)
	db := openDuck(b)
	q := "SELECT patient_name, ceil(avg(heartrate)) AS avg_heartrate, count(device_id) AS count FROM read_parquet([" +
		strings.Join(files, ", ") + "]) GROUP BY patient_name"

	paired.Run(b, paired.Pair{
		Rows:  int64(n),
		Bytes: size,
		Ingot: func(b *testing.B) {
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
				b.Fatalf("ingot: %d groups, want %d", len(rows), benchdata.Patients)
			}
		},
		DuckDB: func(b *testing.B) {
			rs, err := db.Query(q)
			if err != nil {
				b.Fatal(err)
			}
			defer rs.Close()
			groups := 0
			for rs.Next() {
				groups++
			}
			if err := rs.Err(); err != nil {
				b.Fatal(err)
			}
			if groups != benchdata.Patients {
				b.Fatalf("DuckDB: %d groups, want %d", groups, benchdata.Patients)
			}
		},
	})
}
