package ingot

import (
	"context"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestSQLLogic runs the SQL logic tests in testdata/sql/*.test, each file
// against a fresh session whose warehouse is a new temporary directory.
// $DIR in a statement stands for another fresh directory (for
// delta.`$DIR/t` tables); in results, the warehouse directory prints as
// $WAREHOUSE and the user name as $USER. Each directive's text ends with
// a ---- line, followed by the expected rows of a query. The directives:
//
//	statement ok               the statement succeeds (a query also runs)
//	statement error <text>     it fails with an error containing <text>
//	query [rowsort] [colnames] the result rows, one per line, cells as
//	                           CAST(v AS STRING) prints them (NULL for
//	                           null, (empty) for ""), separated by a tab
//	                           or two or more spaces; colnames puts the
//	                           column names first; rowsort compares the
//	                           rows sorted. Other arguments (a type
//	                           string such as TIT) are ignored.
//	query error <text>         the query fails with <text> in its error
func TestSQLLogic(t *testing.T) {
	files, err := filepath.Glob("testdata/sql/*.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/sql/*.test files")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".test"), func(t *testing.T) {
			ctx := context.Background()
			s, err := NewSession(ctx, Config{Warehouse: t.TempDir(), Parallelism: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			dir := t.TempDir()
			datadriven.RunTest(t, f, func(t *testing.T, d *datadriven.TestData) string {
				text := strings.ReplaceAll(d.Input, "$DIR", dir)
				return runLogic(t, ctx, s, d, text)
			})
		})
	}
}

func runLogic(t *testing.T, ctx context.Context, s *Session, d *datadriven.TestData, text string) string {
	want, rest := logicArgs(d)
	switch d.Cmd {
	case "statement":
		switch want {
		case "ok":
			df, err := s.SQL(ctx, text)
			if err == nil {
				_, err = df.CollectStrings(ctx, "NULL")
			}
			if err != nil {
				t.Fatalf("%s: %s\nunexpected error: %v", d.Pos, text, err)
			}
			return ""
		case "error":
			expectError(t, d, text, rest, func() error {
				df, err := s.SQL(ctx, text)
				if err == nil {
					_, err = df.CollectStrings(ctx, "NULL")
				}
				return err
			})
			return ""
		}
		t.Fatalf("%s: statement wants ok or error, got %q", d.Pos, want)
	case "query":
		if want == "error" {
			expectError(t, d, text, rest, func() error {
				df, err := s.SQL(ctx, text)
				if err == nil {
					_, err = df.CollectStrings(ctx, "NULL")
				}
				return err
			})
			return ""
		}
		df, err := s.SQL(ctx, text)
		if err != nil {
			t.Fatalf("%s: %s\nunexpected error: %v", d.Pos, text, err)
		}
		rows, err := df.CollectStrings(ctx, "NULL")
		if err != nil {
			t.Fatalf("%s: %s\nunexpected error: %v", d.Pos, text, err)
		}
		user := currentUser()
		for _, r := range rows {
			for i, c := range r {
				switch {
				case c == "":
					r[i] = "(empty)"
				case c == user:
					r[i] = "$USER"
				default:
					r[i] = strings.ReplaceAll(c, s.Warehouse(), "$WAREHOUSE")
				}
			}
		}
		if d.HasArg("rowsort") {
			sort.Slice(rows, func(i, j int) bool { return strings.Join(rows[i], "\x00") < strings.Join(rows[j], "\x00") })
		}
		if d.HasArg("colnames") {
			rows = append([][]string{df.Columns()}, rows...)
		}
		if sameCells(rows, parseCells(d.Expected)) {
			return d.Expected // keep the file's own spacing
		}
		var b strings.Builder
		for _, r := range rows {
			b.WriteString(strings.Join(r, "  "))
			b.WriteByte('\n')
		}
		return b.String()
	}
	t.Fatalf("%s: unknown directive %q", d.Pos, d.Cmd)
	return ""
}

// logicArgs returns the first argument (ok, error, rowsort, ...) and the
// text of all the arguments after it, as written.
func logicArgs(d *datadriven.TestData) (string, string) {
	if len(d.CmdArgs) == 0 {
		return "", ""
	}
	parts := make([]string, len(d.CmdArgs)-1)
	for i, a := range d.CmdArgs[1:] {
		parts[i] = a.String()
	}
	return d.CmdArgs[0].Key, strings.Join(parts, " ")
}

func expectError(t *testing.T, d *datadriven.TestData, text, want string, run func() error) {
	t.Helper()
	err := run()
	if err == nil {
		t.Fatalf("%s: %s\nexpected an error containing %q, got none", d.Pos, text, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("%s: %s\nexpected an error containing %q, got: %v", d.Pos, text, want, err)
	}
}

var cellSep = regexp.MustCompile(`\t| {2,}`)

// parseCells splits expected rows into cells on tabs or runs of two or
// more spaces.
func parseCells(s string) [][]string {
	var out [][]string
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if line == "" && s == "" {
			continue
		}
		out = append(out, cellSep.Split(strings.TrimSpace(line), -1))
	}
	return out
}

func sameCells(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// TestSQLPlansMatchDataFrame checks that a query written in SQL and the
// same query built with the DataFrame API optimize to the same plan, so the
// two front ends share every later layer. (The analyzed plans may differ
// where SQL says more: SELECT * is a projection of its own.)
func TestSQLPlansMatchDataFrame(t *testing.T) {
	ctx := context.Background()
	s, err := NewSession(ctx, Config{Warehouse: t.TempDir(), Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{
		"CREATE TABLE readings (device_id INT, mrn BIGINT, heartrate DOUBLE) USING DELTA",
		"CREATE TABLE patients (mrn BIGINT, name STRING) USING DELTA",
	} {
		if _, err := s.SQL(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	table := func(name string) *DataFrame {
		df, err := s.Table(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return df
	}
	for _, tc := range []struct {
		name string
		sql  string
		df   func() *DataFrame
	}{
		{"filter-project", "SELECT device_id, heartrate FROM readings WHERE heartrate > 70.0D",
			func() *DataFrame {
				return table("readings").Filter(Col("heartrate").Gt(Lit(70.0))).Select("device_id", "heartrate")
			}},
		{"group-agg", "SELECT mrn, avg(heartrate) AS avg_hr, count(*) AS n FROM readings GROUP BY mrn",
			func() *DataFrame {
				return table("readings").GroupBy("mrn").Agg(Avg("heartrate").As("avg_hr"), Count("*").As("n"))
			}},
		{"join-using-order-limit", "SELECT * FROM readings JOIN patients USING (mrn) ORDER BY heartrate DESC LIMIT 3",
			func() *DataFrame {
				return table("readings").Join(table("patients"), "mrn").OrderBy(Col("heartrate").Desc()).Limit(3)
			}},
		{"aliased-join", "SELECT r.device_id, p.name FROM readings r LEFT JOIN patients p ON r.mrn = p.mrn",
			func() *DataFrame {
				return table("readings").Alias("r").Join(table("patients").Alias("p"), Col("r.mrn").Eq(Col("p.mrn")), "left").
					Select("r.device_id", "p.name")
			}},
		{"distinct", "SELECT DISTINCT mrn FROM readings",
			func() *DataFrame { return table("readings").Select("mrn").Distinct() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fromSQL, err := s.SQL(ctx, tc.sql)
			if err != nil {
				t.Fatal(err)
			}
			want, err := tc.df().Explain()
			if err != nil {
				t.Fatal(err)
			}
			got, err := fromSQL.Explain()
			if err != nil {
				t.Fatal(err)
			}
			optimized := func(explain string) string {
				_, after, _ := strings.Cut(explain, "== Optimized Logical Plan ==")
				return after
			}
			if optimized(got) != optimized(want) {
				t.Errorf("SQL plan:\n%s\nDataFrame plan:\n%s", got, want)
			}
		})
	}
}
