package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
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
// delete it on DROP. The default handles file:// locations.
func WithLocationStore(f func(location string) (storage.Store, error)) Option {
	return func(c *Catalog) { c.resolver = f }
}

// WithClock sets the clock stamping CreatedAt (tests).
func WithClock(now func() time.Time) Option { return func(c *Catalog) { c.now = now } }

// Open opens the catalog persisted in warehouse, creating the "default"
// database if absent.
func Open(ctx context.Context, warehouse storage.Store, opts ...Option) (*Catalog, error) {
	c := &Catalog{
		wh:       warehouse,
		whURL:    trimURL(warehouse.URL()),
		resolver: fileStore,
		now:      time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	err := c.CreateDatabase(ctx, Database{Name: DefaultDatabase, Comment: "default database"}, true)
	if err != nil {
		return nil, fmt.Errorf("catalog: open %s: %w", c.whURL, err)
	}
	return c, nil
}

// WarehouseURL is the location of the warehouse root.
func (c *Catalog) WarehouseURL() string { return c.whURL }

func fileStore(location string) (storage.Store, error) {
	u, err := url.Parse(location)
	if err != nil || u.Scheme != "file" {
		return nil, fmt.Errorf("catalog: no store for location %q", location)
	}
	return storage.NewLocal(filepath.FromSlash(u.Path))
}

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

// relToWarehouse returns location's path relative to the warehouse root, or
// ok=false if location lies outside it.
func (c *Catalog) relToWarehouse(location string) (string, bool) {
	loc := trimURL(location)
	if loc == c.whURL {
		return "", true
	}
	if rest, ok := strings.CutPrefix(loc, joinURL(c.whURL, "")); ok {
		return rest, true
	}
	return "", false
}

// trimURL drops a trailing "/" from a directory URL, but not from a bare
// root such as "memory://" or "file:///".
func trimURL(u string) string {
	for strings.HasSuffix(u, "/") && !strings.HasSuffix(u, "//") {
		u = u[:len(u)-1]
	}
	return u
}

// joinURL appends a path segment to a directory URL.
func joinURL(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// deleteData removes every object under a managed table's location. It
// refuses locations that would take more than one table with them: the
// warehouse root, a database directory and the catalog itself.
func (c *Catalog) deleteData(ctx context.Context, t Table) error {
	store, prefix := c.wh, ""
	if rel, ok := c.relToWarehouse(t.Location); ok {
		if rel == "" || rel == Dir || strings.HasPrefix(rel, Dir+"/") {
			return fmt.Errorf("catalog: refusing to delete data of %s at %s", quote(t.Database, t.Name), t.Location)
		}
		prefix = rel + "/"
	} else {
		s, err := c.resolver(t.Location)
		if err != nil {
			return fmt.Errorf("catalog: delete data of %s: %w", quote(t.Database, t.Name), err)
		}
		store = s
	}
	files, err := store.List(ctx, prefix)
	if err != nil {
		return fmt.Errorf("catalog: delete data of %s: %w", quote(t.Database, t.Name), err)
	}
	for _, f := range files {
		if err := store.Delete(ctx, f.Path); err != nil {
			return fmt.Errorf("catalog: delete data of %s: %w", quote(t.Database, t.Name), err)
		}
	}
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
