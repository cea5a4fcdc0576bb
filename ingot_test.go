package ingot_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ingotdata/ingot"
	"github.com/ingotdata/ingot/internal/catalog"
	"github.com/ingotdata/ingot/types"
)

func newSession(t *testing.T) (*ingot.Session, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := ingot.NewSession(context.Background(), ingot.Config{Warehouse: filepath.Join(dir, "wh"), Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// must(t).df(f()) fails the test when f returns an error or a failed
// DataFrame (Go passes a two-value call only as a function's sole arguments).
type checker struct{ t *testing.T }

func must(t *testing.T) checker { return checker{t} }

func (c checker) df(df *ingot.DataFrame, err error) *ingot.DataFrame {
	t := c.t
	t.Helper()
	if err == nil {
		err = df.Err()
	}
	if err != nil {
		t.Fatal(err)
	}
	return df
}

func strings2D(t *testing.T, df *ingot.DataFrame) string {
	t.Helper()
	rows, err := df.CollectStrings(context.Background(), "NULL")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ","))
		b.WriteByte('\n')
	}
	return b.String()
}

const patientsCSV = "mrn,name\n23940128,Caitlin Garcia\n18064290,Anthony Perez\n95384990,Tanya Diaz\n"

func TestCSVToDeltaAndBack(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	csvPath := filepath.Join(dir, "patient_info.csv")
	writeFile(t, csvPath, patientsCSV)

	df := must(t).df(s.Read().Format("csv").Options(map[string]string{"header": "true", "inferSchema": "true"}).Load(ctx, csvPath))
	if got, want := df.PrintSchema(), "root\n |-- mrn: integer (nullable = true)\n |-- name: string (nullable = true)\n"; got != want {
		t.Fatalf("schema:\n%s\nwant\n%s", got, want)
	}
	if n, err := df.Count(ctx); err != nil || n != 3 {
		t.Fatalf("count = %d, %v; want 3", n, err)
	}
	must(t).df(s.SQL(ctx, "CREATE DATABASE IF NOT EXISTS hc COMMENT 'c' WITH DBPROPERTIES (contains_pii = true)"))
	if err := df.Write().Mode("overwrite").Format("delta").SaveAsTable(ctx, "hc.dim_patients"); err != nil {
		t.Fatal(err)
	}
	back := must(t).df(s.Read().Format("delta").Table(ctx, "hc.dim_patients"))
	if got, want := strings2D(t, back.OrderBy("mrn")), "18064290,Anthony Perez\n23940128,Caitlin Garcia\n95384990,Tanya Diaz\n"; got != want {
		t.Fatalf("rows:\n%s\nwant\n%s", got, want)
	}
	// Overwrite replaces, append adds.
	if err := df.Limit(1).Write().Mode("overwrite").Format("delta").SaveAsTable(ctx, "hc.dim_patients"); err != nil {
		t.Fatal(err)
	}
	if err := df.Write().Mode("append").Format("delta").SaveAsTable(ctx, "hc.dim_patients"); err != nil {
		t.Fatal(err)
	}
	if n, err := back.Count(ctx); err != nil || n != 4 {
		t.Fatalf("after overwrite+append: count = %d, %v; want 4 (a DataFrame over a table reads its latest version)", n, err)
	}
	// Time travel pins the first version.
	v0 := must(t).df(s.Read().Format("delta").Option("versionAsOf", 0).Table(ctx, "hc.dim_patients"))
	if n, err := v0.Count(ctx); err != nil || n != 3 {
		t.Fatalf("version 0 count = %d, %v; want 3", n, err)
	}
	// Default mode refuses to overwrite an existing table.
	if err := df.Write().SaveAsTable(ctx, "hc.dim_patients"); err == nil || !strings.Contains(err.Error(), "TABLE_OR_VIEW_ALREADY_EXISTS") {
		t.Fatalf("errorifexists: err = %v", err)
	}
	// SHOW TABLES lists it, with Spark's columns.
	must(t).df(s.SQL(ctx, "USE hc"))
	tables := must(t).df(s.SQL(ctx, "SHOW TABLES"))
	if got := strings.Join(tables.Columns(), ","); got != "namespace,tableName,isTemporary" {
		t.Fatalf("SHOW TABLES columns = %s", got)
	}
	if got, want := strings2D(t, tables), "hc,dim_patients,false\n"; got != want {
		t.Fatalf("SHOW TABLES = %q, want %q", got, want)
	}
}

func TestJoinAggregateLikeTheSeed(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	writeFile(t, filepath.Join(dir, "p.csv"), patientsCSV)
	writeFile(t, filepath.Join(dir, "r", "1.json"), `[
 {"device_id": "1", "mrn": "23940128", "time": "1700000000000000", "heartrate": "60.5"},
 {"device_id": "2", "mrn": "23940128", "time": "1700000001000000", "heartrate": "70.0"},
 {"device_id": "3", "mrn": "18064290", "time": "1700000002500000", "heartrate": "80.1"},
 {"device_id": "4", "mrn": "99999999", "time": "1700000003000000", "heartrate": "90"},
 {"device_id": "x", "mrn": "18064290", "time": "1700000004000000", "heartrate": "bad"}
]`)
	patients := must(t).df(s.Read().Option("header", true).Option("inferSchema", true).CSV(ctx, filepath.Join(dir, "p.csv")))
	readings := must(t).df(s.Read().Option("multiLine", true).JSON(ctx, filepath.Join(dir, "r")))
	if got, want := readings.PrintSchema(), "root\n |-- device_id: string (nullable = true)\n |-- heartrate: string (nullable = true)\n |-- mrn: string (nullable = true)\n |-- time: string (nullable = true)\n"; got != want {
		t.Fatalf("inferred JSON schema:\n%s\nwant\n%s", got, want)
	}
	silver := readings.Join(patients, "mrn").Select(
		ingot.Col("device_id").Cast(types.Integer),
		ingot.Col("mrn").Cast(types.Long),
		ingot.Col("time").Divide(1e6).Cast(types.Timestamp).Alias("datetime"),
		ingot.Col("heartrate").Cast(types.Double),
		ingot.Col("name").Alias("patient_name"),
	)
	must(t).df(silver, nil)
	if got, want := silver.PrintSchema(), "root\n |-- device_id: integer (nullable = true)\n |-- mrn: long (nullable = true)\n |-- datetime: timestamp (nullable = true)\n |-- heartrate: double (nullable = true)\n |-- patient_name: string (nullable = true)\n"; got != want {
		t.Fatalf("silver schema:\n%s\nwant\n%s", got, want)
	}
	if got, want := strings2D(t, silver.OrderBy("datetime")),
		"1,23940128,2023-11-14 22:13:20,60.5,Caitlin Garcia\n"+
			"2,23940128,2023-11-14 22:13:21,70.0,Caitlin Garcia\n"+
			"3,18064290,2023-11-14 22:13:22.5,80.1,Anthony Perez\n"+
			"NULL,18064290,2023-11-14 22:13:24,NULL,Anthony Perez\n"; got != want {
		t.Fatalf("silver rows:\n%s\nwant\n%s", got, want)
	}
	gold := silver.GroupBy("patient_name").Agg(
		ingot.Ceiling(ingot.Avg("heartrate")).Alias("avg_heartrate"),
		ingot.Count("device_id").Alias("count"),
	).OrderBy(ingot.Desc("avg_heartrate"))
	must(t).df(gold, nil)
	if got, want := gold.PrintSchema(), "root\n |-- patient_name: string (nullable = true)\n |-- avg_heartrate: long (nullable = true)\n |-- count: long (nullable = false)\n"; got != want {
		t.Fatalf("gold schema:\n%s\nwant\n%s", got, want)
	}
	if got, want := strings2D(t, gold), "Anthony Perez,81,1\nCaitlin Garcia,66,2\n"; got != want {
		t.Fatalf("gold rows:\n%s\nwant\n%s", got, want)
	}
	show, err := gold.ShowString(ctx, 20, true)
	if err != nil {
		t.Fatal(err)
	}
	wantShow := "+--------------+-------------+-----+\n" +
		"|  patient_name|avg_heartrate|count|\n" +
		"+--------------+-------------+-----+\n" +
		"| Anthony Perez|           81|    1|\n" +
		"|Caitlin Garcia|           66|    2|\n" +
		"+--------------+-------------+-----+\n"
	if show != wantShow {
		t.Fatalf("show:\n%s\nwant\n%s", show, wantShow)
	}
}

func TestAnalysisErrors(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	writeFile(t, filepath.Join(dir, "p.csv"), patientsCSV)
	df := must(t).df(s.Read().Option("header", true).CSV(ctx, filepath.Join(dir, "p.csv")))
	for _, tc := range []struct {
		name string
		df   *ingot.DataFrame
		want string
	}{
		{"unknown column", df.Select("nmae"), "UNRESOLVED_COLUMN"},
		{"bad cast name", df.Select(ingot.Col("mrn").CastTo("text")), "UNSUPPORTED_DATATYPE"},
		{"bad join type", df.Join(df, "mrn", "sideways"), "UNSUPPORTED_JOIN_TYPE"},
		{"error sticks", df.Select("nope").Filter(ingot.Col("mrn").Gt(1)), "UNRESOLVED_COLUMN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.df.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Err() = %v, want %s", err, tc.want)
			}
			if _, err := tc.df.Count(ctx); err == nil {
				t.Fatal("Count succeeded on a failed DataFrame")
			}
		})
	}
	if _, err := s.Table(ctx, "nodb.t"); !errors.Is(err, catalog.ErrTableNotFound) && !errors.Is(err, catalog.ErrDatabaseNotFound) {
		t.Fatalf("missing table: %v", err)
	}
	if _, err := s.Read().Format("csv").Load(ctx, filepath.Join(dir, "missing.csv")); err == nil || !strings.Contains(err.Error(), "PATH_NOT_FOUND") {
		t.Fatalf("missing path: %v", err)
	}
}

func TestCatalogSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wh := filepath.Join(dir, "wh")
	s1, err := ingot.NewSession(ctx, ingot.Config{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	must(t).df(s1.SQL(ctx, "CREATE DATABASE d1 COMMENT 'first' WITH DBPROPERTIES (purpose = 'test', n = 3)"))
	must(t).df(s1.SQL(ctx, "CREATE TABLE d1.t (a INT, b STRING) USING DELTA"))
	must(t).df(s1.SQL(ctx, "INSERT INTO d1.t VALUES (1, 'x'), (2, NULL)"))
	s1.Close()

	s2, err := ingot.NewSession(ctx, ingot.Config{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, want := strings2D(t, must(t).df(s2.SQL(ctx, "SELECT a, b FROM d1.t ORDER BY a"))), "1,x\n2,NULL\n"; got != want {
		t.Fatalf("after restart: %q want %q", got, want)
	}
	desc := strings2D(t, must(t).df(s2.SQL(ctx, "DESCRIBE DATABASE EXTENDED d1")))
	for _, want := range []string{"Namespace Name,d1", "Comment,first", "Properties,((n,3),(purpose,test))"} {
		if !strings.Contains(desc, want) {
			t.Fatalf("DESCRIBE DATABASE EXTENDED lacks %q:\n%s", want, desc)
		}
	}
	must(t).df(s2.SQL(ctx, "DROP DATABASE d1 CASCADE"))
	if _, err := s2.SQL(ctx, "USE d1"); err == nil || !strings.Contains(err.Error(), "SCHEMA_NOT_FOUND") {
		t.Fatalf("USE dropped db: %v", err)
	}
}

// A streaming write into a table with a CHECK constraint enforces it: the
// violating batch fails the query and nothing of it is committed.
func TestStreamingSinkEnforcesConstraints(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	must(t).df(s.SQL(ctx, "CREATE TABLE readings (id BIGINT, hr DOUBLE) USING DELTA"))
	must(t).df(s.SQL(ctx, "ALTER TABLE readings ADD CONSTRAINT positive CHECK (hr > 0)"))
	in := filepath.Join(dir, "in")
	writeFile(t, filepath.Join(in, "1.json"), `{"id": 1, "hr": 60.5}`+"\n"+`{"id": 2, "hr": -1.0}`+"\n")
	schema := types.NewStruct(types.Field("id", types.Long), types.Field("hr", types.Double))
	df := must(t).df(s.ReadStream().Schema(schema).JSON(ctx, in))
	q, err := df.WriteStream().Trigger(ingot.AvailableNow()).Option("checkpointLocation", filepath.Join(dir, "chk")).ToTable(ctx, "readings")
	if err != nil {
		t.Fatal(err)
	}
	if err := q.AwaitTermination(ctx); err == nil || !strings.Contains(err.Error(), "DELTA_VIOLATE_CONSTRAINT_WITH_VALUES") {
		t.Fatalf("AwaitTermination = %v, want a constraint violation", err)
	}
	if n, err := must(t).df(s.Table(ctx, "readings")).Count(ctx); err != nil || n != 0 {
		t.Fatalf("readings has %d rows (%v), want 0: the violating batch must not commit", n, err)
	}
}

// TIMESTAMP AS OF (SQL) and timestampAsOf (reader option) pick the latest
// version committed at or before the time: commit times are the commit
// files' modification times, set here to known instants.
func TestTimestampAsOf(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	must(t).df(s.SQL(ctx, "CREATE TABLE ev (id INT) USING DELTA")) // version 0
	must(t).df(s.SQL(ctx, "INSERT INTO ev VALUES (1), (2)"))       // version 1
	must(t).df(s.SQL(ctx, "INSERT INTO ev VALUES (3)"))            // version 2
	loc := filepath.Join(s.Warehouse(), "ev", "_delta_log")
	for v, day := range []string{"2024-01-01", "2024-02-01", "2024-03-01"} {
		ts, _ := time.Parse("2006-01-02", day)
		if err := os.Chtimes(filepath.Join(loc, fmt.Sprintf("%020d.json", v)), ts, ts); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		at   string
		want int64
	}{{"2024-01-15", 0}, {"2024-02-01 00:00:00", 2}, {"2024-02-20 12:00:00", 2}, {"2030-01-01", 3}} {
		q := fmt.Sprintf("SELECT count(*) FROM ev TIMESTAMP AS OF '%s'", tc.at)
		if tc.at == "2030-01-01" {
			q = "SELECT count(*) FROM ev"
		}
		if got := strings2D(t, must(t).df(s.SQL(ctx, q))); got != fmt.Sprintf("%d\n", tc.want) {
			t.Errorf("%s: got %q, want %d", q, got, tc.want)
		}
	}
	df := must(t).df(s.Read().Format("delta").Option("timestampAsOf", "2024-02-10").Table(ctx, "ev"))
	if n, err := df.Count(ctx); err != nil || n != 2 {
		t.Errorf("timestampAsOf option: count = %d, %v; want 2", n, err)
	}
	if _, err := s.SQL(ctx, "SELECT * FROM ev TIMESTAMP AS OF '2023-01-01'"); err == nil || !strings.Contains(err.Error(), "DELTA_TIMESTAMP_OUT_OF_RANGE") {
		t.Errorf("before the first commit: err = %v", err)
	}
}

func TestReadChangeFeedOption(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	must(t).df(s.SQL(ctx, "CREATE TABLE cf (id INT) USING DELTA TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')"))
	must(t).df(s.SQL(ctx, "INSERT INTO cf VALUES (1), (2)"))
	must(t).df(s.SQL(ctx, "DELETE FROM cf WHERE id = 2"))
	df := must(t).df(s.Read().Format("delta").Option("readChangeFeed", true).Option("startingVersion", 2).Table(ctx, "cf"))
	if got, want := strings2D(t, df.Select("id", "_change_type", "_commit_version")), "2,delete,2\n"; got != want {
		t.Fatalf("changes from version 2: %q, want %q", got, want)
	}
	if _, err := s.Read().Option("readChangeFeed", true).Table(ctx, "cf"); err == nil || !strings.Contains(err.Error(), "startingVersion") {
		t.Fatalf("without a start: err = %v", err)
	}
}

// Column invariants (delta.invariants in the column metadata, the form
// older Delta writers use for per-column checks) are enforced on writes
// like CHECK constraints.
func TestColumnInvariantsEnforced(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	loc := filepath.Join(dir, "inv")
	schema := `{"type":"struct","fields":[{"name":"hr","type":"double","nullable":true,"metadata":{"delta.invariants":"{\"expression\":{\"expression\":\"hr > 0\"}}"}}]}`
	commit := `{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}` + "\n" +
		`{"metaData":{"id":"5e1c0f2a-0000-4000-8000-000000000001","format":{"provider":"parquet","options":{}},"schemaString":` +
		strconv.Quote(schema) + `,"partitionColumns":[],"configuration":{},"createdTime":1700000000000}}` + "\n"
	writeFile(t, filepath.Join(loc, "_delta_log", "00000000000000000000.json"), commit)
	must(t).df(s.SQL(ctx, "CREATE TABLE inv USING DELTA LOCATION '"+loc+"'"))
	if _, err := s.SQL(ctx, "INSERT INTO inv VALUES (-1.5)"); err == nil || !strings.Contains(err.Error(), "invariant(hr)") {
		t.Fatalf("violating insert: err = %v, want the invariant named", err)
	}
	must(t).df(s.SQL(ctx, "INSERT INTO inv VALUES (72.5)"))
	if got := strings2D(t, must(t).df(s.SQL(ctx, "SELECT hr FROM inv"))); got != "72.5\n" {
		t.Fatalf("rows = %q, want only the valid one", got)
	}
}

// A stream's sink table honours PartitionBy when the query creates it; the
// query outlives a cancelled start context; AwaitAnyTermination returns
// when any query ends.
func TestStreamingQueryLifecycle(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	in := filepath.Join(dir, "in")
	writeFile(t, filepath.Join(in, "1.json"), `{"id": 1, "p": "a"}`+"\n"+`{"id": 2, "p": "b"}`+"\n")
	schema := types.NewStruct(types.Field("id", types.Long), types.Field("p", types.String))
	df := must(t).df(s.ReadStream().Schema(schema).JSON(ctx, in))

	startCtx, cancel := context.WithCancel(ctx)
	q, err := df.WriteStream().Trigger(ingot.AvailableNow()).PartitionBy("p").
		Option("checkpointLocation", filepath.Join(dir, "chk")).ToTable(startCtx, "parted")
	if err != nil {
		t.Fatal(err)
	}
	cancel() // must not stop the query
	if err := s.Streams().AwaitAnyTermination(ctx); err != nil {
		t.Fatalf("AwaitAnyTermination: %v", err)
	}
	if err := q.Exception(); err != nil {
		t.Fatal(err)
	}
	if n, err := must(t).df(s.Table(ctx, "parted")).Count(ctx); err != nil || n != 2 {
		t.Fatalf("parted has %d rows (%v), want 2: the query must not stop with its start context", n, err)
	}
	for _, p := range []string{"p=a", "p=b"} {
		if _, err := os.Stat(filepath.Join(s.Warehouse(), "parted", p)); err != nil {
			t.Errorf("partition directory %s: %v", p, err)
		}
	}

	// A never-ending query does not hold AwaitAnyTermination back once
	// another has ended.
	s.Streams().ResetTerminated()
	forever, err := df.WriteStream().Trigger(ingot.ProcessingTime(time.Hour)).
		Option("checkpointLocation", filepath.Join(dir, "chk2")).Start(ctx, filepath.Join(dir, "t2"))
	if err != nil {
		t.Fatal(err)
	}
	defer forever.Stop()
	once, err := df.WriteStream().Trigger(ingot.Once()).
		Option("checkpointLocation", filepath.Join(dir, "chk3")).Start(ctx, filepath.Join(dir, "t3"))
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	if err := s.Streams().AwaitAnyTermination(wctx); err != nil {
		t.Fatalf("AwaitAnyTermination with one query done: %v", err)
	}
	if once.IsActive() {
		t.Fatal("the Once query should have ended")
	}
}

// A query resumed from its checkpoint into a sink table that was dropped
// (or replaced) meanwhile fails loudly instead of writing only new data.
func TestResumeIntoReplacedSinkFails(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	in, chk := filepath.Join(dir, "in"), filepath.Join(dir, "chk")
	writeFile(t, filepath.Join(in, "1.json"), `{"id": 1}`+"\n")
	schema := types.NewStruct(types.Field("id", types.Long))
	start := func() error {
		df := must(t).df(s.ReadStream().Schema(schema).JSON(ctx, in))
		q, err := df.WriteStream().Trigger(ingot.AvailableNow()).Option("checkpointLocation", chk).ToTable(ctx, "sink")
		if err != nil {
			return err
		}
		return q.AwaitTermination(ctx)
	}
	if err := start(); err != nil {
		t.Fatal(err)
	}
	must(t).df(s.SQL(ctx, "DROP TABLE sink"))
	writeFile(t, filepath.Join(in, "2.json"), `{"id": 2}`+"\n")
	if err := start(); err == nil || !strings.Contains(err.Error(), "STREAMING_SINK_CHECKPOINT_MISMATCH") {
		t.Fatalf("resume into a dropped sink: err = %v, want STREAMING_SINK_CHECKPOINT_MISMATCH", err)
	}
}
