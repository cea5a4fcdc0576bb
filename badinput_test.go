package ingot_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ingotdata/ingot"
	"github.com/ingotdata/ingot/internal/catalog"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// Issue 15, "trustworthy under bad input": items 1, 6 and 7 end to end.

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }

// regularFiles lists the files below dir (none if it does not exist).
func regularFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDropDatabaseStaysInWarehouse: item 1. An empty database whose
// LOCATION climbs out of the warehouse, or names another database's folder.
func TestDropDatabaseStaysInWarehouse(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	wh := s.Warehouse()
	victim := filepath.Join(dir, "victim")
	writeFile(t, filepath.Join(victim, "keep.txt"), "keep")
	writeFile(t, filepath.Join(victim, "sub", "keep2.txt"), "keep")

	must(t).df(s.SQL(ctx, "CREATE DATABASE e LOCATION 'file://"+filepath.ToSlash(wh)+"/../victim'"))
	desc := strings2D(t, must(t).df(s.SQL(ctx, "DESCRIBE DATABASE e")))
	if want := "Location,file://" + filepath.ToSlash(victim) + "\n"; !strings.Contains(desc, want) {
		t.Errorf("DESCRIBE DATABASE does not show the canonical location %q:\n%s", want, desc)
	}
	must(t).df(s.SQL(ctx, "DROP DATABASE e"))
	for _, f := range []string{"keep.txt", "sub/keep2.txt"} {
		if !fileExists(filepath.Join(victim, f)) {
			t.Errorf("DROP DATABASE deleted %s outside the warehouse", f)
		}
	}

	must(t).df(s.SQL(ctx, "CREATE DATABASE a"))
	must(t).df(s.SQL(ctx, "CREATE TABLE a.t (id INT) USING DELTA"))
	must(t).df(s.SQL(ctx, "INSERT INTO a.t VALUES (1), (2)"))
	_, err := s.SQL(ctx, "CREATE DATABASE b LOCATION '"+wh+"/a.db'")
	if !errors.Is(err, catalog.ErrLocationConflict) || !strings.Contains(err.Error(), "LOCATION_ALREADY_EXISTS") {
		t.Fatalf("CREATE DATABASE at another database's folder: %v", err)
	}
	s.SQL(ctx, "DROP DATABASE IF EXISTS b")
	if got := strings2D(t, must(t).df(s.SQL(ctx, "SELECT count(*) FROM a.t"))); got != "2\n" {
		t.Fatalf("a.t after the attempt: %q", got)
	}
	if _, err := s.SQL(ctx, "CREATE DATABASE g LOCATION 'gs://bucket/g'"); !errors.Is(err, storage.ErrInvalidLocation) {
		t.Errorf("unknown scheme: %v, want ErrInvalidLocation", err)
	}
}

// TestDropTableAtPlainAbsoluteLocation: item 6. A managed table of a
// database located at a plain absolute path: DROP TABLE removed the entry,
// failed to delete the data, and a later CREATE adopted the old rows.
func TestDropTableAtPlainAbsoluteLocation(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	ext := filepath.Join(dir, "ext")
	must(t).df(s.SQL(ctx, "CREATE DATABASE e LOCATION '"+ext+"'"))
	must(t).df(s.SQL(ctx, "CREATE TABLE e.t (id INT) USING DELTA"))
	must(t).df(s.SQL(ctx, "INSERT INTO e.t VALUES (1), (2), (3)"))
	must(t).df(s.SQL(ctx, "DROP TABLE e.t"))
	if files := regularFiles(t, filepath.Join(ext, "t")); len(files) > 0 {
		t.Errorf("DROP TABLE left the data of managed table e.t: %v", files)
	}
	must(t).df(s.SQL(ctx, "CREATE TABLE e.t (id INT) USING DELTA"))
	if got := strings2D(t, must(t).df(s.SQL(ctx, "SELECT count(*) FROM e.t"))); got != "0\n" {
		t.Fatalf("recreated e.t has the dropped table's rows: count %q", got)
	}

	// An external table at a plain absolute path keeps its data.
	x := filepath.Join(dir, "x")
	must(t).df(s.SQL(ctx, "CREATE TABLE x (id INT) USING DELTA LOCATION '"+x+"'"))
	must(t).df(s.SQL(ctx, "INSERT INTO x VALUES (7)"))
	must(t).df(s.SQL(ctx, "DROP TABLE x"))
	if !fileExists(filepath.Join(x, "_delta_log")) {
		t.Fatal("DROP of an external table deleted its data")
	}
}

// TestCreateRefusesOrphanedManagedData: item 6. Files at a managed table's
// location that no entry owns (left by a crash, or put there by hand) are
// not silently adopted by CREATE TABLE or saveAsTable.
func TestCreateRefusesOrphanedManagedData(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	orphan := filepath.Join(s.Warehouse(), "o")
	must(t).df(s.SQL(ctx, "CREATE TABLE delta.`"+orphan+"` (id INT) USING DELTA"))
	must(t).df(s.SQL(ctx, "INSERT INTO delta.`"+orphan+"` VALUES (1)"))
	for _, stmt := range []string{"CREATE TABLE o (id INT) USING DELTA", "CREATE TABLE IF NOT EXISTS o (id INT) USING DELTA", "CREATE TABLE o USING DELTA AS SELECT 2 AS id"} {
		if _, err := s.SQL(ctx, stmt); !errors.Is(err, catalog.ErrLocationConflict) {
			t.Errorf("%s over orphaned data: %v, want LOCATION_ALREADY_EXISTS", stmt, err)
		}
	}
	df := must(t).df(s.SQL(ctx, "SELECT 3 AS id"))
	if err := df.Write().Mode("append").SaveAsTable(ctx, "o"); !errors.Is(err, catalog.ErrLocationConflict) {
		t.Errorf("saveAsTable over orphaned data: %v, want LOCATION_ALREADY_EXISTS", err)
	}
	if _, err := s.SQL(ctx, "SELECT * FROM o"); err == nil {
		t.Error("a table o was registered over the orphaned data")
	}
	if got := strings2D(t, must(t).df(s.SQL(ctx, "SELECT id FROM delta.`"+orphan+"`"))); got != "1\n" {
		t.Errorf("orphaned data changed: %q", got)
	}
}

// snapshotTree records every path under dir with its modification time
// (directories too: creating and removing a temp file changes theirs).
func snapshotTree(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[p] = info.ModTime()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReadOnlyWarehouse: item 7. Opening a session wrote the catalog, so a
// warehouse that cannot be written could not even be queried. Tests run as
// root, where permission bits do not stop writes, so the test checks the
// two things that hold for any user: opening and querying an existing
// warehouse changes nothing in it, and a warehouse below a regular file
// (which no one can write) opens, answers queries and fails writes clearly.
func TestReadOnlyWarehouse(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wh := filepath.Join(dir, "wh")
	s1, err := ingot.NewSession(ctx, ingot.Config{Warehouse: wh, Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	must(t).df(s1.SQL(ctx, "CREATE TABLE t (id INT) USING DELTA"))
	must(t).df(s1.SQL(ctx, "INSERT INTO t VALUES (1), (2)"))
	s1.Close()

	before := snapshotTree(t, wh)
	time.Sleep(20 * time.Millisecond) // past the file system's timestamp granularity
	s2, err := ingot.NewSession(ctx, ingot.Config{Warehouse: wh, Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings2D(t, must(t).df(s2.SQL(ctx, "SELECT sum(id) FROM t"))); got != "3\n" {
		t.Fatalf("query: %q", got)
	}
	strings2D(t, must(t).df(s2.SQL(ctx, "SHOW TABLES")))
	s2.Close()
	after := snapshotTree(t, wh)
	for p, m := range after {
		if b, ok := before[p]; !ok || !b.Equal(m) {
			t.Errorf("opening and querying the warehouse wrote %s", p)
		}
	}

	// A warehouse whose parent is a regular file: nothing can be written.
	blocker := filepath.Join(dir, "blocker")
	writeFile(t, blocker, "not a directory")
	s3, err := ingot.NewSession(ctx, ingot.Config{Warehouse: filepath.Join(blocker, "wh"), Parallelism: 2})
	if err != nil {
		t.Fatalf("NewSession on an unwritable warehouse: %v", err)
	}
	defer s3.Close()
	if got := strings2D(t, must(t).df(s3.SQL(ctx, "SHOW DATABASES"))); got != "default\n" {
		t.Errorf("SHOW DATABASES: %q", got)
	}
	if got := strings2D(t, must(t).df(s3.SQL(ctx, "SELECT sum(id) FROM delta.`"+filepath.Join(wh, "t")+"`"))); got != "3\n" {
		t.Errorf("query by path: %q", got)
	}
	_, err = s3.SQL(ctx, "CREATE TABLE n (id INT) USING DELTA")
	if err == nil || !strings.Contains(err.Error(), blocker) {
		t.Errorf("CREATE TABLE on an unwritable warehouse: %v, want an error naming the path", err)
	}
}

// TestKilledWriteTempFilesCleaned: item 7. A write killed before publishing
// its object (SIGKILL during OPTIMIZE) leaves ".<name>.tmp-<n>" beside it,
// hidden from List and so from VACUUM. The next write into the directory
// removes the stale ones, VACUUM the rest; fresh ones (possibly a live
// writer's) stay.
func TestKilledWriteTempFilesCleaned(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	must(t).df(s.SQL(ctx, "CREATE TABLE t (id INT, p INT) USING DELTA PARTITIONED BY (p)"))
	must(t).df(s.SQL(ctx, "INSERT INTO t VALUES (1, 1)"))
	dir := filepath.Join(s.Warehouse(), "t")
	old := time.Now().Add(-storage.StaleTempAge - time.Minute)
	plant := func(rel string, size int, mod time.Time) string {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		writeFile(t, p, strings.Repeat("x", size))
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
		return p
	}
	staleLog := plant("_delta_log/.00000000000000000002.json.tmp-111", 100, old)
	stalePart := plant("p=2/.part-00000-a.c000.snappy.parquet.tmp-222", 5<<20, old)
	fresh := plant("p=1/.part-00001-b.c000.snappy.parquet.tmp-333", 100, time.Now())

	must(t).df(s.SQL(ctx, "INSERT INTO t VALUES (2, 1)"))
	if fileExists(staleLog) {
		t.Error("a write did not remove the stale temp file in the directory it wrote")
	}
	if !fileExists(stalePart) || !fileExists(fresh) {
		t.Fatal("a write removed temp files of directories it did not write, or a fresh one")
	}
	out := strings2D(t, must(t).df(s.SQL(ctx, "VACUUM t")))
	if fileExists(stalePart) || !strings.Contains(out, ".part-00000-a.c000.snappy.parquet.tmp-222") {
		t.Errorf("VACUUM did not remove (and report) the stale temp file:\n%s", out)
	}
	if !fileExists(fresh) {
		t.Error("VACUUM removed a fresh temp file")
	}
	if got := strings2D(t, must(t).df(s.SQL(ctx, "SELECT count(*) FROM t"))); got != "2\n" {
		t.Errorf("table after cleaning: %q", got)
	}
}

// TestStreamingLocationsAreURLs: a file:// checkpoint location and sink
// path name the directory they spell, not a relative directory "file:".
func TestStreamingLocationsAreURLs(t *testing.T) {
	ctx := context.Background()
	s, dir := newSession(t)
	in := filepath.Join(dir, "in")
	writeFile(t, filepath.Join(in, "1.json"), `{"id": 1}`+"\n")
	df := must(t).df(s.ReadStream().Schema(types.NewStruct(types.Field("id", types.Long))).JSON(ctx, in))
	q, err := df.WriteStream().Trigger(ingot.AvailableNow()).
		Option("checkpointLocation", "file://"+filepath.ToSlash(dir)+"/chk").Start(ctx, "file://"+filepath.ToSlash(dir)+"/out")
	if err != nil {
		t.Fatal(err)
	}
	if err := q.AwaitTermination(ctx); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"chk", "out/_delta_log"} {
		if !fileExists(filepath.Join(dir, d)) {
			t.Errorf("%s not written", d)
		}
	}
}

// TestIgnoreCorruptFiles: a Delta data file cut short fails a SELECT with an
// error naming it; with spark.sql.files.ignoreCorruptFiles (or the reader
// option) the file is skipped and the other commit's rows are returned.
func TestIgnoreCorruptFiles(t *testing.T) {
	ctx := context.Background()
	s, _ := newSession(t)
	must(t).df(s.SQL(ctx, "CREATE TABLE t (id BIGINT) USING DELTA"))
	must(t).df(s.SQL(ctx, "INSERT INTO t VALUES (1), (2)"))
	before := map[string]bool{}
	loc := filepath.Join(s.Warehouse(), "t")
	for _, f := range regularFiles(t, loc) {
		before[f] = true
	}
	must(t).df(s.SQL(ctx, "INSERT INTO t VALUES (10), (20), (30)"))
	var victim string
	for _, f := range regularFiles(t, loc) {
		if !before[f] && strings.HasSuffix(f, ".parquet") {
			victim = f
		}
	}
	if victim == "" {
		t.Fatal("second INSERT wrote no parquet file")
	}
	b, err := os.ReadFile(victim)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(victim, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}

	df, err := s.SQL(ctx, "SELECT sum(id) FROM t")
	if err == nil {
		_, err = df.CollectStrings(ctx, "NULL")
	}
	if err == nil || !strings.Contains(err.Error(), filepath.Base(victim)) {
		t.Fatalf("scan of a truncated file: want an error naming %s, got %v", filepath.Base(victim), err)
	}

	s.SetConf("spark.sql.files.ignoreCorruptFiles", "true")
	if got := strings2D(t, must(t).df(s.SQL(ctx, "SELECT sum(id) FROM t"))); got != "3\n" {
		t.Errorf("with ignoreCorruptFiles: sum %q, want 3", got)
	}
	s.SetConf("spark.sql.files.ignoreCorruptFiles", "false")
	df = must(t).df(s.Read().Format("delta").Option("ignoreCorruptFiles", "true").Load(ctx, loc))
	if got := strings2D(t, df); got != "1\n2\n" && got != "2\n1\n" {
		t.Errorf("reader option ignoreCorruptFiles: rows %q, want 1 and 2", got)
	}
}
