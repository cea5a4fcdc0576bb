package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// logAdd is the part of a Delta add action the interop checks use. It is
// parsed here with encoding/json, not with ingot's delta package, so that a
// bug in ingot's log replay cannot hide a bug in what ingot wrote.
type logAdd struct {
	Path            string             `json:"path"`
	PartitionValues map[string]*string `json:"partitionValues"`
	Size            int64              `json:"size"`
	DataChange      bool               `json:"dataChange"`
	Stats           string             `json:"stats"`
}

// logField is one top-level field of the metaData schemaString.
type logField struct {
	Name     string          `json:"name"`
	Type     json.RawMessage `json:"type"`
	Nullable bool            `json:"nullable"`
}

// typeName is the field's primitive type name ("long", "decimal(10,2)");
// nested types come back as their raw JSON, which no check here needs.
func (f logField) typeName() string {
	var s string
	if json.Unmarshal(f.Type, &s) == nil {
		return s
	}
	return string(f.Type)
}

// deltaLog is a table's state as of its latest JSON commit: the live files
// (adds not removed since) and the latest metaData's schema and partitioning.
type deltaLog struct {
	dir        string
	version    int64
	schema     []logField
	partitions []string
	live       []logAdd // sorted by path
}

// readDeltaLog replays dir/_delta_log/*.json in version order. It ignores
// checkpoints: every commit's JSON is still present in the tables the tests
// write, and reading them all is the simplest independent replay.
func readDeltaLog(tb testing.TB, dir string) *deltaLog {
	tb.Helper()
	return readDeltaLogAt(tb, dir, -1)
}

// readDeltaLogAt replays commits 0..version (all of them when version < 0).
func readDeltaLogAt(tb testing.TB, dir string, version int64) *deltaLog {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "_delta_log", "*.json"))
	if err != nil || len(names) == 0 {
		tb.Fatalf("deltalog: no commits under %s (%v)", dir, err)
	}
	type commit struct {
		version int64
		path    string
	}
	var commits []commit
	for _, n := range names {
		v, err := strconv.ParseInt(strings.TrimSuffix(filepath.Base(n), ".json"), 10, 64)
		if err != nil {
			tb.Fatalf("deltalog: %s: not a commit file name", n)
		}
		commits = append(commits, commit{v, n})
	}
	sort.Slice(commits, func(i, j int) bool { return commits[i].version < commits[j].version })

	lg := &deltaLog{dir: dir}
	live := map[string]logAdd{}
	for i, c := range commits {
		if version >= 0 && c.version > version {
			break
		}
		if c.version != int64(i) {
			tb.Fatalf("deltalog: %s: commit %d missing (found %d)", dir, i, c.version)
		}
		data, err := os.ReadFile(c.path)
		if err != nil {
			tb.Fatalf("deltalog: %v", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
		for line := 1; sc.Scan(); line++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var a struct {
				Add    *logAdd `json:"add"`
				Remove *struct {
					Path string `json:"path"`
				} `json:"remove"`
				MetaData *struct {
					SchemaString     string   `json:"schemaString"`
					PartitionColumns []string `json:"partitionColumns"`
				} `json:"metaData"`
			}
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				tb.Fatalf("deltalog: %s:%d: %v", c.path, line, err)
			}
			switch {
			case a.Add != nil:
				live[a.Add.Path] = *a.Add
			case a.Remove != nil:
				delete(live, a.Remove.Path)
			case a.MetaData != nil:
				var s struct {
					Fields []logField `json:"fields"`
				}
				if err := json.Unmarshal([]byte(a.MetaData.SchemaString), &s); err != nil {
					tb.Fatalf("deltalog: %s:%d: schemaString: %v", c.path, line, err)
				}
				lg.schema, lg.partitions = s.Fields, a.MetaData.PartitionColumns
			}
		}
		if err := sc.Err(); err != nil {
			tb.Fatalf("deltalog: %s: %v", c.path, err)
		}
		lg.version = c.version
	}
	if lg.schema == nil {
		tb.Fatalf("deltalog: %s: no metaData action", dir)
	}
	for _, a := range live {
		lg.live = append(lg.live, a)
	}
	sort.Slice(lg.live, func(i, j int) bool { return lg.live[i].Path < lg.live[j].Path })
	return lg
}

// localPath turns an add action's path (a relative URI, percent-encoded
// per the protocol) into a file path on disk.
func (lg *deltaLog) localPath(tb testing.TB, a logAdd) string {
	tb.Helper()
	u, err := url.Parse(a.Path)
	if err != nil {
		tb.Fatalf("deltalog: add path %q: %v", a.Path, err)
	}
	if u.IsAbs() || strings.HasPrefix(u.Path, "/") {
		tb.Fatalf("deltalog: add path %q is absolute; ingot writes relative paths", a.Path)
	}
	return filepath.Join(lg.dir, filepath.FromSlash(u.Path))
}

// isPartition reports whether name is a partition column.
func (lg *deltaLog) isPartition(name string) bool {
	for _, p := range lg.partitions {
		if strings.EqualFold(p, name) {
			return true
		}
	}
	return false
}

// duckType is the DuckDB type a Delta primitive type reads as.
func duckType(deltaType string) (string, error) {
	switch deltaType {
	case "integer":
		return "INTEGER", nil
	case "long":
		return "BIGINT", nil
	case "short":
		return "SMALLINT", nil
	case "byte":
		return "TINYINT", nil
	case "double":
		return "DOUBLE", nil
	case "float":
		return "FLOAT", nil
	case "string":
		return "VARCHAR", nil
	case "boolean":
		return "BOOLEAN", nil
	case "date":
		return "DATE", nil
	case "timestamp":
		return "TIMESTAMPTZ", nil
	case "timestamp_ntz":
		return "TIMESTAMP", nil
	}
	if strings.HasPrefix(deltaType, "decimal(") {
		return strings.ToUpper(deltaType), nil
	}
	return "", fmt.Errorf("deltalog: no DuckDB type for Delta type %s", deltaType)
}

// quoteIdent quotes a column name for DuckDB SQL.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteString quotes a string literal for DuckDB SQL.
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
