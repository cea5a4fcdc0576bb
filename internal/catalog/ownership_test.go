package catalog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ingotdata/ingot/storage"
)

// writeFiles creates files (paths relative to dir) holding "keep".
func writeFiles(t *testing.T, dir string, rels ...string) {
	t.Helper()
	for _, rel := range rels {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		must(t, os.MkdirAll(filepath.Dir(full), 0o755))
		must(t, os.WriteFile(full, []byte("keep"), 0o644))
	}
}

// missingFiles returns the ones of rels (relative to dir) that are gone.
func missingFiles(dir string, rels ...string) []string {
	var gone []string
	for _, rel := range rels {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			gone = append(gone, rel)
		}
	}
	return gone
}

// TestDropDatabaseEscapingLocation: issue 15 item 1. A LOCATION climbing
// out of the warehouse with ".." was taken for a directory inside it, and
// dropping the (empty) database deleted the files there.
func TestDropDatabaseEscapingLocation(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	wh := filepath.Join(root, "a", "b", "wh")
	victim := filepath.Join(root, "victim")
	writeFiles(t, victim, "keep.txt", "sub/keep2.txt")
	s, err := storage.NewLocal(wh)
	must(t, err)
	c := open(t, s)
	must(t, c.CreateDatabase(ctx, Database{Name: "e", Location: "file://" + filepath.ToSlash(wh) + "/../../../victim"}, false))
	db, err := c.GetDatabase(ctx, "e")
	must(t, err)
	if want := "file://" + filepath.ToSlash(victim); db.Location != want {
		t.Errorf("stored location %q, want canonical %q", db.Location, want)
	}
	must(t, c.DropDatabase(ctx, "e", false, false))
	if gone := missingFiles(victim, "keep.txt", "sub/keep2.txt"); len(gone) > 0 {
		t.Fatalf("DROP DATABASE deleted %v outside the warehouse", gone)
	}
}

// TestDatabaseAtAnotherDatabasesFolder: issue 15 item 1. A database whose
// LOCATION is another database's folder must not be able to delete that
// database's tables: creating it is refused, and an entry recorded before
// the check existed (written as typed by an older version) deletes nothing
// beyond its own tables when dropped.
func TestDatabaseAtAnotherDatabasesFolder(t *testing.T) {
	ctx := context.Background()
	wh := t.TempDir()
	s, err := storage.NewLocal(wh)
	must(t, err)
	c := open(t, s)
	must(t, c.CreateDatabase(ctx, Database{Name: "a"}, false))
	must(t, c.CreateTable(ctx, Table{Database: "a", Name: "t", Managed: true}, false))
	writeFiles(t, wh, "a.db/t/_delta_log/00000000000000000000.json", "a.db/t/part-0.parquet")

	for _, loc := range []string{wh + "/a.db", "file://" + wh + "/a.db/", wh + "/x/../a.db", wh + "/a.db/t", wh + "/a.db/t/sub", wh, wh + "/_ingot_catalog", filepath.Dir(wh)} {
		err := c.CreateDatabase(ctx, Database{Name: "b", Location: loc}, false)
		if !errors.Is(err, ErrLocationConflict) {
			t.Errorf("CREATE DATABASE b LOCATION %q: %v, want ErrLocationConflict", loc, err)
		}
	}
	// The other order: b takes the folder a would get by default.
	must(t, c.CreateDatabase(ctx, Database{Name: "b", Location: wh + "/c.db"}, false))
	if err := c.CreateDatabase(ctx, Database{Name: "c"}, false); !errors.Is(err, ErrLocationConflict) {
		t.Errorf("CREATE DATABASE c at b's folder: %v, want ErrLocationConflict", err)
	}

	// An entry from before: database "old" located at a's folder.
	must(t, s.Put(ctx, dbKey("old"), []byte(`{"formatVersion":1,"name":"old","location":"`+wh+`/a.db/","createdAt":"2026-11-25T12:00:00Z"}`+"\n")))
	must(t, c.DropDatabase(ctx, "old", false, false))
	if gone := missingFiles(wh, "a.db/t/_delta_log/00000000000000000000.json", "a.db/t/part-0.parquet"); len(gone) > 0 {
		t.Fatalf("dropping a database at a's folder deleted a's files %v", gone)
	}
	if ok, err := c.TableExists(ctx, "a", "t"); !ok || err != nil {
		t.Fatalf("a.t lost: %v", err)
	}
}

// TestDropTableAtPlainAbsoluteLocation: issue 15 item 6. A managed table in
// a database with a plain absolute LOCATION: DROP removed the entry, then
// failed to delete the data ("no store for location"), leaving it for a
// later CREATE to adopt.
func TestDropTableAtPlainAbsoluteLocation(t *testing.T) {
	ctx := context.Background()
	s, err := storage.NewLocal(t.TempDir())
	must(t, err)
	c := open(t, s)
	ext := t.TempDir()
	must(t, c.CreateDatabase(ctx, Database{Name: "e", Location: ext}, false))
	must(t, c.CreateTable(ctx, Table{Database: "e", Name: "m", Managed: true}, false))
	m, err := c.GetTable(ctx, "e", "m")
	must(t, err)
	if want := "file://" + filepath.ToSlash(ext) + "/m"; m.Location != want {
		t.Errorf("managed location %q, want %q", m.Location, want)
	}
	data := []string{"m/_delta_log/00000000000000000000.json", "m/part-0.parquet"}
	writeFiles(t, ext, data...)
	must(t, c.DropTable(ctx, "e", "m", false))
	if gone := missingFiles(ext, data...); len(gone) != len(data) {
		t.Errorf("DROP TABLE kept managed data: only %v deleted", gone)
	}

	// An entry from before locations were canonical holds the plain path.
	must(t, s.Put(ctx, tableKey("e", "old"), []byte(`{"formatVersion":1,"database":"e","name":"old","location":"`+ext+`/old","provider":"delta","managed":true,"createdAt":"2026-11-25T12:00:00Z"}`+"\n")))
	writeFiles(t, ext, "old/part-0.parquet")
	must(t, c.DropTable(ctx, "e", "old", false))
	if gone := missingFiles(ext, "old/part-0.parquet"); len(gone) != 1 {
		t.Error("DROP TABLE kept the data of a legacy plain-path entry")
	}

	// External table at a plain absolute path: DROP forgets it, keeps data.
	extTable := filepath.Join(t.TempDir(), "x")
	writeFiles(t, extTable, "_delta_log/00000000000000000000.json")
	must(t, c.CreateTable(ctx, Table{Name: "x", Location: extTable}, false))
	must(t, c.DropTable(ctx, "default", "x", false))
	if gone := missingFiles(extTable, "_delta_log/00000000000000000000.json"); len(gone) > 0 {
		t.Errorf("DROP of an external table deleted %v", gone)
	}
	if ok, _ := c.TableExists(ctx, "default", "x"); ok {
		t.Error("external entry survived DROP")
	}
}

// failingDeletes is a store whose Delete fails outside the catalog
// directory: entries can be removed, the data of a table cannot.
type failingDeletes struct{ storage.Store }

func (f failingDeletes) Delete(ctx context.Context, p string) error {
	if strings.HasPrefix(p, Dir+"/") {
		return f.Store.Delete(ctx, p)
	}
	return errors.New("injected delete failure")
}

// TestDropTableFailureKeepsEntry: issue 15 item 6. When deleting the data
// fails, the entry stays (DROP can be retried) instead of orphaning data.
func TestDropTableFailureKeepsEntry(t *testing.T) {
	ctx := context.Background()
	mem := storage.NewMemory()
	c, err := Open(ctx, failingDeletes{mem})
	must(t, err)
	must(t, c.CreateTable(ctx, Table{Name: "m", Managed: true}, false))
	must(t, mem.Put(ctx, "m/part-0.parquet", []byte("x")))
	if err := c.DropTable(ctx, "default", "m", false); err == nil || !strings.Contains(err.Error(), "injected") {
		t.Fatalf("DROP TABLE = %v, want the delete failure", err)
	}
	if ok, err := c.TableExists(ctx, "default", "m"); !ok || err != nil {
		t.Fatalf("entry gone after a failed DROP (%v): its data is orphaned", err)
	}
	c2, err := Open(ctx, mem)
	must(t, err)
	must(t, c2.DropTable(ctx, "default", "m", false))
	assertFiles(t, mem, "m/", "")
}

// TestSharedLocationKeepsData: a managed table whose directory holds
// another table's data (an external table created inside it) keeps its
// data on DROP.
func TestSharedLocationKeepsData(t *testing.T) {
	ctx := context.Background()
	s := storage.NewMemory()
	c := open(t, s)
	must(t, c.CreateTable(ctx, Table{Name: "m", Managed: true}, false))
	must(t, c.CreateTable(ctx, Table{Name: "e", Location: "memory://m/nested"}, false))
	must(t, s.Put(ctx, "m/nested/part-0.parquet", []byte("x")))
	must(t, c.DropTable(ctx, "default", "m", false))
	assertFiles(t, s, "m/", "m/nested/part-0.parquet")
}

// readOnly is a store that refuses every write, as a read-only mount does.
type readOnly struct{ storage.Store }

var errReadOnly = errors.New("read-only store")

func (readOnly) Put(context.Context, string, []byte) error         { return errReadOnly }
func (readOnly) PutIfAbsent(context.Context, string, []byte) error { return errReadOnly }
func (readOnly) Delete(context.Context, string) error              { return errReadOnly }

// TestOpenReadOnly: issue 15 item 7. Opening a catalog wrote
// databases/default.json, so a read-only warehouse could not be opened at
// all. It now opens and reads; writes fail with the store's error.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	mem := storage.NewMemory()
	w := open(t, mem)
	must(t, w.CreateDatabase(ctx, Database{Name: "sales"}, false))
	must(t, w.CreateTable(ctx, Table{Database: "sales", Name: "orders", Managed: true}, false))

	for name, store := range map[string]storage.Store{"populated": readOnly{mem}, "empty": readOnly{storage.NewMemory()}} {
		t.Run(name, func(t *testing.T) {
			c, err := Open(ctx, store)
			must(t, err)
			dbs, err := c.ListDatabases(ctx, "")
			must(t, err)
			var names []string
			for _, d := range dbs {
				names = append(names, d.Name)
			}
			want := map[string]string{"populated": "default,sales", "empty": "default"}[name]
			if got := strings.Join(names, ","); got != want {
				t.Errorf("databases %q, want %q", got, want)
			}
			if d, err := c.GetDatabase(ctx, "default"); err != nil || d.Location != "memory://" {
				t.Errorf("default database %+v, %v", d, err)
			}
			if name == "populated" {
				if _, err := c.GetTable(ctx, "sales", "orders"); err != nil {
					t.Errorf("get table: %v", err)
				}
			}
			if err := c.CreateTable(ctx, Table{Name: "n", Managed: true}, false); !errors.Is(err, errReadOnly) {
				t.Errorf("create table on a read-only warehouse: %v, want the store's error", err)
			}
		})
	}
}
