package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ingotdata/ingot/storage"
)

// DefaultDatabase is the database that always exists; its location is the
// warehouse root.
const DefaultDatabase = "default"

// FormatVersion is the version of the JSON entries written under
// _ingot_catalog/ (docs/format/catalog.md). Readers reject newer versions.
const FormatVersion = 1

// Dir is the directory, relative to the warehouse root, holding the catalog.
const Dir = "_ingot_catalog"

// Catalog is the persisted session catalog of one warehouse. It holds no
// cache: every call reads the store, so several Catalogs (or processes) over
// one warehouse see each other's changes. It is safe for concurrent use.
type Catalog struct {
	wh       storage.Store
	whURL    string
	resolver func(location string) (storage.Store, error)
	now      func() time.Time
}

// Option configures Open.
type Option func(*Catalog)

// WithLocationStore sets how the catalog reaches a managed table's data that
// lies outside the warehouse store (a database created with LOCATION), to
// delete it on DROP. The default is storage.Open.
func WithLocationStore(f func(location string) (storage.Store, error)) Option {
	return func(c *Catalog) { c.resolver = f }
}

// WithClock sets the clock stamping CreatedAt (tests).
func WithClock(now func() time.Time) Option { return func(c *Catalog) { c.now = now } }

// Open opens the catalog persisted in warehouse. It writes nothing, so a
// warehouse that cannot be written (or does not exist yet) can be opened
// and read; the "default" database exists implicitly until the first
// catalog write records it (ensureDefault).
func Open(ctx context.Context, warehouse storage.Store, opts ...Option) (*Catalog, error) {
	whURL, err := storage.CanonicalLocation(warehouse.URL())
	if err != nil {
		return nil, fmt.Errorf("catalog: open: %w", err)
	}
	c := &Catalog{
		wh:    warehouse,
		whURL: whURL,
		resolver: func(location string) (storage.Store, error) {
			return storage.Open(context.Background(), location)
		},
		now: time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// WarehouseURL is the location of the warehouse root.
func (c *Catalog) WarehouseURL() string { return c.whURL }

// validName reports whether name is a valid database or table name. Spark's
// session catalog accepts [A-Za-z0-9_]+; we enforce it because names become
// file names under _ingot_catalog/ and path segments of default locations.
func validName(name string) error {
	if name == "" {
		return errInvalidName(name)
	}
	for _, r := range name {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return errInvalidName(name)
		}
	}
	return nil
}

func normalize(name string) string { return strings.ToLower(name) }

func dbKey(db string) string       { return Dir + "/databases/" + db + ".json" }
func tablePrefix(db string) string { return Dir + "/tables/" + db + "/" }
func tableKey(db, t string) string { return tablePrefix(db) + t + ".json" }

// readJSON reads one catalog entry, checking its format version.
func (c *Catalog) readJSON(ctx context.Context, key string, v any) error {
	b, err := c.wh.Get(ctx, key)
	if err != nil {
		return err
	}
	var hdr struct {
		FormatVersion int `json:"formatVersion"`
	}
	if err := json.Unmarshal(b, &hdr); err != nil {
		return fmt.Errorf("catalog: %s/%s: %w", c.whURL, key, err)
	}
	if hdr.FormatVersion < 1 || hdr.FormatVersion > FormatVersion {
		return fmt.Errorf("catalog: %s/%s: unsupported formatVersion %d (this build reads 1..%d)", c.whURL, key, hdr.FormatVersion, FormatVersion)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("catalog: %s/%s: %w", c.whURL, key, err)
	}
	return nil
}

// relToWarehouse returns location's key relative to the warehouse root, or
// ok=false if location lies outside it. Both are compared canonically, so
// "<warehouse>/../x" is outside.
func (c *Catalog) relToWarehouse(location string) (string, bool) {
	return storage.WithinLocation(c.whURL, location)
}

// reserved reports whether location is the warehouse root, or the
// catalog's own directory or inside it: no table or database data may live
// there, and DROP never deletes there.
func (c *Catalog) reserved(location string) bool {
	rel, ok := c.relToWarehouse(location)
	return ok && (rel == "" || rel == Dir || strings.HasPrefix(rel, Dir+"/"))
}

// canonical is storage.CanonicalLocation with the catalog's error context.
func canonical(what, location string) (string, error) {
	loc, err := storage.CanonicalLocation(location)
	if err != nil {
		return "", fmt.Errorf("catalog: %s: %w", what, err)
	}
	return loc, nil
}

// readLocation canonicalises a location read from an entry. Entries written
// before locations were canonical hold them as typed ("file:///wh/../x",
// "/abs/dir"); they are read in canonical form. One that does not parse is
// returned as stored: DROP never deletes data there (ownedData).
func readLocation(location string) string {
	if loc, err := storage.CanonicalLocation(location); err == nil {
		return loc
	}
	return location
}

// joinLocation is the location of child name inside dir.
func joinLocation(dir, name string) string {
	if loc, err := storage.JoinLocation(dir, name); err == nil {
		return loc
	}
	return strings.TrimSuffix(dir, "/") + "/" + name
}

// deleteAll removes every object under location (the location itself being
// a directory). Data inside the warehouse goes through the warehouse store,
// the rest through the location's own store.
func (c *Catalog) deleteAll(ctx context.Context, location string) error {
	store, prefix := c.wh, ""
	if rel, ok := c.relToWarehouse(location); ok {
		prefix = rel + "/"
	} else {
		s, err := c.resolver(location)
		if err != nil {
			return err
		}
		store = s
	}
	files, err := store.List(ctx, prefix)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := store.Delete(ctx, f.Path); err != nil {
			return err
		}
	}
	return nil
}

// locations is every database and table entry of the catalog, to check a
// location against all the locations the catalog records.
type locations struct {
	dbs    []Database
	tables []Table
}

func (c *Catalog) allLocations(ctx context.Context) (*locations, error) {
	dbs, err := c.ListDatabases(ctx, "")
	if err != nil {
		return nil, err
	}
	all := &locations{dbs: dbs}
	for _, d := range dbs {
		ts, err := c.ListTables(ctx, d.Name, "")
		if err != nil && !errors.Is(err, ErrDatabaseNotFound) {
			return nil, err
		}
		all.tables = append(all.tables, ts...)
	}
	return all, nil
}

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
