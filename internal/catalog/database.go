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

// Database is a namespace of tables (Spark's schema).
type Database struct {
	Name       string
	Comment    string
	Location   string // URL of the directory holding its managed tables
	Properties map[string]string
	CreatedAt  time.Time
}

type dbEntry struct {
	FormatVersion int               `json:"formatVersion"`
	Name          string            `json:"name"`
	Comment       string            `json:"comment,omitempty"`
	Location      string            `json:"location"`
	Properties    map[string]string `json:"properties,omitempty"`
	CreatedAt     time.Time         `json:"createdAt"`
}

// defaultDatabaseLocation follows Spark: "default" is the warehouse root,
// any other database <warehouse>/<name>.db.
func (c *Catalog) defaultDatabaseLocation(db string) string {
	if db == DefaultDatabase {
		return c.whURL
	}
	return joinURL(c.whURL, db+".db")
}

// CreateDatabase registers db. Its name is stored lower-case; an empty
// Location gets the default one. Creating an existing database fails with
// ErrDatabaseExists unless ifNotExists. Concurrent creates of one name are
// safe: exactly one wins.
func (c *Catalog) CreateDatabase(ctx context.Context, db Database, ifNotExists bool) error {
	if err := validName(db.Name); err != nil {
		return err
	}
	name := normalize(db.Name)
	loc := trimURL(db.Location)
	if loc == "" {
		loc = c.defaultDatabaseLocation(name)
	}
	created := db.CreatedAt
	if created.IsZero() {
		created = c.now()
	}
	b, err := json.Marshal(dbEntry{FormatVersion, name, db.Comment, loc, db.Properties, created.UTC()})
	if err != nil {
		return fmt.Errorf("catalog: create database %s: %w", quote(name), err)
	}
	if err := c.wh.PutIfAbsent(ctx, dbKey(name), append(b, '\n')); err != nil {
		if errors.Is(err, storage.ErrExists) {
			if ifNotExists {
				return nil
			}
			return errDatabaseExists(name)
		}
		return fmt.Errorf("catalog: create database %s: %w", quote(name), err)
	}
	return nil
}

// GetDatabase returns the database named name (case-insensitive).
func (c *Catalog) GetDatabase(ctx context.Context, name string) (Database, error) {
	name = normalize(name)
	if validName(name) != nil {
		// Never build a key from a name like "../x"; no such database exists.
		return Database{}, errDatabaseNotFound(name)
	}
	var e dbEntry
	if err := c.readJSON(ctx, dbKey(name), &e); err != nil {
		if isNotFound(err) {
			return Database{}, errDatabaseNotFound(name)
		}
		return Database{}, fmt.Errorf("catalog: get database %s: %w", quote(name), err)
	}
	return Database{Name: e.Name, Comment: e.Comment, Location: e.Location, Properties: e.Properties, CreatedAt: e.CreatedAt}, nil
}

// DatabaseExists reports whether the database exists.
func (c *Catalog) DatabaseExists(ctx context.Context, name string) (bool, error) {
	_, err := c.GetDatabase(ctx, name)
	if errors.Is(err, ErrDatabaseNotFound) {
		return false, nil
	}
	return err == nil, err
}

// ListDatabases returns the databases whose names match pattern (Spark's
// SHOW DATABASES LIKE syntax; "" for all), sorted by name.
func (c *Catalog) ListDatabases(ctx context.Context, pattern string) ([]Database, error) {
	match, err := matcher(pattern)
	if err != nil {
		return nil, err
	}
	prefix := Dir + "/databases/"
	files, err := c.wh.List(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("catalog: list databases: %w", err)
	}
	var out []Database
	for _, f := range files {
		name, ok := strings.CutSuffix(strings.TrimPrefix(f.Path, prefix), ".json")
		if !ok || strings.Contains(name, "/") || !match(name) {
			continue
		}
		db, err := c.GetDatabase(ctx, name)
		if errors.Is(err, ErrDatabaseNotFound) {
			continue // dropped while listing
		}
		if err != nil {
			return nil, err
		}
		out = append(out, db)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// DropDatabase removes a database. A database holding tables fails with
// ErrDatabaseNotEmpty unless cascade, which drops its tables first (deleting
// managed tables' data). As in Spark, the database's directory is then
// deleted with everything in it — only when it lies inside the warehouse.
// The default database cannot be dropped.
func (c *Catalog) DropDatabase(ctx context.Context, name string, ifExists, cascade bool) error {
	name = normalize(name)
	if name == DefaultDatabase {
		return errDropDefault()
	}
	db, err := c.GetDatabase(ctx, name)
	if err != nil {
		if ifExists && errors.Is(err, ErrDatabaseNotFound) {
			return nil
		}
		return err
	}
	tables, err := c.ListTables(ctx, name, "")
	if err != nil {
		return err
	}
	if len(tables) > 0 && !cascade {
		return errDatabaseNotEmpty(name)
	}
	for _, t := range tables {
		if err := c.DropTable(ctx, name, t.Name, true); err != nil {
			return fmt.Errorf("catalog: drop database %s cascade: %w", quote(name), err)
		}
	}
	if err := c.wh.Delete(ctx, dbKey(name)); err != nil {
		return fmt.Errorf("catalog: drop database %s: %w", quote(name), err)
	}
	return c.deleteDatabaseDir(ctx, name, db.Location)
}

// deleteDatabaseDir removes what is left in a dropped database's directory
// (Spark deletes the directory recursively), but only for a directory inside
// the warehouse: a LOCATION given by the user may hold other data.
func (c *Catalog) deleteDatabaseDir(ctx context.Context, name, location string) error {
	rel, ok := c.relToWarehouse(location)
	if !ok || rel == "" || rel == Dir || strings.HasPrefix(rel, Dir+"/") {
		return nil
	}
	files, err := c.wh.List(ctx, rel+"/")
	if err != nil {
		return fmt.Errorf("catalog: drop database %s: %w", quote(name), err)
	}
	for _, f := range files {
		if err := c.wh.Delete(ctx, f.Path); err != nil {
			return fmt.Errorf("catalog: drop database %s: %w", quote(name), err)
		}
	}
	return nil
}
