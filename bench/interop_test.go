package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/storage"
)

// sample is one row of the interop tables: every type the seed uses (int,
// bigint, double, string, timestamp) plus boolean, date and decimal, each
// nullable except id.
type sample struct {
	id     int32
	big    int64
	score  float64
	name   string
	ts     time.Time
	flag   bool
	day    time.Time
	amount int64 // unscaled decimal(10,2)
	region string
	null   [9]bool // per column, true when the value is NULL
}

// sampleColumns are the columns in table order with their Delta types.
var sampleColumns = []struct{ name, deltaType string }{
	{"id", "integer"}, {"big", "long"}, {"score", "double"}, {"name", "string"},
	{"ts", "timestamp"}, {"flag", "boolean"}, {"day", "date"},
	{"amount", "decimal(10,2)"}, {"region", "string"},
}

var sampleSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int32},
	{Name: "big", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "flag", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "amount", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
	{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// Partition values that need escaping in directory names and in the log's
// URI paths: a space, a slash, non-ASCII, and NULL.
var regions = []string{"east", "west coast", "a/b", "zürich"}

var names = []string{
	"", "Caitlin Garcia", "Ørjan Ødegård", "日本語の名前",
	"a name that is well over thirty-two characters long", "O'Brien; DROP",
}

// makeSamples draws rows [start, start+n) deterministically. Timestamps
// carry microseconds and reach before 1970; values hit both signs.
func makeSamples(start, n int) []sample {
	base := time.Date(2019, 11, 27, 14, 0, 0, 0, time.UTC)
	out := make([]sample, n)
	for k := range out {
		i := start + k
		s := sample{
			id:     int32(i),
			big:    int64(i)*1_000_000_007 - 3_000_000_000_000,
			score:  float64(i%97)*1.25 - 40.5,
			name:   names[i%len(names)],
			ts:     base.Add(time.Duration(i-150) * 7 * 24 * time.Hour * 53).Add(time.Duration(i*137) * time.Microsecond),
			flag:   i%3 == 0,
			day:    time.Date(1969, 12, 20, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*11),
			amount: int64(i*12345%2_000_000) - 1_000_000,
			region: regions[i%len(regions)],
		}
		for c := 1; c < len(s.null); c++ {
			s.null[c] = (i+c)%(5+c) == 0
		}
		out[k] = s
	}
	return out
}

// tuple is the canonical form of the row, formatted from the Go values.
func (s sample) tuple() tuple {
	vals := []string{
		strconv.Itoa(int(s.id)),
		strconv.FormatInt(s.big, 10),
		canonFloat(s.score),
		s.name,
		s.ts.UTC().Format(tsLayout),
		strconv.FormatBool(s.flag),
		s.day.Format(dateLayout),
		canonDecimal(big.NewInt(s.amount), 2),
		s.region,
	}
	for c, isNull := range s.null {
		if isNull {
			vals[c] = nullText
		}
	}
	return vals
}

// record builds one Arrow batch of rows with typed builders.
func samplesRecord(mem memory.Allocator, rows []sample) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, sampleSchema)
	defer b.Release()
	id := b.Field(0).(*array.Int32Builder)
	bg := b.Field(1).(*array.Int64Builder)
	sc := b.Field(2).(*array.Float64Builder)
	nm := b.Field(3).(*array.StringBuilder)
	ts := b.Field(4).(*array.TimestampBuilder)
	fl := b.Field(5).(*array.BooleanBuilder)
	dy := b.Field(6).(*array.Date32Builder)
	am := b.Field(7).(*array.Decimal128Builder)
	rg := b.Field(8).(*array.StringBuilder)
	for _, s := range rows {
		id.Append(s.id)
		appendOrNull(bg, s.null[1], func() { bg.Append(s.big) })
		appendOrNull(sc, s.null[2], func() { sc.Append(s.score) })
		appendOrNull(nm, s.null[3], func() { nm.Append(s.name) })
		appendOrNull(ts, s.null[4], func() { ts.Append(arrow.Timestamp(s.ts.UnixMicro())) })
		appendOrNull(fl, s.null[5], func() { fl.Append(s.flag) })
		appendOrNull(dy, s.null[6], func() { dy.Append(arrow.Date32FromTime(s.day)) })
		appendOrNull(am, s.null[7], func() { am.Append(decimal128.FromI64(s.amount)) })
		appendOrNull(rg, s.null[8], func() { rg.Append(s.region) })
	}
	return b.NewRecordBatch()
}

func appendOrNull(b array.Builder, isNull bool, appendValue func()) {
	if isNull {
		b.AppendNull()
		return
	}
	appendValue()
}

type interopCommit struct {
	mode       delta.SaveMode
	start, n   int
	targetRows int64
}

func TestInteropDeltaTables(t *testing.T) {
	ctx := context.Background()
	db := openDuck(t)
	for _, tc := range []struct {
		name        string
		partitionBy []string
		commits     []interopCommit
		wantRows    [2]int // the live rows are [start, end) of makeSamples
		// wantCheckpoint: ingot must have written a classic checkpoint,
		// whose add actions DuckDB reads and compares with the replay.
		wantCheckpoint bool
	}{
		{
			name: "plain",
			commits: []interopCommit{
				{delta.ModeAppend, 0, 100, 0},
				{delta.ModeAppend, 100, 150, 60}, // three files
				{delta.ModeOverwrite, 250, 150, 0},
				{delta.ModeAppend, 400, 50, 0},
			},
			wantRows: [2]int{250, 450},
		},
		{
			name:        "partitioned",
			partitionBy: []string{"region", "flag"},
			commits: []interopCommit{
				{delta.ModeAppend, 0, 120, 0},
				{delta.ModeAppend, 120, 80, 0},
				{delta.ModeOverwrite, 200, 100, 0},
				{delta.ModeAppend, 300, 60, 0},
			},
			wantRows: [2]int{200, 360},
		},
		{
			// Past delta.checkpointInterval (10): ingot's snapshot then
			// starts from a checkpoint, the independent replay from JSON.
			name:        "many-commits",
			partitionBy: []string{"region"},
			commits: func() []interopCommit {
				var cs []interopCommit
				for i := 0; i < 13; i++ {
					mode := delta.ModeAppend
					if i == 4 {
						mode = delta.ModeOverwrite
					}
					cs = append(cs, interopCommit{mode, i * 10, 10, 0})
				}
				return cs
			}(),
			wantRows:       [2]int{40, 130},
			wantCheckpoint: true,
		},
		{
			name:        "append-only",
			partitionBy: []string{"day"},
			commits: []interopCommit{
				{delta.ModeAppend, 0, 30, 0},
				{delta.ModeAppend, 30, 30, 0},
			},
			wantRows: [2]int{0, 60},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			writeSamples(t, ctx, mem, dir, tc.partitionBy, tc.commits)

			var want []tuple
			for _, s := range makeSamples(tc.wantRows[0], tc.wantRows[1]-tc.wantRows[0]) {
				want = append(want, s.tuple())
			}
			sortTuples(want)

			lg := readDeltaLog(t, dir)
			if lg.version != int64(len(tc.commits)-1) {
				t.Errorf("log version = %d, want %d", lg.version, len(tc.commits)-1)
			}
			if !equalFoldStrings(lg.partitions, tc.partitionBy) {
				t.Errorf("partitionColumns = %v, want %v", lg.partitions, tc.partitionBy)
			}
			duck := queryTuples(t, db, lg.columnTypes(), lg.duckQuery(t))
			if d := diffTuples(duck, want); d != "" {
				t.Errorf("DuckDB over the live files vs the data written: %s", d)
			}

			tbl, err := delta.Open(ctx, mustLocal(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			snap, err := tbl.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := snapshotPaths(snap), lg.livePaths(); got != want {
				t.Errorf("ingot's live files differ from the independent replay:\ningot: %s\nlog:   %s", got, want)
			}
			r, err := snap.Scan(ctx, delta.ScanOptions{Allocator: mem, BatchSize: 37})
			if err != nil {
				t.Fatal(err)
			}
			if d := diffTuples(readerTuples(t, ctx, r), duck); d != "" {
				t.Errorf("ingot's Snapshot.Scan vs DuckDB: %s", d)
			}

			checkStats(t, db, lg)
			checkParquetSchema(t, db, lg)
			checkCheckpoints(t, db, dir, tc.wantCheckpoint)
		})
	}
}

func equalFoldStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

func mustLocal(tb testing.TB, dir string) storage.Store {
	tb.Helper()
	st, err := storage.NewLocal(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// writeSamples commits each batch of rows to the Delta table at dir.
func writeSamples(tb testing.TB, ctx context.Context, mem memory.Allocator, dir string, partitionBy []string, commits []interopCommit) {
	tb.Helper()
	tbl, err := delta.Open(ctx, mustLocal(tb, dir))
	if err != nil {
		tb.Fatal(err)
	}
	for i, c := range commits {
		rec := samplesRecord(mem, makeSamples(c.start, c.n))
		v, err := tbl.Write(ctx, batch.FromSlice(sampleSchema, rec), delta.WriteOptions{
			Mode: c.mode, PartitionBy: partitionBy, TargetFileRows: c.targetRows,
		})
		if err != nil {
			tb.Fatalf("commit %d (%s): %v", i, c.mode, err)
		}
		if v != int64(i) {
			tb.Fatalf("commit %d landed as version %d", i, v)
		}
	}
}

func snapshotPaths(s *delta.Snapshot) string {
	var ps []string
	for _, f := range s.Files() {
		ps = append(ps, f.Path)
	}
	return fmt.Sprint(sortedCopy(ps))
}

func (lg *deltaLog) livePaths() string {
	var ps []string
	for _, a := range lg.live {
		ps = append(ps, a.Path)
	}
	return fmt.Sprint(sortedCopy(ps))
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// columnTypes lists the table's Delta type names in schema order.
func (lg *deltaLog) columnTypes() []string {
	out := make([]string, len(lg.schema))
	for i, f := range lg.schema {
		out[i] = f.typeName()
	}
	return out
}

// duckQuery reads exactly the live files, in schema order, with DuckDB. A
// partitioned table's files lack the partition columns: each file's values
// come from its add action's partitionValues (NULL when the value is null),
// cast to the column's type, one SELECT per file.
func (lg *deltaLog) duckQuery(tb testing.TB) string {
	tb.Helper()
	if len(lg.live) == 0 {
		tb.Fatalf("deltalog: %s has no live files", lg.dir)
	}
	if len(lg.partitions) == 0 {
		var files []string
		for _, a := range lg.live {
			files = append(files, quoteString(lg.localPath(tb, a)))
		}
		var cols []string
		for _, f := range lg.schema {
			cols = append(cols, quoteIdent(f.Name))
		}
		return fmt.Sprintf("SELECT %s FROM read_parquet([%s], union_by_name=true, hive_partitioning=false)",
			strings.Join(cols, ", "), strings.Join(files, ", "))
	}
	var parts []string
	for _, a := range lg.live {
		var cols []string
		for _, f := range lg.schema {
			if !lg.isPartition(f.Name) {
				cols = append(cols, quoteIdent(f.Name))
				continue
			}
			dt, err := duckType(f.typeName())
			if err != nil {
				tb.Fatal(err)
			}
			v, ok := a.PartitionValues[f.Name]
			if !ok {
				tb.Fatalf("deltalog: add %s has no partition value for %s", a.Path, f.Name)
			}
			lit := "NULL"
			if v != nil {
				lit = quoteString(*v)
			}
			cols = append(cols, fmt.Sprintf("CAST(%s AS %s) AS %s", lit, dt, quoteIdent(f.Name)))
		}
		parts = append(parts, fmt.Sprintf("SELECT %s FROM read_parquet(%s, hive_partitioning=false)",
			strings.Join(cols, ", "), quoteString(lg.localPath(tb, a))))
	}
	return strings.Join(parts, "\nUNION ALL ")
}

// checkStats compares each live file's Delta stats with what DuckDB
// computes from the Parquet file itself: numRecords with count(*), and per
// data column nullCount, minValues and maxValues with DuckDB's aggregates.
func checkStats(t *testing.T, db *sql.DB, lg *deltaLog) {
	t.Helper()
	for _, a := range lg.live {
		if a.Stats == "" {
			t.Errorf("add %s has no stats", a.Path)
			continue
		}
		var st struct {
			NumRecords int64          `json:"numRecords"`
			MinValues  map[string]any `json:"minValues"`
			MaxValues  map[string]any `json:"maxValues"`
			NullCount  map[string]any `json:"nullCount"`
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(a.Stats)))
		dec.UseNumber()
		if err := dec.Decode(&st); err != nil {
			t.Errorf("add %s: stats %q: %v", a.Path, a.Stats, err)
			continue
		}
		file := quoteString(lg.localPath(t, a))
		var count int64
		if err := db.QueryRow("SELECT count(*) FROM read_parquet(" + file + ")").Scan(&count); err != nil {
			t.Fatal(err)
		}
		if st.NumRecords != count {
			t.Errorf("add %s: numRecords = %d, DuckDB counts %d", a.Path, st.NumRecords, count)
		}
		for _, f := range lg.schema {
			if lg.isPartition(f.Name) {
				if _, ok := st.NullCount[f.Name]; ok {
					t.Errorf("add %s: stats cover partition column %s", a.Path, f.Name)
				}
				continue
			}
			checkColumnStats(t, db, file, a.Path, f, count, st.MinValues[f.Name], st.MaxValues[f.Name], st.NullCount[f.Name])
		}
	}
}

func checkColumnStats(t *testing.T, db *sql.DB, file, path string, f logField, count int64, lo, hi, nulls any) {
	t.Helper()
	typ := f.typeName()
	c := quoteIdent(f.Name)
	var dmin, dmax any
	var dnulls int64
	q := fmt.Sprintf("SELECT min(%s), max(%s), count(*) - count(%s) FROM read_parquet(%s)", c, c, c, file)
	if err := db.QueryRow(q).Scan(&dmin, &dmax, &dnulls); err != nil {
		t.Fatalf("duckdb: %v\nquery: %s", err, q)
	}
	where := fmt.Sprintf("add %s column %s (%s)", path, f.Name, typ)
	if n, ok := nulls.(json.Number); !ok || n.String() != strconv.FormatInt(dnulls, 10) {
		t.Errorf("%s: nullCount = %v, DuckDB counts %d nulls", where, nulls, dnulls)
	}
	if dnulls == count { // an all-null column has no bounds
		if lo != nil || hi != nil {
			t.Errorf("%s: all NULL but stats have min %v max %v", where, lo, hi)
		}
		return
	}
	for _, b := range []struct {
		which string
		stat  any
		duck  any
	}{{"minValues", lo, dmin}, {"maxValues", hi, dmax}} {
		if err := statMatches(typ, b.which == "maxValues", b.stat, b.duck); err != nil {
			t.Errorf("%s: %s: %v", where, b.which, err)
		}
	}
}

// statMatches checks one bound from the stats JSON against DuckDB's value,
// allowing the lossy forms the Delta protocol allows: timestamps truncated
// to milliseconds, strings cut to a 32-character prefix (a cut maximum may be
// left out, since a prefix would not bound the real value from above), and
// no bounds for booleans.
func statMatches(typ string, isMax bool, stat, duck any) error {
	if typ == "boolean" {
		if stat == nil {
			return nil
		}
		if stat != duck {
			return fmt.Errorf("stats %v, DuckDB %v", stat, duck)
		}
		return nil
	}
	if stat == nil {
		if s, ok := duck.(string); ok && isMax && utf8.RuneCountInString(s) > 32 {
			return nil
		}
		return fmt.Errorf("missing; DuckDB says %v", duck)
	}
	switch {
	case typ == "string":
		s, ok := stat.(string)
		d, _ := duck.(string)
		want := d
		if utf8.RuneCountInString(d) > 32 {
			want = string([]rune(d)[:32])
			if isMax && ok && s >= d {
				return nil // any upper bound is sound
			}
		}
		if !ok || s != want {
			return fmt.Errorf("stats %q, DuckDB %q (want %q)", stat, d, want)
		}
	case typ == "date":
		d, _ := duck.(time.Time)
		if stat != d.Format(dateLayout) {
			return fmt.Errorf("stats %v, DuckDB %s", stat, d.Format(dateLayout))
		}
	case typ == "timestamp" || typ == "timestamp_ntz":
		d, _ := duck.(time.Time)
		s, _ := stat.(string)
		layout := "2006-01-02T15:04:05.000Z07:00"
		if typ == "timestamp_ntz" {
			layout = "2006-01-02T15:04:05.000"
		}
		st, err := time.Parse(layout, s)
		if err != nil {
			return fmt.Errorf("stats %q: %v", s, err)
		}
		if !st.Equal(d.Truncate(time.Millisecond)) {
			return fmt.Errorf("stats %s, DuckDB %s (truncated to ms: %s)", s, d.UTC().Format(tsLayout), d.Truncate(time.Millisecond).UTC().Format(tsLayout))
		}
	default: // numbers: compare exactly as rationals
		n, ok := stat.(json.Number)
		if !ok {
			return fmt.Errorf("stats %v (%T) is not a JSON number", stat, stat)
		}
		sr, ok := new(big.Rat).SetString(n.String())
		if !ok {
			return fmt.Errorf("stats %s is not a number", n)
		}
		ds, err := canonSQL(typ, duck)
		if err != nil {
			return err
		}
		dr, ok := new(big.Rat).SetString(ds)
		if !ok {
			return fmt.Errorf("DuckDB value %s is not a number", ds)
		}
		if sr.Cmp(dr) != 0 {
			return fmt.Errorf("stats %s, DuckDB %s", n, ds)
		}
	}
	return nil
}

func duckdbDecimal(unscaled int64, scale uint8) duckdb.Decimal {
	return duckdb.Decimal{Width: 10, Scale: scale, Value: big.NewInt(unscaled)}
}

// TestStatMatches pins the stats comparison itself, so a lenient checker
// cannot pass the interop test vacuously.
func TestStatMatches(t *testing.T) {
	ts := time.Date(2020, 1, 2, 3, 4, 5, 678901000, time.UTC)
	long := strings.Repeat("x", 40)
	for _, tc := range []struct {
		name  string
		typ   string
		isMax bool
		stat  any
		duck  any
		ok    bool
	}{
		{"long-equal", "long", false, json.Number("42"), int64(42), true},
		{"long-differs", "long", false, json.Number("41"), int64(42), false},
		{"long-missing", "long", false, nil, int64(42), false},
		{"double-equal", "double", true, json.Number("-40.5"), -40.5, true},
		{"decimal-trailing-zero", "decimal(10,2)", false, json.Number("-620.00"), duckdbDecimal(-62000, 2), true},
		{"decimal-differs", "decimal(10,2)", false, json.Number("-620.01"), duckdbDecimal(-62000, 2), false},
		{"date-equal", "date", false, "2020-01-02", time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), true},
		{"date-differs", "date", false, "2020-01-03", time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), false},
		{"timestamp-truncated", "timestamp", false, "2020-01-02T03:04:05.678Z", ts, true},
		{"timestamp-rounded-up", "timestamp", false, "2020-01-02T03:04:05.679Z", ts, false},
		{"string-equal", "string", false, "abc", "abc", true},
		{"string-min-prefix", "string", false, long[:32], long, true},
		{"string-min-uncut", "string", false, long, long, false},
		{"string-max-left-out", "string", true, nil, long, true},
		{"string-short-max-missing", "string", true, nil, "abc", false},
		{"boolean-absent", "boolean", false, nil, true, true},
		{"boolean-differs", "boolean", false, true, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := statMatches(tc.typ, tc.isMax, tc.stat, tc.duck)
			if (err == nil) != tc.ok {
				t.Errorf("statMatches(%s, %v, %v) = %v, want ok=%v", tc.typ, tc.stat, tc.duck, err, tc.ok)
			}
		})
	}
}

// checkCheckpoints has DuckDB read every classic checkpoint ingot wrote and
// compares its live add paths with the JSON replay up to the same version.
func checkCheckpoints(t *testing.T, db *sql.DB, dir string, want bool) {
	t.Helper()
	cps, err := filepath.Glob(filepath.Join(dir, "_delta_log", "*.checkpoint.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if want && len(cps) == 0 {
		t.Errorf("no checkpoint under %s/_delta_log", dir)
	}
	for _, cp := range cps {
		v, err := strconv.ParseInt(strings.TrimSuffix(filepath.Base(cp), ".checkpoint.parquet"), 10, 64)
		if err != nil {
			t.Fatalf("%s: not a classic checkpoint name", cp)
		}
		q := "SELECT add.path FROM read_parquet(" + quoteString(cp) + ") WHERE add IS NOT NULL"
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("duckdb: %v\nquery: %s", err, q)
		}
		var paths []string
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
		rows.Close()
		if got, want := fmt.Sprint(sortedCopy(paths)), readDeltaLogAt(t, dir, v).livePaths(); got != want {
			t.Errorf("checkpoint %d: adds %s, JSON replay to %d: %s", v, got, v, want)
		}
	}
}
