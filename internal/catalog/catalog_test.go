package catalog

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ingotdata/ingot/storage"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func open(t *testing.T, s storage.Store) *Catalog {
	t.Helper()
	c, err := Open(context.Background(), s, WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDatabaseLocations(t *testing.T) {
	dir := t.TempDir()
	s, _ := storage.NewLocal(dir)
	c := open(t, s)
	ctx := context.Background()
	must(t, c.CreateDatabase(ctx, Database{Name: "Sales"}, false))
	must(t, c.CreateDatabase(ctx, Database{Name: "ext", Location: "file:///elsewhere/ext/"}, false))
	for _, tc := range []struct{ name, db, wantDB, wantTable string }{
		{"empty means default", "", s.URL(), s.URL() + "/t"},
		{"default is the warehouse root", "default", s.URL(), s.URL() + "/t"},
		{"others are <name>.db", "SALES", s.URL() + "/sales.db", s.URL() + "/sales.db/t"},
		{"explicit location kept", "ext", "file:///elsewhere/ext", "file:///elsewhere/ext/t"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.db
			if db == "" {
				db = DefaultDatabase
			}
			d, err := c.GetDatabase(ctx, db)
			must(t, err)
			if d.Location != tc.wantDB {
				t.Errorf("location %q, want %q", d.Location, tc.wantDB)
			}
			if got := c.DefaultTableLocation(tc.db, "T"); got != tc.wantTable {
				t.Errorf("table location %q, want %q", got, tc.wantTable)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	c := open(t, storage.NewMemory())
	must(t, c.CreateDatabase(ctx, Database{Name: "s"}, false))
	must(t, c.CreateTable(ctx, Table{Database: "s", Name: "t", Managed: true}, false))
	for _, tc := range []struct {
		name     string
		run      func() error
		sentinel error
		msg      string
	}{
		{"create existing db", func() error { return c.CreateDatabase(ctx, Database{Name: "S"}, false) }, ErrDatabaseExists,
			"[SCHEMA_ALREADY_EXISTS] Cannot create schema `s` because it already exists."},
		{"create existing db if not exists", func() error { return c.CreateDatabase(ctx, Database{Name: "s"}, true) }, nil, ""},
		{"get missing db", func() error { _, err := c.GetDatabase(ctx, "nope"); return err }, ErrDatabaseNotFound,
			"[SCHEMA_NOT_FOUND] The schema `nope` cannot be found."},
		{"drop non-empty", func() error { return c.DropDatabase(ctx, "s", false, false) }, ErrDatabaseNotEmpty,
			"[SCHEMA_NOT_EMPTY] Cannot drop a schema `s` because it contains objects."},
		{"drop missing db", func() error { return c.DropDatabase(ctx, "nope", false, false) }, ErrDatabaseNotFound, "[SCHEMA_NOT_FOUND]"},
		{"drop missing db if exists", func() error { return c.DropDatabase(ctx, "nope", true, false) }, nil, ""},
		{"drop default", func() error { return c.DropDatabase(ctx, "DEFAULT", false, true) }, ErrUnsupported, "[UNSUPPORTED_FEATURE.DROP_DATABASE]"},
		{"create existing table", func() error { return c.CreateTable(ctx, Table{Database: "S", Name: "T", Managed: true}, false) }, ErrTableExists,
			"[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `s`.`t` because it already exists."},
		{"create table in missing db", func() error { return c.CreateTable(ctx, Table{Database: "x", Name: "t", Managed: true}, false) }, ErrDatabaseNotFound, "`x`"},
		{"get missing table", func() error { _, err := c.GetTable(ctx, "s", "u"); return err }, ErrTableNotFound,
			"[TABLE_OR_VIEW_NOT_FOUND] The table or view `s`.`u` cannot be found."},
		{"drop missing table", func() error { return c.DropTable(ctx, "s", "u", false) }, ErrTableNotFound, "`s`.`u`"},
		{"drop missing table if exists", func() error { return c.DropTable(ctx, "s", "u", true) }, nil, ""},
		{"invalid table name", func() error { return c.CreateTable(ctx, Table{Name: "a/b", Managed: true}, false) }, ErrInvalidName,
			"[INVALID_SCHEMA_OR_RELATION_NAME] `a/b` is not a valid name"},
		{"invalid db name", func() error { return c.CreateDatabase(ctx, Database{Name: "a.b"}, false) }, ErrInvalidName, "`a.b`"},
		{"path-like table name is just not found", func() error { _, err := c.GetTable(ctx, "..", "../catalog"); return err }, ErrTableNotFound, "[TABLE_OR_VIEW_NOT_FOUND]"},
		{"path-like db name is just not found", func() error { return c.DropDatabase(ctx, "../x", false, true) }, ErrDatabaseNotFound, "[SCHEMA_NOT_FOUND]"},
		{"external without location", func() error { return c.CreateTable(ctx, Table{Name: "e"}, false) }, nil, "external table needs a location"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if tc.sentinel == nil && tc.msg == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("expected an error")
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("error %v is not %v", err, tc.sentinel)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not contain %q", err, tc.msg)
			}
		})
	}
}

func TestReopenPersists(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := storage.NewLocal(dir)
	c := open(t, s)
	must(t, c.CreateDatabase(ctx, Database{Name: "Bronze", Comment: "raw", Properties: map[string]string{"owner": "ops"}}, false))
	must(t, c.CreateTable(ctx, Table{Database: "bronze", Name: "Readings", Managed: true, Properties: map[string]string{"delta.appendOnly": "true"}}, false))
	must(t, c.CreateTable(ctx, Table{Name: "ext", Location: "file:///data/ext", Comment: "c"}, false))
	must(t, c.SetTableProperties(ctx, "BRONZE", "readings", map[string]string{"k": "v"}))

	s2, _ := storage.NewLocal(dir)
	c2 := open(t, s2)
	dbs, err := c2.ListDatabases(ctx, "")
	must(t, err)
	if len(dbs) != 2 || dbs[0].Name != "bronze" || dbs[1].Name != "default" {
		t.Fatalf("databases after reopen: %+v", dbs)
	}
	if dbs[0].Comment != "raw" || dbs[0].Properties["owner"] != "ops" || !dbs[0].CreatedAt.Equal(t0) {
		t.Errorf("database fields lost: %+v", dbs[0])
	}
	got, err := c2.GetTable(ctx, "Bronze", "READINGS")
	must(t, err)
	want := Table{Database: "bronze", Name: "readings", Location: s.URL() + "/bronze.db/readings", Provider: "delta", Managed: true,
		Properties: map[string]string{"delta.appendOnly": "true", "k": "v"}, CreatedAt: t0}
	if got.Location != want.Location || got.Provider != want.Provider || !got.Managed || len(got.Properties) != 2 ||
		got.Properties["k"] != "v" || !got.CreatedAt.Equal(t0) || got.Name != want.Name || got.Database != want.Database {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	ext, err := c2.GetTable(ctx, "", "ext")
	must(t, err)
	if ext.Managed || ext.Location != "file:///data/ext" || ext.Comment != "c" || ext.Database != "default" {
		t.Errorf("external table %+v", ext)
	}
}

func TestListPatterns(t *testing.T) {
	ctx := context.Background()
	c := open(t, storage.NewMemory())
	for _, n := range []string{"orders", "order_items", "customers", "events_2024"} {
		must(t, c.CreateTable(ctx, Table{Name: n, Managed: true}, false))
	}
	for _, tc := range []struct{ name, pattern, want string }{
		{"all", "", "customers,events_2024,order_items,orders"},
		{"star", "order*", "order_items,orders"},
		{"alternation", "cust*|events*", "customers,events_2024"},
		{"case-insensitive", "ORDERS", "orders"},
		{"whole name", "order", ""},
		{"regex rest", "events_\\d+", "events_2024"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, err := c.ListTables(ctx, "default", tc.pattern)
			must(t, err)
			var names []string
			for _, x := range ts {
				names = append(names, x.Name)
			}
			if got := strings.Join(names, ","); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := c.ListTables(ctx, "default", "(["); err == nil {
		t.Error("bad pattern accepted")
	}
}

func TestDropDeletesManagedData(t *testing.T) {
	ctx := context.Background()
	s := storage.NewMemory()
	c := open(t, s)
	must(t, c.CreateDatabase(ctx, Database{Name: "silver"}, false))
	must(t, c.CreateTable(ctx, Table{Database: "silver", Name: "m", Managed: true}, false))
	must(t, c.CreateTable(ctx, Table{Database: "silver", Name: "m2", Managed: true}, false))
	must(t, c.CreateTable(ctx, Table{Database: "silver", Name: "e", Location: "memory://external/e"}, false))
	for _, p := range []string{"silver.db/m/_delta_log/0.json", "silver.db/m/part-0.parquet", "silver.db/m2/a.parquet", "silver.db/mx/keep.parquet", "external/e/part-0.parquet"} {
		must(t, s.Put(ctx, p, []byte("x")))
	}
	must(t, c.DropTable(ctx, "silver", "m", false))
	assertFiles(t, s, "silver.db/", "silver.db/m2/a.parquet,silver.db/mx/keep.parquet")

	must(t, c.DropDatabase(ctx, "SILVER", false, true))
	assertFiles(t, s, "silver.db/", "") // the directory goes, stray files too
	assertFiles(t, s, "external/", "external/e/part-0.parquet")
	if ok, err := c.DatabaseExists(ctx, "silver"); ok || err != nil {
		t.Errorf("database still exists (%v)", err)
	}
	if ok, _ := c.TableExists(ctx, "silver", "e"); ok {
		t.Error("table entry survived cascade")
	}
	// Recreating the database starts empty.
	must(t, c.CreateDatabase(ctx, Database{Name: "silver"}, false))
	ts, err := c.ListTables(ctx, "silver", "")
	must(t, err)
	if len(ts) != 0 {
		t.Errorf("recreated database has tables %v", ts)
	}
}

func assertFiles(t *testing.T, s storage.Store, prefix, want string) {
	t.Helper()
	fs, err := s.List(context.Background(), prefix)
	must(t, err)
	var got []string
	for _, f := range fs {
		got = append(got, f.Path)
	}
	if strings.Join(got, ",") != want {
		t.Errorf("files under %s: %v, want %s", prefix, got, want)
	}
}

func TestConcurrentCreates(t *testing.T) {
	ctx := context.Background()
	s, _ := storage.NewLocal(t.TempDir())
	c := open(t, s)
	const n = 8
	for _, tc := range []struct {
		name     string
		create   func(i int) error
		sentinel error
	}{
		{"database", func(i int) error {
			return c.CreateDatabase(ctx, Database{Name: "Race", Comment: string(rune('a' + i))}, false)
		}, ErrDatabaseExists},
		{"table", func(i int) error {
			return c.CreateTable(ctx, Table{Name: "race", Managed: true, Comment: string(rune('a' + i))}, false)
		}, ErrTableExists},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = tc.create(i) }()
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, tc.sentinel):
					t.Errorf("unexpected error %v", err)
				}
			}
			if wins != 1 {
				t.Errorf("%d creators won, want exactly 1", wins)
			}
		})
	}
}

func TestCorruptEntry(t *testing.T) {
	ctx := context.Background()
	s := storage.NewMemory()
	c := open(t, s)
	for _, tc := range []struct{ name, body, want string }{
		{"bad json", "{", "_ingot_catalog/tables/default/bad.json"},
		{"future version", `{"formatVersion":2,"name":"bad"}`, "unsupported formatVersion 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			must(t, s.Put(ctx, "_ingot_catalog/tables/default/bad.json", []byte(tc.body)))
			_, err := c.GetTable(ctx, "default", "bad")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
