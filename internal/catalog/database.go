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
	return joinLocation(c.whURL, db+".db")
}

// CreateDatabase registers db. Its name is stored lower-case; an empty
// Location gets the default one, and any location is stored canonical
// (storage.CanonicalLocation). A location may not overlap what the catalog
// already owns (ErrLocationConflict): the warehouse root or catalog
// directory, another database's location (equal, inside or containing it),
// or a table's location (equal or inside it). Creating an existing database
// fails with ErrDatabaseExists unless ifNotExists. Concurrent creates of one
// name are safe: exactly one wins.
func (c *Catalog) CreateDatabase(ctx context.Context, db Database, ifNotExists bool) error {
	if err := validName(db.Name); err != nil {
		return err
	}
	name := normalize(db.Name)
	if name == DefaultDatabase {
		// It exists implicitly (Open).
		if ifNotExists {
			return nil
		}
		return errDatabaseExists(name)
	}
	loc := c.defaultDatabaseLocation(name)
	if db.Location != "" {
		var err error
		if loc, err = canonical("create database "+quote(name), db.Location); err != nil {
			return err
		}
	}
	if ok, err := c.DatabaseExists(ctx, name); err != nil || ok {
		if err == nil && !ifNotExists {
			err = errDatabaseExists(name)
		}
		return err
	}
	if err := c.checkDatabaseLocation(ctx, name, loc); err != nil {
		return err
	}
	if err := c.ensureDefault(ctx); err != nil {
		return fmt.Errorf("catalog: create database %s: %w", quote(name), err)
	}
	created := db.CreatedAt
	if created.IsZero() {
		created = c.now()
	}
	return c.putDatabase(ctx, dbEntry{FormatVersion, name, db.Comment, loc, db.Properties, created.UTC()}, ifNotExists)
}

func (c *Catalog) putDatabase(ctx context.Context, e dbEntry, ifNotExists bool) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("catalog: create database %s: %w", quote(e.Name), err)
	}
	if err := c.wh.PutIfAbsent(ctx, dbKey(e.Name), append(b, '\n')); err != nil {
		if errors.Is(err, storage.ErrExists) {
			if ifNotExists {
				return nil
			}
			return errDatabaseExists(e.Name)
		}
		return fmt.Errorf("catalog: create database %s: %w", quote(e.Name), err)
	}
	return nil
}

// ensureDefault records the implicit default database, so that a writable
// warehouse always holds databases/default.json (docs/format/catalog.md).
// Every catalog write calls it first; it writes only when the entry is
// missing.
func (c *Catalog) ensureDefault(ctx context.Context) error {
	if _, err := c.wh.Stat(ctx, dbKey(DefaultDatabase)); !isNotFound(err) {
		return err
	}
	return c.putDatabase(ctx, c.implicitDefault(c.now().UTC()), true)
}

// implicitDefault is the default database's entry before one is recorded.
func (c *Catalog) implicitDefault(created time.Time) dbEntry {
	return dbEntry{FormatVersion: FormatVersion, Name: DefaultDatabase, Comment: "default database", Location: c.whURL, CreatedAt: created}
}

// checkDatabaseLocation refuses a location for database name that would let
// dropping one object delete another's data (see CreateDatabase). Another
// process may create a conflicting object between this check and the
// create; DROP re-checks before deleting anything (ownedData).
func (c *Catalog) checkDatabaseLocation(ctx context.Context, name, loc string) error {
	if c.reserved(loc) {
		return errLocationConflict(fmt.Sprintf("schema %s cannot be located at %s: that is the warehouse root or the catalog's own directory", quote(name), loc))
	}
	if _, ok := storage.WithinLocation(loc, c.whURL); ok {
		return errLocationConflict(fmt.Sprintf("schema %s cannot be located at %s: it contains the warehouse %s", quote(name), loc, c.whURL))
	}
	all, err := c.allLocations(ctx)
	if err != nil {
		return err
	}
	for _, d := range all.dbs {
		if d.Name == name || d.Name == DefaultDatabase {
			continue
		}
		_, inside := storage.WithinLocation(d.Location, loc)
		_, contains := storage.WithinLocation(loc, d.Location)
		if inside || contains {
			return errLocationConflict(fmt.Sprintf("schema %s cannot be located at %s: it overlaps the location %s of schema %s", quote(name), loc, d.Location, quote(d.Name)))
		}
	}
	for _, t := range all.tables {
		if _, inside := storage.WithinLocation(t.Location, loc); inside {
			return errLocationConflict(fmt.Sprintf("schema %s cannot be located at %s: it is inside the location %s of table %s", quote(name), loc, t.Location, t.Ident()))
		}
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
		if !isNotFound(err) {
			return Database{}, fmt.Errorf("catalog: get database %s: %w", quote(name), err)
		}
		if name != DefaultDatabase {
			return Database{}, errDatabaseNotFound(name)
		}
		e = c.implicitDefault(time.Time{})
	}
	return Database{Name: e.Name, Comment: e.Comment, Location: readLocation(e.Location), Properties: e.Properties, CreatedAt: e.CreatedAt}, nil
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
	if match(DefaultDatabase) {
		d, err := c.GetDatabase(ctx, DefaultDatabase)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	for _, f := range files {
		name, ok := strings.CutSuffix(strings.TrimPrefix(f.Path, prefix), ".json")
		if !ok || strings.Contains(name, "/") || name == DefaultDatabase || !match(name) {
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
// ErrDatabaseNotEmpty unless cascade, which drops its tables first (DropTable:
// deleting the data managed tables own). Then, as Spark does, what is left in
// the database's directory is deleted (e.g. streaming checkpoints kept there)
// — but only when the catalog owns that directory: it is the default
// location <warehouse>/<db>.db. A LOCATION given by the user may hold other
// data and is never deleted. The entry goes last, so a failure part way
// leaves the database registered and DROP can be run again. The default
// database cannot be dropped.
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
	if len(tables) > 0 {
		// One snapshot of the catalog's locations serves every table: the
		// entries dropped so far stay in it, which can only make ownedData
		// keep more data, never delete more.
		all, err := c.allLocations(ctx)
		if err != nil {
			return fmt.Errorf("catalog: drop database %s cascade: %w", quote(name), err)
		}
		for _, t := range tables {
			if err := c.dropTable(ctx, t, all); err != nil {
				return fmt.Errorf("catalog: drop database %s cascade: %w", quote(name), err)
			}
		}
	}
	if err := c.deleteDatabaseDir(ctx, db); err != nil {
		return fmt.Errorf("catalog: drop database %s: %w", quote(name), err)
	}
	if err := c.wh.Delete(ctx, dbKey(name)); err != nil {
		return fmt.Errorf("catalog: drop database %s: %w", quote(name), err)
	}
	return nil
}

// deleteDatabaseDir removes what is left in a dropped database's directory
// when the catalog owns it (see DropDatabase), skipping it altogether if
// another database or any table still lies inside it: their data is not
// this database's to delete.
func (c *Catalog) deleteDatabaseDir(ctx context.Context, db Database) error {
	if db.Location != c.defaultDatabaseLocation(db.Name) || c.reserved(db.Location) {
		return nil
	}
	all, err := c.allLocations(ctx)
	if err != nil {
		return err
	}
	for _, d := range all.dbs {
		if _, inside := storage.WithinLocation(db.Location, d.Location); inside && d.Name != db.Name {
			return nil
		}
	}
	for _, t := range all.tables {
		if _, inside := storage.WithinLocation(db.Location, t.Location); inside {
			return nil
		}
	}
	return c.deleteAll(ctx, db.Location)
}
