package ingot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/catalog"
	"github.com/ingotdata/ingot/internal/sql"
	"github.com/ingotdata/ingot/storage"
)

// tableName is a parsed, case-folded multi-part table name.
type tableName struct {
	db, table string
}

func (n tableName) String() string { return "`" + n.db + "`.`" + n.table + "`" }

// parseTableName splits "db.table", "table" or "`db`.`ta.ble`" and fills in
// the current database.
func (s *Session) parseTableName(name string) (tableName, error) {
	parts, err := splitIdent(name)
	if err != nil {
		return tableName{}, err
	}
	switch len(parts) {
	case 1:
		return tableName{db: s.CurrentDatabase(), table: strings.ToLower(parts[0])}, nil
	case 2:
		return tableName{db: strings.ToLower(parts[0]), table: strings.ToLower(parts[1])}, nil
	case 3: // spark_catalog.db.table
		if strings.EqualFold(parts[0], "spark_catalog") {
			return tableName{db: strings.ToLower(parts[1]), table: strings.ToLower(parts[2])}, nil
		}
	}
	return tableName{}, fmt.Errorf("ingot: [REQUIRES_SINGLE_PART_NAMESPACE] table name %q must be table or database.table", name)
}

// splitIdent splits a dotted identifier, honouring backquotes.
func splitIdent(s string) ([]string, error) {
	var parts []string
	var cur strings.Builder
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '`' && inQuote && i+1 < len(s) && s[i+1] == '`':
			cur.WriteByte('`')
			i++
		case c == '`':
			inQuote = !inQuote
		case c == '.' && !inQuote:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if inQuote {
		return nil, fmt.Errorf("ingot: [PARSE_SYNTAX_ERROR] unclosed backquote in name %q", s)
	}
	parts = append(parts, cur.String())
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("ingot: [PARSE_SYNTAX_ERROR] empty name part in %q", s)
		}
	}
	return parts, nil
}

// openDelta opens the Delta table at a location: a path (relative ones
// resolved against the working directory), file://, memory:// or s3:// URL,
// read as storage.CanonicalLocation reads it.
func openDelta(ctx context.Context, location string) (*delta.Table, error) {
	store, err := storage.Open(ctx, location)
	if err != nil {
		return nil, fmt.Errorf("ingot: table location: %w", err)
	}
	return delta.Open(ctx, store)
}

// checkManagedLocation refuses to create managed table ct when its
// location already holds files, as Spark does ([LOCATION_ALREADY_EXISTS]):
// they are not a table the catalog knows (a crashed CREATE, or data put
// there by hand), and adopting them silently would give the new table
// someone else's rows — and its DROP would delete them. If an entry for ct
// appeared meanwhile (a concurrent CREATE that wrote first), exists is true
// and the caller treats the table as existing.
func (s *Session) checkManagedLocation(ctx context.Context, ct catalog.Table) (exists bool, err error) {
	store, err := storage.Open(ctx, ct.Location)
	if err != nil {
		return false, fmt.Errorf("ingot: table location: %w", err)
	}
	files, err := store.List(ctx, "")
	if err != nil || len(files) == 0 {
		return false, err
	}
	if ok, err := s.catalog.TableExists(ctx, ct.Database, ct.Name); ok || err != nil {
		return ok, err
	}
	return false, fmt.Errorf("ingot: [LOCATION_ALREADY_EXISTS] Cannot name the managed table as %s, as its associated location %s already exists. Please pick a different table name, or remove the existing location first: %w",
		ct.Ident(), ct.Location, catalog.ErrLocationConflict)
}

// lookupTable finds a catalog table, with Spark's error when missing.
func (s *Session) lookupTable(ctx context.Context, name string) (catalog.Table, *delta.Table, error) {
	tn, err := s.parseTableName(name)
	if err != nil {
		return catalog.Table{}, nil, err
	}
	ct, err := s.catalog.GetTable(ctx, tn.db, tn.table)
	if err != nil {
		return catalog.Table{}, nil, err
	}
	t, err := openDelta(ctx, ct.Location)
	if err != nil {
		return catalog.Table{}, nil, err
	}
	return ct, t, nil
}

// ensureTable returns the catalog entry for name, registering a managed
// Delta table at the database's default location when absent. created
// reports whether this call registered it.
func (s *Session) ensureTable(ctx context.Context, name string) (ct catalog.Table, created bool, err error) {
	tn, err := s.parseTableName(name)
	if err != nil {
		return catalog.Table{}, false, err
	}
	ct, err = s.catalog.GetTable(ctx, tn.db, tn.table)
	if err == nil {
		return ct, false, nil
	}
	if !errors.Is(err, catalog.ErrTableNotFound) {
		return catalog.Table{}, false, err
	}
	if _, err := s.catalog.GetDatabase(ctx, tn.db); err != nil {
		return catalog.Table{}, false, err
	}
	ct = catalog.Table{Database: tn.db, Name: tn.table, Location: s.catalog.DefaultTableLocation(tn.db, tn.table), Provider: "delta", Managed: true}
	if exists, err := s.checkManagedLocation(ctx, ct); err != nil || exists {
		if err != nil {
			return catalog.Table{}, false, err
		}
		ct, err = s.catalog.GetTable(ctx, tn.db, tn.table)
		return ct, false, err
	}
	if err := s.catalog.CreateTable(ctx, ct, true); err != nil {
		return catalog.Table{}, false, err
	}
	ct, err = s.catalog.GetTable(ctx, tn.db, tn.table)
	return ct, true, err
}

// deltaTarget is a Delta table named in SQL or the API: a catalog table or
// a delta.`path`. openTarget resolves a name to one.
type deltaTarget struct {
	table *delta.Table
	// label names the table in messages and DESCRIBE DETAIL: the catalog
	// name spark_catalog.db.t, or delta.`path`.
	label    string
	name     string // the bare table name ("" for a path)
	db       string // the catalog database ("" for a path)
	location string
}

func (s *Session) openTarget(ctx context.Context, n sql.TableName) (*deltaTarget, error) {
	if n.IsPath() {
		if n.Format != "" && n.Format != "delta" {
			return nil, fmt.Errorf("ingot: [UNSUPPORTED_DATA_SOURCE] %s.`%s`: only delta tables are addressed by path", n.Format, n.Path)
		}
		t, err := openDelta(ctx, n.Path)
		if err != nil {
			return nil, err
		}
		if ok, err := t.Exists(ctx); err != nil || !ok {
			if err == nil {
				err = delta.ErrNotATable
			}
			return nil, fmt.Errorf("ingot: [DELTA_MISSING_DELTA_TABLE] delta.`%s` is not a Delta table: %w", n.Path, err)
		}
		return &deltaTarget{table: t, label: "delta.`" + n.Path + "`", location: n.Path}, nil
	}
	tn, err := s.catalogName(n)
	if err != nil {
		return nil, err
	}
	ct, err := s.catalog.GetTable(ctx, tn.db, tn.table)
	if err != nil {
		return nil, err
	}
	t, err := openDelta(ctx, ct.Location)
	if err != nil {
		return nil, err
	}
	return &deltaTarget{table: t, label: "spark_catalog." + ct.Database + "." + ct.Name, name: ct.Name, db: ct.Database, location: ct.Location}, nil
}
