package sql

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// sparkCorpus is Spark's own SQL test inputs (see its MANIFEST.md).
const sparkCorpus = "../../../shared/testdata/spark-sql"

// corpusFloor is the share of corpus statements that must parse; it
// guards against regressions and is raised as the dialect grows.
const corpusFloor = 0.97

// TestSparkCorpus parses every query of Spark's SQL test suite, taken
// from the golden .sql.out files (they hold each query of the matching .sql
// input together with Spark's outcome). It reports the share of queries
// Spark parses that we parse too, the most common failures, and how many
// of the queries Spark rejects with a ParseException we reject as well; and
// it checks that every statement that parses survives a render/parse round
// trip.
func TestSparkCorpus(t *testing.T) {
	dir := sparkCorpus
	if d := os.Getenv("INGOT_SPARK_SQL_CORPUS"); d != "" {
		dir = d
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.sql.out"))
	if len(files) == 0 {
		t.Skipf("no corpus at %s", dir)
	}
	valid, ok, invalid, rejected := 0, 0, 0, 0
	failures := map[string]int{}
	examples := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range goldenQueries(string(data)) {
			st, err := Parse(c.query)
			if c.parseError {
				invalid++
				if err != nil {
					rejected++
				}
				continue
			}
			valid++
			if err != nil {
				key := failureKey(err.Error())
				failures[key]++
				if _, seen := examples[key]; !seen {
					examples[key] = filepath.Base(f) + ": " + oneLine(c.query)
				}
				continue
			}
			ok++
			out := st.String()
			back, err := Parse(out)
			if err != nil {
				t.Errorf("%s: rendering does not parse:\n  in:  %s\n  out: %s\n  err: %v", filepath.Base(f), oneLine(c.query), out, err)
				continue
			}
			if again := back.String(); again != out {
				t.Errorf("%s: round trip changed:\n  in:     %s\n  first:  %s\n  second: %s", filepath.Base(f), oneLine(c.query), out, again)
			}
		}
	}
	rate := float64(ok) / float64(valid)
	t.Logf("Spark SQL corpus: %d of %d statements Spark parses parse (%.1f%%); %d of %d Spark rejects are rejected", ok, valid, 100*rate, rejected, invalid)
	keys := make([]string, 0, len(failures))
	for k := range failures {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return failures[keys[i]] > failures[keys[j]] || failures[keys[i]] == failures[keys[j]] && keys[i] < keys[j]
	})
	for i, k := range keys {
		if i == 25 {
			break
		}
		t.Logf("%4d  %s\n        e.g. %s", failures[k], k, examples[k])
	}
	if rate < corpusFloor {
		t.Errorf("parse rate %.3f fell below the floor %.2f", rate, corpusFloor)
	}
}

type goldenQuery struct {
	query      string
	parseError bool // Spark answered with a ParseException
}

// goldenQueries extracts the "-- !query" blocks of a SQLQueryTestSuite
// golden file.
func goldenQueries(text string) []goldenQuery {
	var out []goldenQuery
	blocks := strings.Split(text, "-- !query\n")
	for _, b := range blocks[1:] {
		q, rest, found := strings.Cut(b, "\n-- !query schema\n")
		if !found {
			q, rest, _ = strings.Cut(b, "\n-- !query output\n")
		}
		_, output, _ := strings.Cut(rest, "-- !query output\n")
		out = append(out, goldenQuery{
			query:      strings.TrimSpace(q),
			parseError: strings.HasPrefix(strings.TrimSpace(output), "org.apache.spark.sql.catalyst.parser.ParseException"),
		})
	}
	return out
}

// failureKey groups errors by message without the position.
func failureKey(msg string) string {
	if i := strings.LastIndex(msg, " (line "); i >= 0 {
		return msg[:i]
	}
	return msg
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}
