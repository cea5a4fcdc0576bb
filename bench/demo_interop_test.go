package bench

import (
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestInteropDemoPipeline runs the seed's medallion pipeline with the ingot
// CLI and checks every table it wrote against DuckDB's own reading of the raw
// input: DuckDB reads each table's live Parquet files (found by replaying
// its _delta_log here) and, separately, recomputes bronze, silver and gold
// from the JSON and CSV files with its own SQL. Nothing of ingot's is
// trusted beyond the bytes it left on disk.
func TestInteropDemoPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline")
	}
	work := t.TempDir()
	data, wh := filepath.Join(work, "data"), filepath.Join(work, "warehouse")
	db := openDuck(t)

	runCLI(t, "gen", "--out", data, "--files", "4", "--rows", "250")
	runCLI(t, "demo", "--data", data, "--warehouse", wh)
	t.Run("first-run", func(t *testing.T) { checkPipeline(t, db, data, wh, 1000) })

	// Two more files arrive; a resumed run must process only those: bronze
	// and silver append exactly once, gold (complete mode) replaces its
	// files, which the independent replay must honour through removes.
	runCLI(t, "gen", "--out", data, "--start", "4", "--files", "2", "--rows", "250")
	runCLI(t, "demo", "--data", data, "--warehouse", wh, "--resume")
	t.Run("resumed", func(t *testing.T) { checkPipeline(t, db, data, wh, 1500) })
}

// checkPipeline compares the warehouse's bronze, silver and gold tables with
// DuckDB's own reading of the data set, which holds wantRaw readings.
func checkPipeline(t *testing.T, db *sql.DB, data, wh string, wantRaw int64) {
	tracker := quoteString(filepath.Join(data, "streaming", "tracker", "*.json"))
	patients := quoteString(filepath.Join(data, "batch", "patient_info.csv"))

	// Bronze: every reading, columns as inferred from the JSON. DuckDB reads
	// the raw values as text and casts each to the type bronze declares.
	bronze := findTable(t, wh, "fact_heartbeat_bronze")
	var rawRows int64
	if err := db.QueryRow("SELECT count(*) FROM read_json(" + tracker + ")").Scan(&rawRows); err != nil {
		t.Fatal(err)
	}
	if rawRows != wantRaw {
		t.Fatalf("DuckDB reads %d readings from the generated files, want %d", rawRows, wantRaw)
	}
	var bronzeCols, rawCols []string
	for _, f := range bronze.schema {
		dt, err := duckType(f.typeName())
		if err != nil {
			t.Fatalf("bronze: %v", err)
		}
		bronzeCols = append(bronzeCols, quoteIdent(f.Name))
		rawCols = append(rawCols, fmt.Sprintf("CAST(%s AS %s)", quoteIdent(f.Name), dt))
	}
	wantBronze := queryTuples(t, db, bronze.columnTypes(), fmt.Sprintf(
		"SELECT %s FROM read_json(%s, columns={%s})",
		strings.Join(rawCols, ", "), tracker, varcharColumns(bronze)))
	compareTable(t, db, "bronze", bronze, wantBronze)

	// Silver: readings joined to patients on mrn, with the seed's casts.
	// Spark casts a double to a timestamp as (long)(seconds * 1e6), which
	// truncates; the same double arithmetic is spelled out here.
	silver := findTable(t, wh, "fact_heartbeat_silver")
	silverSQL := `
		WITH r AS (SELECT * FROM read_json(` + tracker + `, columns={device_id: 'VARCHAR', mrn: 'VARCHAR', time: 'VARCHAR', heartrate: 'VARCHAR'})),
		     p AS (SELECT * FROM read_csv(` + patients + `, header=true))
		SELECT TRY_CAST(r.device_id AS INTEGER) AS device_id,
		       TRY_CAST(r.mrn AS BIGINT) AS mrn,
		       make_timestamp(CAST(trunc((TRY_CAST(r.time AS DOUBLE) / 1e6) * 1e6) AS BIGINT)) AS datetime,
		       TRY_CAST(r.heartrate AS DOUBLE) AS heartrate,
		       p.name AS patient_name
		FROM r JOIN p ON TRY_CAST(r.mrn AS BIGINT) = p.mrn`
	wantSilver := queryTuples(t, db, []string{"integer", "long", "timestamp", "double", "string"}, silverSQL)
	if len(wantSilver) == 0 || int64(len(wantSilver)) >= rawRows {
		t.Fatalf("DuckDB's silver has %d of %d rows; the generator should leave a few orphan readings", len(wantSilver), rawRows)
	}
	compareTable(t, db, "silver", silver, wantSilver)

	// Gold: per patient, ceil(avg(heartrate)) and count(device_id), from
	// the raw files, not from ingot's silver table.
	gold := findTable(t, wh, "fact_heartbeat_by_patient_gold")
	wantGold := queryTuples(t, db, []string{"string", "long", "long"}, `
		SELECT patient_name, CAST(ceil(avg(heartrate)) AS BIGINT), count(device_id)
		FROM (`+silverSQL+`) GROUP BY patient_name`)
	goldCols := fmt.Sprintf("SELECT %s, %s, %s FROM (%s)",
		quoteIdent("patient_name"), quoteIdent("avg_heartrate"), quoteIdent("count"), gold.duckQuery(t))
	got := queryTuples(t, db, []string{"string", "long", "long"}, goldCols)
	if d := diffTuples(got, wantGold); d != "" {
		t.Errorf("gold (DuckDB over ingot's live files) vs DuckDB's SQL over the raw files: %s", d)
	}
	checkStats(t, db, gold)
	checkParquetSchema(t, db, gold)
	t.Logf("bronze %d rows in %d files, silver %d rows in %d files, gold %d rows in %d files (version %d)",
		len(wantBronze), len(bronze.live), len(wantSilver), len(silver.live), len(got), len(gold.live), gold.version)
}

// findTable locates the Delta table named name under the warehouse (its
// directory is name, or name.something) and replays its log.
func findTable(t *testing.T, warehouse, name string) *deltaLog {
	t.Helper()
	var found []string
	err := filepath.WalkDir(warehouse, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "_delta_log" {
			base := filepath.Base(filepath.Dir(p))
			if base == name || strings.HasPrefix(base, name+".") {
				found = append(found, filepath.Dir(p))
			}
			return fs.SkipDir
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 {
		t.Fatalf("table %s: found %d Delta tables under %s: %v", name, len(found), warehouse, found)
	}
	return readDeltaLog(t, found[0])
}

// compareTable checks DuckDB's reading of a table's live files against want.
func compareTable(t *testing.T, db *sql.DB, what string, lg *deltaLog, want []tuple) {
	t.Helper()
	got := queryTuples(t, db, lg.columnTypes(), lg.duckQuery(t))
	if d := diffTuples(got, want); d != "" {
		t.Errorf("%s (DuckDB over ingot's live files %s) vs DuckDB over the raw files: %s", what, lg.dir, d)
	}
	checkStats(t, db, lg)
	checkParquetSchema(t, db, lg)
}

// varcharColumns is a read_json columns={...} list reading each of the
// table's columns as text.
func varcharColumns(lg *deltaLog) string {
	var cs []string
	for _, f := range lg.schema {
		cs = append(cs, fmt.Sprintf("%s: 'VARCHAR'", quoteIdent(f.Name)))
	}
	return strings.Join(cs, ", ")
}
