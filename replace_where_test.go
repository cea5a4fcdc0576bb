package ingot_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// logEntry is one commit file of a table's _delta_log, decoded loosely.
type logEntry struct {
	commitInfo map[string]any
	metaData   map[string]any
	protocol   map[string]any
	adds       []map[string]any
	removes    []map[string]any
}

func readLogEntry(t *testing.T, table string, v int) logEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(table, "_delta_log", fmt.Sprintf("%020d.json", v)))
	if err != nil {
		t.Fatal(err)
	}
	var e logEntry
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var line map[string]map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
		switch {
		case line["commitInfo"] != nil:
			e.commitInfo = line["commitInfo"]
		case line["metaData"] != nil:
			e.metaData = line["metaData"]
		case line["protocol"] != nil:
			e.protocol = line["protocol"]
		case line["add"] != nil:
			e.adds = append(e.adds, line["add"])
		case line["remove"] != nil:
			e.removes = append(e.removes, line["remove"])
		}
	}
	return e
}

// latestVersion is the highest commit file in the table's log.
func latestVersion(t *testing.T, table string) int {
	t.Helper()
	ms, err := filepath.Glob(filepath.Join(table, "_delta_log", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return len(ms) - 1
}

// TestReplaceWhere drives the DataFrameWriter replaceWhere option on a
// path table: matching rows are replaced in one commit holding removes,
// adds and the predicate; rows outside the predicate fail the write
// without a new version unless the check is turned off.
func TestReplaceWhere(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, data, where string
		checkOff          bool
		wantErr           string
		want              string // rows after, sorted by id
	}{
		{"replace rows in a file", "SELECT 10 AS id, '2024-05-01' AS day", "day >= '2024-01-01'", false, "",
			"1,2023-12-01\n10,2024-05-01\n4,2022-01-01\n"},
		{"nothing matches", "SELECT 10 AS id, '2030-01-01' AS day", "day >= '2030-01-01'", false, "",
			"1,2023-12-01\n10,2030-01-01\n2,2024-01-01\n3,2024-02-01\n4,2022-01-01\n"},
		{"mismatching row", "SELECT 10 AS id, '2020-05-01' AS day", "day >= '2024-01-01'", false, "DELTA_REPLACE_WHERE_MISMATCH", ""},
		{"null is a mismatch", "SELECT 10 AS id, CAST(NULL AS STRING) AS day", "day >= '2024-01-01'", false, "DELTA_REPLACE_WHERE_MISMATCH", ""},
		{"check off", "SELECT 10 AS id, '2020-05-01' AS day", "day >= '2024-01-01'", true, "",
			"1,2023-12-01\n10,2020-05-01\n4,2022-01-01\n"},
		{"bad predicate", "SELECT 10 AS id, '2024-05-01' AS day", "nope = 1", false, "UNRESOLVED_COLUMN", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, dir := newSession(t)
			path := filepath.Join(dir, "t")
			must(t).df(s.SQL(ctx, "CREATE TABLE delta.`"+path+"` (id INT, day STRING) USING DELTA"))
			must(t).df(s.SQL(ctx, "INSERT INTO delta.`"+path+"` VALUES (1, '2023-12-01'), (2, '2024-01-01')"))
			must(t).df(s.SQL(ctx, "INSERT INTO delta.`"+path+"` VALUES (3, '2024-02-01'), (4, '2022-01-01')"))
			if tc.checkOff {
				s.SetConf("spark.databricks.delta.replaceWhere.constraintCheck.enabled", "false")
			}
			before := latestVersion(t, path)
			data := must(t).df(s.SQL(ctx, tc.data))
			err := data.Write().Format("delta").Mode("overwrite").Option("replaceWhere", tc.where).Save(ctx, path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %s", err, tc.wantErr)
				}
				if v := latestVersion(t, path); v != before {
					t.Fatalf("a failed replaceWhere moved the table from version %d to %d", before, v)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := strings2D(t, must(t).df(s.SQL(ctx, "SELECT CAST(id AS STRING) AS k, day FROM delta.`"+path+"` ORDER BY k")))
			if got != tc.want {
				t.Fatalf("rows:\n%s\nwant:\n%s", got, tc.want)
			}
			v := latestVersion(t, path)
			if v != before+1 {
				t.Fatalf("version %d after replaceWhere, want %d (one commit)", v, before+1)
			}
			e := readLogEntry(t, path, v)
			if e.commitInfo["operation"] != "WRITE" {
				t.Fatalf("operation %v, want WRITE", e.commitInfo["operation"])
			}
			params, _ := e.commitInfo["operationParameters"].(map[string]any)
			var preds []string
			_ = json.Unmarshal([]byte(fmt.Sprint(params["predicate"])), &preds)
			if params["mode"] != "Overwrite" || len(preds) != 1 || preds[0] != "("+tc.where+")" {
				t.Fatalf("operationParameters %v, want mode Overwrite and predicate %s", params, tc.where)
			}
			// Both files hold a 2024 row: both are rewritten.
			wantRemoves := 2
			if tc.name == "nothing matches" {
				wantRemoves = 0
			}
			if len(e.removes) != wantRemoves || len(e.adds) == 0 {
				t.Fatalf("commit has %d removes and %d adds, want %d removes and some adds", len(e.removes), len(e.adds), wantRemoves)
			}
		})
	}
}

// TestReplaceWhereSaveAsTable: the option works on catalog tables, and
// outside overwrite mode it is ignored, as in Delta.
func TestReplaceWhereSaveAsTable(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	must(t).df(s.SQL(ctx, "CREATE TABLE m (id INT, grp STRING) USING DELTA PARTITIONED BY (grp)"))
	must(t).df(s.SQL(ctx, "INSERT INTO m VALUES (1, 'a'), (2, 'b'), (3, 'b')"))
	w := func(q, mode string) error {
		return must(t).df(s.SQL(ctx, q)).Write().Mode(mode).Option("replaceWhere", "grp = 'b'").SaveAsTable(ctx, "m")
	}
	if err := w("SELECT 9 AS id, 'b' AS grp", "overwrite"); err != nil {
		t.Fatal(err)
	}
	if err := w("SELECT 5 AS id, 'a' AS grp", "append"); err != nil {
		t.Fatal(err)
	}
	got := strings2D(t, must(t).df(s.SQL(ctx, "SELECT id, grp FROM m ORDER BY id")))
	if want := "1,a\n5,a\n9,b\n"; got != want {
		t.Fatalf("rows:\n%s\nwant:\n%s", got, want)
	}
}
