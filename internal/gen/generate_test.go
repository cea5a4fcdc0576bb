package gen

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/csv"
	"github.com/ingotdata/ingot/internal/format/json"
	"github.com/ingotdata/ingot/types"
)

// dirFiles returns every file under dir (relative path -> bytes).
func dirFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestGenerateDeterministic(t *testing.T) {
	opts := Options{Files: 3, RowsPerFile: 50, Seed: 7}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := Generate(dir, opts); err != nil {
			t.Fatal(err)
		}
	}
	if !sameFiles(dirFiles(t, a), dirFiles(t, b)) {
		t.Fatal("same seed wrote different files")
	}
	opts.Seed = 8
	if _, err := Generate(c, opts); err != nil {
		t.Fatal(err)
	}
	if sameFiles(dirFiles(t, a), dirFiles(t, c)) {
		t.Fatal("different seeds wrote the same files")
	}
}

// Files added later with StartIndex are the files one call would have
// written, and no temporary files are left behind.
func TestGenerateStartIndexContinues(t *testing.T) {
	whole, parts := t.TempDir(), t.TempDir()
	if _, err := Generate(whole, Options{Files: 3, RowsPerFile: 20, Seed: 1, Layout: JSONLines}); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(parts, Options{Files: 2, RowsPerFile: 20, Seed: 1, Layout: JSONLines}); err != nil {
		t.Fatal(err)
	}
	sum, err := Generate(parts, Options{Files: 1, RowsPerFile: 20, Seed: 1, Layout: JSONLines, StartIndex: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"streaming/tracker/00002.json"}; len(sum.TrackerFiles) != 1 || sum.TrackerFiles[0] != want[0] {
		t.Fatalf("TrackerFiles = %v, want %v", sum.TrackerFiles, want)
	}
	files := dirFiles(t, parts)
	if !sameFiles(dirFiles(t, whole), files) {
		t.Fatal("3 files in one call differ from 2+1 with StartIndex")
	}
	for name := range files {
		if strings.Contains(name, ".tmp") {
			t.Fatalf("temporary file left behind: %s", name)
		}
	}
}

func readJSON(t *testing.T, path string, opts json.Options) (types.StructType, int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := json.InferBytes(data, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := json.ReadBytes(data, path, schema, opts)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := batch.ReadAll(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Release(bs)
	return schema, batch.NumRows(bs)
}

// Both layouts read back through ingot's JSON reader with the seed's schema
// (all strings) or, with NumericValues, long/double columns.
func TestGeneratedFilesReadBack(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   Options
		json   json.Options
		schema string
	}{
		{"multiline-strings", Options{}, json.Options{MultiLine: true},
			"STRUCT<device_id: STRING, heartrate: STRING, mrn: STRING, time: STRING>"},
		{"jsonlines-strings", Options{Layout: JSONLines}, json.Options{},
			"STRUCT<device_id: STRING, heartrate: STRING, mrn: STRING, time: STRING>"},
		{"multiline-numbers", Options{NumericValues: true}, json.Options{MultiLine: true},
			"STRUCT<device_id: BIGINT, heartrate: DOUBLE, mrn: BIGINT, time: BIGINT>"},
		{"jsonlines-numbers", Options{Layout: JSONLines, NumericValues: true}, json.Options{},
			"STRUCT<device_id: BIGINT, heartrate: DOUBLE, mrn: BIGINT, time: BIGINT>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.opts.Files, tc.opts.RowsPerFile, tc.opts.Seed = 2, 300, 3
			sum, err := Generate(dir, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Readings != 600 || len(sum.TrackerFiles) != 2 || sum.Files != 2 {
				t.Fatalf("summary = %+v", sum)
			}
			for _, f := range sum.TrackerFiles {
				schema, rows := readJSON(t, filepath.Join(dir, f), tc.json)
				if got := schema.SQL(); got != tc.schema {
					t.Errorf("%s schema = %s, want %s", f, got, tc.schema)
				}
				if rows != 300 {
					t.Errorf("%s rows = %d, want 300", f, rows)
				}
			}
		})
	}
}

// patient_info.csv infers as the seed's does: mrn integer, name string.
func TestPatientCSV(t *testing.T) {
	dir := t.TempDir()
	sum, err := Generate(dir, Options{Files: 1, RowsPerFile: 1})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, sum.PatientFile))
	if err != nil {
		t.Fatal(err)
	}
	schema, err := csv.InferBytes(data, sum.PatientFile, csv.Options{Header: true, InferSchema: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "root\n |-- mrn: integer (nullable = true)\n |-- name: string (nullable = true)\n"
	if got := schema.TreeString(); got != want {
		t.Fatalf("schema:\n%s\nwant:\n%s", got, want)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 35 || sum.Patients != 34 {
		t.Fatalf("%d lines (want header + 34), summary %d patients", len(lines), sum.Patients)
	}
	seen := map[string]bool{}
	for _, l := range lines[1:] {
		mrn, name, _ := strings.Cut(l, ",")
		if len(mrn) != 8 || !strings.Contains(name, " ") || seen[mrn] {
			t.Errorf("bad or repeated patient row %q", l)
		}
		seen[mrn] = true
	}
}

// About 2% of readings name no patient; the gold table covers the others.
func TestOrphansAndGold(t *testing.T) {
	dir := t.TempDir()
	sum, err := Generate(dir, Options{Files: 4, RowsPerFile: 1000, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	if sum.OrphanReadings < 40 || sum.OrphanReadings > 140 {
		t.Fatalf("orphan rows = %d of %d, want about 2%%", sum.OrphanReadings, sum.Readings)
	}
	gold, err := ReferenceGold(dir)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, g := range gold {
		total += g.Count
		if g.AvgNull || g.AvgHeartrate < 40 || g.AvgHeartrate > 110 {
			t.Errorf("implausible gold row %+v", g)
		}
	}
	if total != sum.Readings-sum.OrphanReadings {
		t.Fatalf("gold counts sum to %d, want %d joined readings", total, sum.Readings-sum.OrphanReadings)
	}
}
