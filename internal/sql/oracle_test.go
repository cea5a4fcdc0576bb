package sql_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ingotdata/ingot"
	"github.com/ingotdata/ingot/internal/sql"
	"github.com/ingotdata/ingot/types"
)

// oracleDir holds the differential oracle's categories: each has the input
// tables' definitions (setup.sql), the statements (queries.sql) and Spark's
// answers with spark.sql.ansi.enabled off and on (ansi-off.sql.out,
// ansi-on.sql.out), written by interop/oracle/regen; ansi-*.pass lists the
// cases that pass, the baseline a regression is measured against.
const oracleDir = "../../testdata/oracle"

var oracleCategories = []string{"medallion", "tpch", "random"}

// TestSparkOracle replays Spark's goldens on ingot. Each category's tables
// are built in a fresh session from setup.sql (TPC-H's, generated data that
// is not committed, only when INGOT_ORACLE_TPCH names the directory of its
// Delta tables; the interop run sets it). A case passes when ingot's schema
// (names and Spark type names), rows (compared as a multiset unless the
// query orders them; doubles within a relative 1e-9, the summation order
// being free) and, when Spark fails, error class all match. It logs "N
// passed, M failed" per category and mode with the commonest failure
// causes, and fails only when a case of the baseline (ansi-*.pass) no
// longer passes; a category or mode without a .sql.out is skipped.
// INGOT_ORACLE_UPDATE=1 rewrites the baselines;
// INGOT_ORACLE_GOLDENS reads the .sql.out files from another directory (a
// fresh regeneration) and INGOT_ORACLE_REPORT=file lists every failure.
func TestSparkOracle(t *testing.T) {
	goldens := oracleDir
	if d := os.Getenv("INGOT_ORACLE_GOLDENS"); d != "" {
		goldens = d
	}
	update := os.Getenv("INGOT_ORACLE_UPDATE") == "1"
	var report strings.Builder
	for _, cat := range oracleCategories {
		t.Run(cat, func(t *testing.T) {
			setup, err := os.ReadFile(filepath.Join(oracleDir, cat, "setup.sql"))
			if err != nil {
				t.Fatal(err)
			}
			text := string(setup)
			if cat == "tpch" {
				dir := os.Getenv("INGOT_ORACLE_TPCH")
				if dir == "" {
					t.Skip("INGOT_ORACLE_TPCH is not set: the TPC-H tables are built by interop/oracle/regen")
				}
				text = strings.ReplaceAll(text, "$TPCH", dir)
			}
			ctx := context.Background()
			s, err := ingot.NewSession(ctx, ingot.Config{Warehouse: t.TempDir(), Parallelism: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.RunScript(ctx, text, nil); err != nil {
				t.Fatalf("%s/setup.sql: %v", cat, err)
			}
			for _, mode := range []string{"off", "on"} {
				t.Run("ansi-"+mode, func(t *testing.T) {
					s.SetConf("spark.sql.ansi.enabled", strconv.FormatBool(mode == "on"))
					data, err := os.ReadFile(filepath.Join(goldens, cat, "ansi-"+mode+".sql.out"))
					if os.IsNotExist(err) {
						t.Skipf("no %s/ansi-%s.sql.out: interop/oracle/regen --category %s writes it", cat, mode, cat)
					}
					if err != nil {
						t.Fatal(err)
					}
					cases := sql.GoldenCases(string(data))
					if len(cases) == 0 {
						t.Fatalf("no cases in %s/ansi-%s.sql.out", cat, mode)
					}
					basePath := filepath.Join(oracleDir, cat, "ansi-"+mode+".pass")
					baseline := readBaseline(t, basePath)
					var passing []string
					failures := map[string]int{}
					examples := map[string]string{}
					var regressed []string
					for _, c := range cases {
						id := caseID(c.Query)
						o := oracleCheck(ctx, s, c)
						if o.pass {
							passing = append(passing, id+"  "+oneLine(c.Query, 100))
							continue
						}
						failures[o.key]++
						if _, ok := examples[o.key]; !ok {
							examples[o.key] = oneLine(c.Query, 160) + o.detail
						}
						fmt.Fprintf(&report, "%s ansi-%s\t%s\t%s%s\n", cat, mode, o.key, oneLine(c.Query, 300), o.detail)
						if baseline[id] {
							regressed = append(regressed, fmt.Sprintf("%s: %s%s", o.key, oneLine(c.Query, 200), o.detail))
						}
					}
					t.Logf("oracle %s ansi-%s: %d passed, %d failed", cat, mode, len(passing), len(cases)-len(passing))
					logFailures(t, failures, examples, 20)
					if update {
						writeBaseline(t, basePath, passing)
						return
					}
					for _, r := range regressed {
						t.Errorf("regression (in %s): %s", filepath.Base(basePath), r)
					}
					if n := len(passing) - (len(baseline) - len(regressed)); n > 0 {
						t.Logf("%d cases pass that %s does not list: INGOT_ORACLE_UPDATE=1 records them", n, filepath.Base(basePath))
					}
				})
			}
		})
	}
	if f := os.Getenv("INGOT_ORACLE_REPORT"); f != "" {
		if err := os.WriteFile(f, []byte(report.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type oracleOutcome struct {
	pass   bool
	key    string // the failure's cause, to group by
	detail string
}

var (
	sparkErrorClass = regexp.MustCompile(`"errorClass" : "([^"]+)"`)
	ingotErrorClass = regexp.MustCompile(`\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]`)
)

// oracleCheck runs one golden case on s and compares it with Spark's answer.
func oracleCheck(ctx context.Context, s *ingot.Session, c sql.GoldenCase) oracleOutcome {
	schema, rows, err := oracleRun(ctx, s, c.Query)
	if c.Failed {
		want := c.Output
		if m := sparkErrorClass.FindStringSubmatch(c.Output); m != nil {
			want = m[1]
		} else {
			want, _, _ = strings.Cut(want, "\n")
		}
		if err == nil {
			return oracleOutcome{key: "Spark fails with " + want + ", ingot answers"}
		}
		got := "(none)"
		if m := ingotErrorClass.FindStringSubmatch(err.Error()); m != nil {
			got = m[1]
		}
		if got != want {
			return oracleOutcome{key: "error class: Spark " + want + ", ingot " + got, detail: "\n  ingot: " + oneLine(err.Error(), 200)}
		}
		return oracleOutcome{pass: true}
	}
	if err != nil {
		key := sql.FailureKey(err.Error())
		if i := strings.Index(key, " not supported yet: "); i >= 0 {
			key = key[:i+len(" not supported yet")] // one group, whatever the expression
		}
		return oracleOutcome{key: "ingot fails: " + key, detail: "\n  ingot: " + oneLine(err.Error(), 200)}
	}
	if schema != c.Schema {
		return oracleOutcome{key: schemaDiff(c.Schema, schema), detail: "\n  spark: " + c.Schema + "\n  ingot: " + schema}
	}
	want := strings.Split(c.Output, "\n")
	if c.Output == "" {
		want = nil
	}
	kinds := fieldTypes(c.Schema)
	if !sql.QueryHasOrder(c.Query) {
		sortRows(want, kinds)
		sortRows(rows, kinds)
	}
	if len(rows) != len(want) {
		return oracleOutcome{key: "wrong row count", detail: fmt.Sprintf("\n  spark: %d rows\n  ingot: %d rows", len(want), len(rows))}
	}
	for i := range rows {
		if !sameRow(want[i], rows[i], kinds) {
			return oracleOutcome{key: "wrong rows", detail: "\n  spark: " + oneLine(want[i], 200) + "\n  ingot: " + oneLine(rows[i], 200)}
		}
	}
	return oracleOutcome{pass: true}
}

// oracleRun runs a query and returns its schema as Spark's catalogString
// and its rows as the goldens print them. A panic is reported as an error:
// one query must not end the run.
func oracleRun(ctx context.Context, s *ingot.Session, q string) (schema string, rows []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	df, err := s.SQL(ctx, q)
	if err != nil {
		return "", nil, err
	}
	cells, err := df.CollectStrings(ctx, "NULL")
	if err != nil {
		return "", nil, err
	}
	st := df.Schema()
	parts := make([]string, len(st.Fields))
	for i, f := range st.Fields {
		parts[i] = f.Name + ":" + types.CatalogString(f.Type)
	}
	for _, r := range cells {
		rows = append(rows, strings.Join(r, "\t"))
	}
	return "struct<" + strings.Join(parts, ",") + ">", rows, nil
}

// topLevelFields splits struct<a:int,b:map<string,int>> into its fields.
func topLevelFields(schema string) []string {
	inner := strings.TrimSuffix(strings.TrimPrefix(schema, "struct<"), ">")
	if inner == "" {
		return nil
	}
	// Column names hold parentheses and comparisons ("(a > 1)"), types
	// angle brackets: a '>' closes only an open '<'.
	var out []string
	parens, angles, start := 0, 0, 0
	for i, r := range inner {
		switch r {
		case '(':
			parens++
		case ')':
			parens--
		case '<':
			angles++
		case '>':
			if angles > 0 {
				angles--
			}
		case ',':
			if parens == 0 && angles == 0 {
				out = append(out, inner[start:i])
				start = i + 1
			}
		}
	}
	return append(out, inner[start:])
}

// fieldTypes lists the type of each top-level field.
func fieldTypes(schema string) []string {
	fs := topLevelFields(schema)
	out := make([]string, len(fs))
	for i, f := range fs {
		if j := strings.Index(f, ":"); j >= 0 {
			out[i] = f[j+1:]
		}
	}
	return out
}

// schemaDiff names the first difference between two schemas.
func schemaDiff(want, got string) string {
	w, g := topLevelFields(want), topLevelFields(got)
	if len(w) != len(g) {
		return "schema: column count"
	}
	for i := range w {
		wn, wt, _ := strings.Cut(w[i], ":")
		gn, gt, _ := strings.Cut(g[i], ":")
		if wt != gt {
			return "schema: Spark " + wt + ", ingot " + gt
		}
		if wn != gn {
			return "schema: column name"
		}
	}
	return "schema differs"
}

func isFloat(kind string) bool { return kind == "double" || kind == "float" }

// sortRows sorts rows for a multiset comparison, floating-point cells
// rounded so that rows differing only in the last digits sort alike.
func sortRows(rows []string, kinds []string) {
	key := func(r string) string {
		cells := strings.Split(r, "\t")
		for i, c := range cells {
			if i < len(kinds) && isFloat(kinds[i]) {
				if f, err := strconv.ParseFloat(c, 64); err == nil {
					cells[i] = strconv.FormatFloat(f, 'g', 8, 64)
				}
			}
		}
		return strings.Join(cells, "\t")
	}
	sort.SliceStable(rows, func(i, j int) bool { return key(rows[i]) < key(rows[j]) })
}

// sameRow compares two printed rows; a floating-point cell may differ
// within a relative 1e-9 as long as both print the same way (with or
// without an exponent).
func sameRow(want, got string, kinds []string) bool {
	if want == got {
		return true
	}
	w, g := strings.Split(want, "\t"), strings.Split(got, "\t")
	if len(w) != len(g) {
		return false
	}
	for i := range w {
		if w[i] == g[i] {
			continue
		}
		if i >= len(kinds) || !isFloat(kinds[i]) || strings.Contains(w[i], "E") != strings.Contains(g[i], "E") {
			return false
		}
		a, err1 := strconv.ParseFloat(w[i], 64)
		b, err2 := strconv.ParseFloat(g[i], 64)
		if err1 != nil || err2 != nil || math.Abs(a-b) > 1e-9*math.Max(math.Abs(a), math.Abs(b)) {
			return false
		}
	}
	return true
}

func caseID(q string) string {
	h := sha256.Sum256([]byte(q))
	return hex.EncodeToString(h[:6])
}

func readBaseline(t *testing.T, path string) map[string]bool {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return map[string]bool{}
	}
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, _, _ := strings.Cut(line, " ")
		out[id] = true
	}
	return out
}

func writeBaseline(t *testing.T, path string, passing []string) {
	sort.Strings(passing)
	text := "# Cases of " + strings.TrimSuffix(filepath.Base(path), ".pass") + ".sql.out that ingot passes (TestSparkOracle);\n" +
		"# a listed case that fails is a regression. INGOT_ORACLE_UPDATE=1 rewrites this file.\n" +
		strings.Join(passing, "\n") + "\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func logFailures(t *testing.T, failures map[string]int, examples map[string]string, n int) {
	keys := make([]string, 0, len(failures))
	for k := range failures {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return failures[keys[i]] > failures[keys[j]] || failures[keys[i]] == failures[keys[j]] && keys[i] < keys[j]
	})
	for i, k := range keys {
		if i == n {
			break
		}
		t.Logf("%4d  %s\n        e.g. %s", failures[k], k, examples[k])
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}
