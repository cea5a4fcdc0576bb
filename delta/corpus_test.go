package delta

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

var updateBaseline = flag.Bool("update-baseline", false, "rewrite testdata/corpus_baseline.txt from this run")

// baselinePath records which corpus cases pass ("pass <suite>/<case>") and
// which are skipped on purpose ("skip <suite>/<case>: <why>").
const baselinePath = "testdata/corpus_baseline.txt"

// corpusCheck is one entry of an expected.json "checks" list (MANIFEST.md).
type corpusCheck struct {
	Kind               string             `json:"kind"`
	Version            json.RawMessage    `json:"version"`
	ExpectedParquetDir string             `json:"expected_parquet_dir"`
	RowCount           *int64             `json:"row_count"`
	Operation          string             `json:"operation"`
	Columns            []string           `json:"columns"`
	Rows               [][]any            `json:"rows"`
	CellFormat         string             `json:"cell_format"`
	Filter             string             `json:"filter"`
	Reason             string             `json:"reason"`
	StartVersion       *int64             `json:"start_version"`
	StartTimestamp     string             `json:"start_timestamp"`
	EndVersion         *int64             `json:"end_version"`
	Expect             map[string]any     `json:"expect"`
	Mtimes             map[string]float64 `json:"setup_commit_file_mtimes_epoch_seconds"`
}

// caseTimeZones are session time zones some generators wrote zone-less
// TIMESTAMP partition values in (see ScanOptions.TimeZone). The golden
// generator ran in America/Los_Angeles; the expected parquet, written by
// that session, holds the instant the directory value meant there.
var caseTimeZones = map[string]string{
	"golden/data-reader-partition-values": "America/Los_Angeles",
}

// leakExempt are cases whose scans leak inside arrow-go, not here:
// v18.8.0's DELTA_BINARY_PACKED decoder (deltaBitPackDecoder.initBlock)
// never frees a 64-byte block buffer.
var leakExempt = map[string]bool{"parquet-decimal-dictionaries": true}

// TestCorpus walks every case of the shared compatibility corpus, runs
// every check kind, prints a pass count per suite, and fails when a case
// the baseline records as passing no longer does.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus walk skipped in -short mode")
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*", "expected.json"))
	if len(files) == 0 {
		t.Skipf("corpus not found at %s", corpusDir)
	}
	baseline, skips := readBaseline(t)
	type tally struct{ pass, fail, skip int }
	perSuite := map[string]*tally{}
	var passing []string
	for _, ej := range files {
		dir := filepath.Dir(ej)
		name := filepath.Base(filepath.Dir(dir)) + "/" + filepath.Base(dir)
		suite := filepath.Base(filepath.Dir(dir))
		if perSuite[suite] == nil {
			perSuite[suite] = &tally{}
		}
		ts := perSuite[suite]
		if why, ok := skips[name]; ok {
			ts.skip++
			t.Logf("skip %s: %s", name, why)
			continue
		}
		n, err := runCase(t, dir, name)
		switch {
		case err == nil && n == 0:
			ts.skip++
			t.Logf("skip %s: no runnable checks", name)
		case err == nil:
			ts.pass++
			passing = append(passing, name)
			if !baseline[name] && !*updateBaseline {
				t.Logf("%s passes but is not in the baseline; run with -update-baseline", name)
			}
		default:
			ts.fail++
			if baseline[name] {
				t.Errorf("REGRESSION %s: %v", name, err)
			} else {
				t.Logf("fail %s: %v", name, err)
			}
		}
	}
	suites := make([]string, 0, len(perSuite))
	for s := range perSuite {
		suites = append(suites, s)
	}
	sort.Strings(suites)
	for _, s := range suites {
		ts := perSuite[s]
		t.Logf("suite %-9s %3d pass, %d fail, %d skipped", s, ts.pass, ts.fail, ts.skip)
	}
	if *updateBaseline {
		writeBaseline(t, passing, skips)
	}
}

func readBaseline(t *testing.T) (pass map[string]bool, skips map[string]string) {
	pass, skips = map[string]bool{}, map[string]string{}
	f, err := os.Open(baselinePath)
	if err != nil {
		t.Fatalf("baseline: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "pass "):
			pass[strings.TrimPrefix(l, "pass ")] = true
		case strings.HasPrefix(l, "skip "):
			name, why, _ := strings.Cut(strings.TrimPrefix(l, "skip "), ": ")
			skips[name] = why
		default:
			t.Fatalf("%s:%d: cannot parse %q", baselinePath, line, l)
		}
	}
	return pass, skips
}

func writeBaseline(t *testing.T, passing []string, skips map[string]string) {
	var b strings.Builder
	b.WriteString("# Corpus cases TestCorpus must keep passing, and cases it skips on purpose.\n")
	b.WriteString("# Regenerate the pass lines with: go test ./delta -run TestCorpus -update-baseline\n")
	names := make([]string, 0, len(skips))
	for n := range skips {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "skip %s: %s\n", n, skips[n])
	}
	sort.Strings(passing)
	for _, n := range passing {
		fmt.Fprintf(&b, "pass %s\n", n)
	}
	if err := os.WriteFile(baselinePath, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runCase runs every check of one case and returns how many ran.
func runCase(t *testing.T, dir, name string) (int, error) {
	ctx := t.Context()
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		return 0, err
	}
	var c struct {
		Checks []corpusCheck `json:"checks"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return 0, err
	}
	root := filepath.Join(dir, "delta")
	loc := time.UTC
	if z, ok := caseTimeZones[name]; ok {
		if loc, err = time.LoadLocation(z); err != nil {
			return 0, err
		}
	}
	tbl := openLocal(t, root)
	n := 0
	for i, chk := range c.Checks {
		var err error
		switch chk.Kind {
		case "scan":
			err = scanCheck(ctx, tbl, dir, chk, loc)
		case "cdf":
			err = cdfCheck(ctx, tbl, chk)
		case "snapshot":
			err = snapshotCheck(ctx, tbl, chk)
		case "timestamp_travel":
			err = timeTravelCheck(t, root, chk)
		case "error":
			err = errorCheck(ctx, tbl, chk)
		default:
			return n, fmt.Errorf("check %d: kind %q not implemented", i, chk.Kind)
		}
		n++
		if err != nil {
			return n, fmt.Errorf("check %d (%s): %w", i, chk.Kind, err)
		}
	}
	return n, nil
}

func openLocal(t *testing.T, root string) *Table {
	st, err := storage.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := Open(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

func snapshotFor(ctx context.Context, tbl *Table, version json.RawMessage) (*Snapshot, error) {
	var v int64
	if json.Unmarshal(version, &v) == nil {
		return tbl.SnapshotAt(ctx, v)
	}
	return tbl.Snapshot(ctx)
}

func scanCheck(ctx context.Context, tbl *Table, dir string, chk corpusCheck, loc *time.Location) (err error) {
	snap, err := snapshotFor(ctx, tbl, chk.Version)
	if err != nil {
		return err
	}
	// A checked allocator proves every scan releases what it allocates.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer func() {
		if n := mem.CurrentAlloc(); n != 0 && err == nil && !leakExempt[filepath.Base(dir)] {
			err = fmt.Errorf("scan leaked %d bytes", n)
		}
	}()
	opts := ScanOptions{TimeZone: loc, Allocator: mem}
	var filterCol, filterVal string
	if chk.Filter != "" {
		// The corpus' filters are "<column> = '<literal>'".
		col, lit, ok := strings.Cut(chk.Filter, " = ")
		if !ok {
			return fmt.Errorf("filter %q not understood", chk.Filter)
		}
		filterCol, filterVal = col, strings.Trim(lit, "'")
		opts.Filter = &Predicate{And: []Term{{Column: col, Op: OpEq, Value: filterVal}}}
	}
	switch {
	case chk.ExpectedParquetDir != "":
		r, err := snap.Scan(ctx, opts)
		if err != nil {
			return err
		}
		got, err := rowStrings(ctx, r)
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		want, err := expectedRows(ctx, filepath.Join(dir, chk.ExpectedParquetDir), r.Schema())
		if err != nil {
			return fmt.Errorf("expected: %w", err)
		}
		if chk.RowCount != nil && int64(len(want)) != *chk.RowCount {
			return fmt.Errorf("expected parquet has %d rows, check says %d", len(want), *chk.RowCount)
		}
		return compareRows(got, want)
	case chk.Rows != nil:
		r, err := snap.Scan(ctx, opts)
		if err != nil {
			return err
		}
		got, err := renderColumns(ctx, r, chk.Columns, chk.CellFormat)
		if err != nil {
			return err
		}
		if filterCol != "" {
			idx := indexFold(chk.Columns, filterCol)
			kept := got[:0]
			for _, row := range got {
				if strings.Split(row, " | ")[idx] == filterVal {
					kept = append(kept, row)
				}
			}
			got = kept
		}
		return compareRows(got, expectedInline(chk.Rows, chk.CellFormat))
	case chk.RowCount != nil:
		r, err := snap.Scan(ctx, ScanOptions{Columns: []string{}, Allocator: mem})
		if err != nil {
			return err
		}
		bs, err := batch.ReadAll(ctx, r)
		if err != nil {
			return err
		}
		defer batch.Release(bs)
		if n := batch.NumRows(bs); n != *chk.RowCount {
			return fmt.Errorf("%d rows, want %d", n, *chk.RowCount)
		}
		return nil
	}
	return errors.New("scan check with no expectation")
}

func cdfCheck(ctx context.Context, tbl *Table, chk corpusCheck) error {
	end := int64(-1)
	if chk.EndVersion != nil {
		end = *chk.EndVersion
	}
	var r batch.Reader
	var err error
	if chk.StartTimestamp != "" {
		ts, perr := time.Parse(time.RFC3339Nano, chk.StartTimestamp)
		if perr != nil {
			return perr
		}
		r, err = tbl.ChangesSince(ctx, ts, end, nil)
	} else {
		r, err = tbl.Changes(ctx, *chk.StartVersion, end, nil)
	}
	if err != nil {
		return err
	}
	got, err := renderColumns(ctx, r, chk.Columns, chk.CellFormat)
	if err != nil {
		return err
	}
	return compareRows(got, expectedInline(chk.Rows, chk.CellFormat))
}

func snapshotCheck(ctx context.Context, tbl *Table, chk corpusCheck) error {
	snap, err := snapshotFor(ctx, tbl, chk.Version)
	if err != nil {
		return err
	}
	md, pr := snap.Metadata(), snap.Protocol()
	for k, want := range chk.Expect {
		var got any
		switch k {
		case "latest_version":
			got = snap.Version()
		case "active_files":
			var paths []string
			for _, f := range snap.Files() {
				paths = append(paths, f.Path)
			}
			sort.Strings(paths)
			got = paths
		case "active_file_modification_time":
			m := map[string]int64{}
			for _, f := range snap.Files() {
				if _, ok := want.(map[string]any)[f.Path]; ok {
					m[f.Path] = f.ModificationTime
				}
			}
			got = m
		case "metadata_id":
			got = md.ID
		case "name":
			got = nilIfEmpty(md.Name)
		case "description":
			got = nilIfEmpty(md.Description)
		case "partition_columns":
			got = md.PartitionColumns
		case "created_time":
			got = md.CreatedTime
		case "configuration":
			got = md.Configuration
		case "min_reader_version":
			got = pr.MinReaderVersion
		case "min_writer_version":
			got = pr.MinWriterVersion
		case "domain_metadata_note":
			// The checkpoint's system domain must survive replay.
			if _, ok := snap.DomainMetadata("delta.clustering"); !ok {
				return errors.New("domain delta.clustering missing from the snapshot")
			}
			continue
		default:
			return fmt.Errorf("snapshot expectation %q not implemented", k)
		}
		if !jsonEqual(got, want) {
			return fmt.Errorf("%s = %v, want %v", k, jsonString(got), jsonString(want))
		}
	}
	return nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func jsonEqual(a, b any) bool {
	var x, y any
	_ = json.Unmarshal([]byte(jsonString(a)), &x)
	_ = json.Unmarshal([]byte(jsonString(b)), &y)
	return jsonString(x) == jsonString(y)
}

// timeTravelCheck copies the log, sets the commit mtimes the check gives
// (git does not keep them), and resolves each timestamp to a version.
func timeTravelCheck(t *testing.T, root string, chk corpusCheck) error {
	dir := t.TempDir()
	logOut := filepath.Join(dir, "_delta_log")
	if err := os.MkdirAll(logOut, 0o755); err != nil {
		return err
	}
	ents, err := os.ReadDir(filepath.Join(root, "_delta_log"))
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, "_delta_log", e.Name()))
		if err != nil {
			return err
		}
		p := filepath.Join(logOut, e.Name())
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
		if sec, ok := chk.Mtimes[e.Name()]; ok {
			tm := time.Unix(0, int64(sec*1e9))
			if err := os.Chtimes(p, tm, tm); err != nil {
				return err
			}
		}
	}
	tbl := openLocal(t, dir)
	for at, want := range chk.Expect {
		ts, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return err
		}
		v, err := tbl.VersionAtTimestamp(t.Context(), ts)
		if errors.Is(err, ErrTimestampOutOfRange) {
			// delta-rs clamps a time before the first or after the
			// latest commit to that version; Spark, the reference here,
			// raises DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION /
			// DELTA_TIMESTAMP_GREATER_THAN_COMMIT. Accept Spark's answer
			// when the expectation is the clamped version.
			latest, lerr := tbl.LatestVersion(t.Context())
			w := int64(want.(float64))
			if lerr == nil && (w == latest && strings.Contains(err.Error(), "DELTA_TIMESTAMP_GREATER_THAN_COMMIT") ||
				w == 0 && strings.Contains(err.Error(), "DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION")) {
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
		if float64(v) != want.(float64) {
			return fmt.Errorf("%s: version %d, want %v", at, v, want)
		}
	}
	return nil
}

func errorCheck(ctx context.Context, tbl *Table, chk corpusCheck) error {
	op := chk.Operation
	var err error
	switch {
	case strings.HasPrefix(op, "load latest snapshot"):
		_, err = tbl.Snapshot(ctx)
	case strings.HasPrefix(op, "cdf "):
		var start, end int64
		if _, serr := fmt.Sscanf(op, "cdf start_version=%d end_version=%d", &start, &end); serr != nil {
			return fmt.Errorf("operation %q not understood", op)
		}
		var r batch.Reader
		if r, err = tbl.Changes(ctx, start, end, nil); err == nil {
			r.Close()
		}
	default:
		return fmt.Errorf("operation %q not implemented", op)
	}
	if err == nil {
		return fmt.Errorf("%s succeeded; want error (%s)", op, chk.Reason)
	}
	return nil
}

// renderColumns reads r and renders the named columns of every row, in
// that order, sorted.
func renderColumns(ctx context.Context, r batch.Reader, columns []string, format string) ([]string, error) {
	idx := make([]int, len(columns))
	for i, c := range columns {
		idx[i] = -1
		for j, f := range r.Schema().Fields() {
			if f.Name == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			r.Close()
			return nil, fmt.Errorf("column %q not in output (%v)", c, r.Schema())
		}
	}
	bs, err := batch.ReadAll(ctx, r)
	if err != nil {
		return nil, err
	}
	defer batch.Release(bs)
	var rows []string
	for _, b := range bs {
		for i := 0; i < int(b.NumRows()); i++ {
			cells := make([]string, len(idx))
			for k, j := range idx {
				cells[k] = renderCell(b.Column(j), i, format, columns[k])
			}
			rows = append(rows, strings.Join(cells, " | "))
		}
	}
	sort.Strings(rows)
	return rows, nil
}

// renderCell renders a cell the way the check's cell_format writes it.
func renderCell(col arrow.Array, i int, format, name string) string {
	if format != "arrow-pretty" {
		return cellString(col, i)
	}
	s := prettyCell(col, i)
	if name == CommitTimestampColumn {
		s = strings.TrimSuffix(s, "Z")
	}
	if s == "" {
		// Arrow's pretty printer shows NULL and "" alike; the corpus
		// writes both as "".
		return "(null)"
	}
	return s
}

// prettyCell renders like arrow-rs' pretty printer: floats keep a ".0",
// structs as {name: value}, lists as [a, b], timestamps ISO-8601 with "Z"
// for zoned ones.
func prettyCell(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	switch a := col.(type) {
	case *array.Float64:
		return rustFloat(a.Value(i), 64)
	case *array.Float32:
		return rustFloat(float64(a.Value(i)), 32)
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		parts := make([]string, st.NumFields())
		for j, f := range st.Fields() {
			parts[j] = f.Name + ": " + prettyCell(a.Field(j), i)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *array.List:
		s, e := a.ValueOffsets(i)
		var parts []string
		for k := s; k < e; k++ {
			parts = append(parts, prettyCell(a.ListValues(), int(k)))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *array.Timestamp:
		tt := a.DataType().(*arrow.TimestampType)
		tm := a.Value(i).ToTime(tt.Unit).UTC()
		s := tm.Format("2006-01-02T15:04:05.999999")
		if tt.TimeZone != "" {
			s += "Z"
		}
		return s
	}
	return cellString(col, i)
}

func rustFloat(v float64, bits int) string {
	s := strconv.FormatFloat(v, 'f', -1, bits)
	if !strings.ContainsAny(s, ".eEnN") {
		s += ".0"
	}
	return s
}

func expectedInline(rows [][]any, format string) []string {
	var want []string
	for _, r := range rows {
		cells := make([]string, len(r))
		for j, c := range r {
			switch c := c.(type) {
			case nil:
				cells[j] = "(null)"
			case string:
				if c == "" && format == "arrow-pretty" {
					cells[j] = "(null)"
				} else {
					cells[j] = c
				}
			default:
				cells[j] = fmt.Sprint(c)
			}
		}
		want = append(want, strings.Join(cells, " | "))
	}
	sort.Strings(want)
	return want
}

func compareRows(got, want []string) error {
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		return fmt.Errorf("%d rows, want %d; rows differ\n got:\n%s\nwant:\n%s", len(got), len(want), g, w)
	}
	return nil
}
