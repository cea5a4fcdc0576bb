package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEndsStatement(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"SELECT 1;", true},
		{"SELECT 1", false},
		{"SELECT ';'", false},
		{"SELECT ';';", true},
		{"SELECT 1 -- done;", false},
		{"SELECT 1; -- done", true},
		{"SELECT 1 /* a;", false},
		{"SELECT 1 /* a; */ AS x;", true},
		{"SELECT `a;b`", false},
		{"SELECT 'it\\'s';", true},
	} {
		if got := endsStatement(tc.in); got != tc.want {
			t.Errorf("endsStatement(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// A script piped into `ingot sql` stops at its first error and the command
// fails, so shell pipelines notice; statements before it have run.
func TestSQLScriptFailsOnFirstError(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "wh")
	cmd := exec.Command(ingotBin, "sql", "--warehouse", wh, "--format", "csv")
	cmd.Stdin = strings.NewReader("CREATE DATABASE d1;\nSELECT bogus;\nCREATE DATABASE d2;\n")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("want a failing exit, got success:\n%s", out)
	}
	if !strings.Contains(string(out), "UNRESOLVED_COLUMN") {
		t.Fatalf("output lacks the error:\n%s", out)
	}
	dbs := run(t, "sql", "--warehouse", wh, "--format", "csv", "SHOW DATABASES")
	if !strings.Contains(dbs, "d1") || strings.Contains(dbs, "d2") {
		t.Fatalf("databases after the failed script:\n%s\nwant d1 (before the error) and not d2 (after it)", dbs)
	}
}

// The JSON format keeps an empty binary apart from a NULL one.
func TestSQLJSONEmptyBinary(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "wh")
	got := run(t, "sql", "--warehouse", wh, "--format", "json",
		"CREATE TABLE b (i INT, v BINARY) USING delta; INSERT INTO b VALUES (1, X''), (2, NULL), (3, X'01FF'); SELECT * FROM b ORDER BY i")
	want := `{"i":1,"v":""}` + "\n" + `{"i":2,"v":null}` + "\n" + `{"i":3,"v":"Af8="}` + "\n"
	if got != want {
		t.Fatalf("json rows:\n%s\nwant:\n%s", got, want)
	}
}
