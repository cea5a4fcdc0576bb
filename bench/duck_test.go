package bench

import (
	"database/sql"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// openDuck opens an in-memory DuckDB with Spark's null ordering, so that a
// check comparing ordered output with ingot's needs no NULLS FIRST/LAST (the
// current checks compare sorted tuples and do not depend on it).
func openDuck(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatalf("duckdb: open: %v", err)
	}
	// One connection: SET is per connection and database/sql pools them.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`SET default_null_order='nulls_first_on_asc_last_on_desc'`); err != nil {
		db.Close()
		tb.Fatalf("duckdb: set null order: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
