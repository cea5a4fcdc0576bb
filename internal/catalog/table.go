package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ingotdata/ingot/storage"
)

// Table is a table registered in a database. The catalog records where it
// lives and which provider reads it; the schema belongs to the provider.
type Table struct {
	Database   string
	Name       string
	Location   string // URL of the table's root directory
	Provider   string // "delta"
	Managed    bool   // data is owned by the catalog and deleted on DROP
	Comment    string
	Properties map[string]string
	CreatedAt  time.Time
}

// Ident is the quoted name Spark prints: `db`.`t`.
func (t Table) Ident() string { return quote(t.Database, t.Name) }

type tableEntry struct {
	FormatVersion int               `json:"formatVersion"`
	Database      string            `json:"database"`
	Name          string            `json:"name"`
	Location      string            `json:"location"`
	Provider      string            `json:"provider"`
	Managed       bool              `json:"managed"`
	Comment       string            `json:"comment,omitempty"`
	Properties    map[string]string `json:"properties,omitempty"`
	CreatedAt     time.Time         `json:"createdAt"`
}

func (e tableEntry) table() Table {
	return Table{e.Database, e.Name, readLocation(e.Location), e.Provider, e.Managed, e.Comment, e.Properties, e.CreatedAt}
}

// DefaultTableLocation is where a managed table lives: <db location>/<table>.
// It does not check that db exists; an unknown db is assumed to have the
// default location <warehouse>/<db>.db.
func (c *Catalog) DefaultTableLocation(db, table string) string {
	if db == "" {
		db = DefaultDatabase
	}
	db, table = normalize(db), normalize(table)
	if d, err := c.GetDatabase(context.Background(), db); err == nil {
		return joinLocation(d.Location, table)
	}
	return joinLocation(c.defaultDatabaseLocation(db), table)
}

// CreateTable registers t in its database (DefaultDatabase if empty). A
// managed table without Location gets DefaultTableLocation; an external one
// must have a Location. Locations are stored canonical; none may be the
// warehouse root or inside the catalog directory. Provider defaults to
// "delta". Creating an existing table fails with ErrTableExists unless
// ifNotExists; concurrent creates of one name are safe.
func (c *Catalog) CreateTable(ctx context.Context, t Table, ifNotExists bool) error {
	if t.Database == "" {
		t.Database = DefaultDatabase
	}
	if err := validName(t.Name); err != nil {
		return err
	}
	t.Database, t.Name = normalize(t.Database), normalize(t.Name)
	db, err := c.GetDatabase(ctx, t.Database)
	if err != nil {
		return err
	}
	if t.Location == "" {
		if !t.Managed {
			return fmt.Errorf("catalog: create table %s: an external table needs a location", t.Ident())
		}
		t.Location = joinLocation(db.Location, t.Name)
	} else if t.Location, err = canonical("create table "+t.Ident(), t.Location); err != nil {
		return err
	}
	if c.reserved(t.Location) {
		return errLocationConflict(fmt.Sprintf("table %s cannot be located at %s: that is the warehouse root or the catalog's own directory", t.Ident(), t.Location))
	}
	if err := c.ensureDefault(ctx); err != nil {
		return fmt.Errorf("catalog: create table %s: %w", t.Ident(), err)
	}
	if t.Provider == "" {
		t.Provider = "delta"
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = c.now()
	}
	if err := c.putTable(ctx, t, true); err != nil {
		if errors.Is(err, storage.ErrExists) {
			if ifNotExists {
				return nil
			}
			return errTableExists(t.Database, t.Name)
		}
		return fmt.Errorf("catalog: create table %s: %w", t.Ident(), err)
	}
	return nil
}

func (c *Catalog) putTable(ctx context.Context, t Table, create bool) error {
	e := tableEntry{FormatVersion, t.Database, t.Name, t.Location, t.Provider, t.Managed, t.Comment, t.Properties, t.CreatedAt.UTC()}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if create {
		return c.wh.PutIfAbsent(ctx, tableKey(t.Database, t.Name), b)
	}
	return c.wh.Put(ctx, tableKey(t.Database, t.Name), b)
}

// GetTable returns the table db.name (case-insensitive; db "" is default).
func (c *Catalog) GetTable(ctx context.Context, db, name string) (Table, error) {
	if db == "" {
		db = DefaultDatabase
	}
	db, name = normalize(db), normalize(name)
	if validName(db) != nil || validName(name) != nil {
		return Table{}, errTableNotFound(db, name)
	}
	var e tableEntry
	if err := c.readJSON(ctx, tableKey(db, name), &e); err != nil {
		if isNotFound(err) {
			return Table{}, errTableNotFound(db, name)
		}
		return Table{}, fmt.Errorf("catalog: get table %s: %w", quote(db, name), err)
	}
	return e.table(), nil
}

// TableExists reports whether db.name exists.
func (c *Catalog) TableExists(ctx context.Context, db, name string) (bool, error) {
	_, err := c.GetTable(ctx, db, name)
	if errors.Is(err, ErrTableNotFound) {
		return false, nil
	}
	return err == nil, err
}

// ListTables returns the tables of db whose names match pattern (Spark's
// SHOW TABLES LIKE syntax; "" for all), sorted by name. An unknown db fails
// with ErrDatabaseNotFound.
func (c *Catalog) ListTables(ctx context.Context, db, pattern string) ([]Table, error) {
	if db == "" {
		db = DefaultDatabase
	}
	db = normalize(db)
	if _, err := c.GetDatabase(ctx, db); err != nil {
		return nil, err
	}
	match, err := matcher(pattern)
	if err != nil {
		return nil, err
	}
	files, err := c.wh.List(ctx, tablePrefix(db))
	if err != nil {
		return nil, fmt.Errorf("catalog: list tables of %s: %w", quote(db), err)
	}
	var out []Table
	for _, f := range files {
		name, ok := strings.CutSuffix(strings.TrimPrefix(f.Path, tablePrefix(db)), ".json")
		if !ok || strings.Contains(name, "/") || !match(name) {
			continue
		}
		t, err := c.GetTable(ctx, db, name)
		if errors.Is(err, ErrTableNotFound) {
			continue // dropped while listing
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// DropTable removes db.name; for a managed table it first deletes the data
// the table owns (ownedData). Data goes before the entry: a failure or crash
// part way leaves the entry, so the table is still listed and DROP TABLE
// can be run again to finish; it never leaves files at a managed location
// with no entry (which a later CREATE would have to adopt or refuse).
func (c *Catalog) DropTable(ctx context.Context, db, name string, ifExists bool) error {
	t, err := c.GetTable(ctx, db, name)
	if err != nil {
		if ifExists && errors.Is(err, ErrTableNotFound) {
			return nil
		}
		return err
	}
	return c.dropTable(ctx, t, nil)
}

// dropTable drops t (see DropTable). all holds the catalog's locations for
// ownedData; nil reads them.
func (c *Catalog) dropTable(ctx context.Context, t Table, all *locations) error {
	if t.Managed {
		owned, err := c.ownedData(ctx, t, all)
		if err != nil {
			return fmt.Errorf("catalog: drop table %s: %w", t.Ident(), err)
		}
		if owned {
			if err := c.deleteAll(ctx, t.Location); err != nil {
				return fmt.Errorf("catalog: drop table %s: delete data at %s: %w", t.Ident(), t.Location, err)
			}
		}
	}
	if err := c.wh.Delete(ctx, tableKey(t.Database, t.Name)); err != nil {
		return fmt.Errorf("catalog: drop table %s: %w", t.Ident(), err)
	}
	return nil
}

// ownedData reports whether DROP may delete everything under a managed
// table's location. The catalog owns the location it assigned: <database
// location>/<table>, canonical, not the warehouse root or catalog
// directory. A managed table moved elsewhere (ALTER TABLE SET LOCATION, or
// an entry whose location does not parse) keeps its data, as an external
// table does. So does one whose location holds another table or database
// (an external table created inside it): deleting it would delete theirs.
func (c *Catalog) ownedData(ctx context.Context, t Table, all *locations) (bool, error) {
	db, err := c.GetDatabase(ctx, t.Database)
	if err != nil {
		if errors.Is(err, ErrDatabaseNotFound) {
			return false, nil
		}
		return false, err
	}
	if t.Location != joinLocation(db.Location, t.Name) || c.reserved(t.Location) {
		return false, nil
	}
	if all == nil {
		if all, err = c.allLocations(ctx); err != nil {
			return false, err
		}
	}
	for _, d := range all.dbs {
		if _, inside := storage.WithinLocation(t.Location, d.Location); inside {
			return false, nil
		}
	}
	for _, o := range all.tables {
		if o.Database == t.Database && o.Name == t.Name {
			continue
		}
		if _, inside := storage.WithinLocation(t.Location, o.Location); inside {
			return false, nil
		}
	}
	return true, nil
}

// AlterTable rewrites the entry of db.name with fn's changes (ALTER TABLE
// SET TBLPROPERTIES, SET LOCATION, comments). Database, Name and CreatedAt
// cannot change. Concurrent alters of one table are last-writer-wins.
func (c *Catalog) AlterTable(ctx context.Context, db, name string, fn func(*Table) error) error {
	t, err := c.GetTable(ctx, db, name)
	if err != nil {
		return err
	}
	nt := t
	nt.Properties = make(map[string]string, len(t.Properties))
	for k, v := range t.Properties {
		nt.Properties[k] = v
	}
	if err := fn(&nt); err != nil {
		return err
	}
	nt.Database, nt.Name, nt.CreatedAt = t.Database, t.Name, t.CreatedAt
	if nt.Location, err = canonical("alter table "+t.Ident(), nt.Location); err != nil {
		return err
	}
	if c.reserved(nt.Location) {
		return errLocationConflict(fmt.Sprintf("table %s cannot be located at %s: that is the warehouse root or the catalog's own directory", t.Ident(), nt.Location))
	}
	if len(nt.Properties) == 0 {
		nt.Properties = nil
	}
	if err := c.putTable(ctx, nt, false); err != nil {
		return fmt.Errorf("catalog: alter table %s: %w", t.Ident(), err)
	}
	return nil
}

// SetTableProperties merges props into db.name's properties.
func (c *Catalog) SetTableProperties(ctx context.Context, db, name string, props map[string]string) error {
	return c.AlterTable(ctx, db, name, func(t *Table) error {
		for k, v := range props {
			t.Properties[k] = v
		}
		return nil
	})
}
