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
	return Table{e.Database, e.Name, e.Location, e.Provider, e.Managed, e.Comment, e.Properties, e.CreatedAt}
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
		return joinURL(d.Location, table)
	}
	return joinURL(c.defaultDatabaseLocation(db), table)
}

// CreateTable registers t in its database (DefaultDatabase if empty). A
// managed table without Location gets DefaultTableLocation; an external one
// must have a Location. Provider defaults to "delta". Creating an existing
// table fails with ErrTableExists unless ifNotExists; concurrent creates of
// one name are safe.
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
	t.Location = trimURL(t.Location)
	if t.Location == "" {
		if !t.Managed {
			return fmt.Errorf("catalog: create table %s: an external table needs a location", t.Ident())
		}
		t.Location = joinURL(db.Location, t.Name)
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

// DropTable removes db.name; for a managed table it deletes the data too.
// The entry goes first: a crash in between leaves orphaned files, never an
// entry pointing at half-deleted data.
func (c *Catalog) DropTable(ctx context.Context, db, name string, ifExists bool) error {
	t, err := c.GetTable(ctx, db, name)
	if err != nil {
		if ifExists && errors.Is(err, ErrTableNotFound) {
			return nil
		}
		return err
	}
	if err := c.wh.Delete(ctx, tableKey(t.Database, t.Name)); err != nil {
		return fmt.Errorf("catalog: drop table %s: %w", t.Ident(), err)
	}
	if t.Managed {
		return c.deleteData(ctx, t)
	}
	return nil
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
	nt.Location = trimURL(nt.Location)
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
