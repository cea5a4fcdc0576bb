package bench

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// parquetColumn is one leaf of a data file's Parquet schema, as DuckDB's
// parquet_schema() reports it.
type parquetColumn struct {
	physical, converted, logical, repetition string
	scale, precision                         int64
}

// checkParquetSchema reads each live file's Parquet schema with DuckDB and
// checks it is what Spark can read as the table's schema: one column per
// non-partition field, none for partition columns (their values live in the
// log), OPTIONAL when nullable, and physical/logical types Spark maps back
// to the Delta type.
func checkParquetSchema(t *testing.T, db *sql.DB, lg *deltaLog) {
	t.Helper()
	for _, a := range lg.live {
		cols := readParquetSchema(t, db, lg.localPath(t, a))
		for _, f := range lg.schema {
			c, ok := cols[f.Name]
			if lg.isPartition(f.Name) {
				if ok {
					t.Errorf("%s: partition column %s is also stored in the file", a.Path, f.Name)
				}
				continue
			}
			if !ok {
				t.Errorf("%s: no column %s in the Parquet schema", a.Path, f.Name)
				continue
			}
			delete(cols, f.Name)
			if f.Nullable && c.repetition != "OPTIONAL" {
				t.Errorf("%s: column %s is nullable in the table but %s in the file", a.Path, f.Name, c.repetition)
			}
			if err := parquetTypeMatches(f.typeName(), c); err != nil {
				t.Errorf("%s: column %s: %v", a.Path, f.Name, err)
			}
		}
		for name := range cols {
			t.Errorf("%s: column %s is in the file but not in the table schema", a.Path, name)
		}
	}
}

func readParquetSchema(t *testing.T, db *sql.DB, file string) map[string]parquetColumn {
	t.Helper()
	q := `SELECT name, type, converted_type, CAST(logical_type AS VARCHAR), repetition_type, scale, precision, num_children
	      FROM parquet_schema(` + quoteString(file) + `)`
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("duckdb: %v\nquery: %s", err, q)
	}
	defer rows.Close()
	out := map[string]parquetColumn{}
	first := true
	for rows.Next() {
		var name string
		var physical, converted, logical, repetition sql.NullString
		var scale, precision, children sql.NullInt64
		if err := rows.Scan(&name, &physical, &converted, &logical, &repetition, &scale, &precision, &children); err != nil {
			t.Fatal(err)
		}
		if first { // the root message
			first = false
			continue
		}
		if children.Int64 > 0 {
			t.Fatalf("%s: nested column %s: the interop tables have none", file, name)
		}
		out[name] = parquetColumn{physical.String, converted.String, logical.String, repetition.String, scale.Int64, precision.Int64}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// parquetTypeMatches accepts the encodings Spark's reader maps to each Delta
// type (including those only other writers use, like INT96 timestamps).
func parquetTypeMatches(deltaType string, c parquetColumn) error {
	ok := false
	switch deltaType {
	case "integer":
		ok = c.physical == "INT32" && (c.converted == "" || c.converted == "INT_32")
	case "long":
		ok = c.physical == "INT64" && (c.converted == "" || c.converted == "INT_64")
	case "double":
		ok = c.physical == "DOUBLE"
	case "string":
		ok = c.physical == "BYTE_ARRAY" && c.converted == "UTF8"
	case "boolean":
		ok = c.physical == "BOOLEAN"
	case "date":
		ok = c.physical == "INT32" && c.converted == "DATE"
	case "timestamp":
		ok = c.physical == "INT96" ||
			(c.physical == "INT64" && c.converted == "TIMESTAMP_MICROS" && strings.Contains(c.logical, "isAdjustedToUTC=1"))
	case "timestamp_ntz":
		ok = c.physical == "INT64" && strings.Contains(c.logical, "isAdjustedToUTC=0") && strings.Contains(c.logical, "MICROS=MicroSeconds")
	default:
		var p, s int64
		if _, err := fmt.Sscanf(deltaType, "decimal(%d,%d)", &p, &s); err != nil {
			return fmt.Errorf("no Parquet check for Delta type %s", deltaType)
		}
		physOK := c.physical == "FIXED_LEN_BYTE_ARRAY" || c.physical == "BYTE_ARRAY" ||
			(c.physical == "INT32" && p <= 9) || (c.physical == "INT64" && p <= 18)
		ok = physOK && c.converted == "DECIMAL" && c.precision == p && c.scale == s
	}
	if !ok {
		return fmt.Errorf("Delta type %s stored as %s %s %s", deltaType, c.physical, c.converted, c.logical)
	}
	return nil
}

func TestParquetTypeMatches(t *testing.T) {
	utc := "TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))"
	local := "TimestampType(isAdjustedToUTC=0, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))"
	for _, tc := range []struct {
		name, deltaType string
		col             parquetColumn
		ok              bool
	}{
		{"int", "integer", parquetColumn{physical: "INT32", converted: "INT_32"}, true},
		{"int-as-int64", "integer", parquetColumn{physical: "INT64", converted: "INT_64"}, false},
		{"long", "long", parquetColumn{physical: "INT64"}, true},
		{"string", "string", parquetColumn{physical: "BYTE_ARRAY", converted: "UTF8"}, true},
		{"string-as-binary", "string", parquetColumn{physical: "BYTE_ARRAY"}, false},
		{"timestamp-utc", "timestamp", parquetColumn{physical: "INT64", converted: "TIMESTAMP_MICROS", logical: utc}, true},
		{"timestamp-int96", "timestamp", parquetColumn{physical: "INT96"}, true},
		{"timestamp-local", "timestamp", parquetColumn{physical: "INT64", converted: "TIMESTAMP_MICROS", logical: local}, false},
		{"ntz", "timestamp_ntz", parquetColumn{physical: "INT64", logical: local}, true},
		{"date", "date", parquetColumn{physical: "INT32", converted: "DATE"}, true},
		{"decimal-fixed", "decimal(10,2)", parquetColumn{physical: "FIXED_LEN_BYTE_ARRAY", converted: "DECIMAL", precision: 10, scale: 2}, true},
		{"decimal-int64", "decimal(10,2)", parquetColumn{physical: "INT64", converted: "DECIMAL", precision: 10, scale: 2}, true},
		{"decimal-int32-too-narrow", "decimal(10,2)", parquetColumn{physical: "INT32", converted: "DECIMAL", precision: 10, scale: 2}, false},
		{"decimal-wrong-scale", "decimal(10,2)", parquetColumn{physical: "FIXED_LEN_BYTE_ARRAY", converted: "DECIMAL", precision: 10, scale: 3}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := parquetTypeMatches(tc.deltaType, tc.col); (err == nil) != tc.ok {
				t.Errorf("parquetTypeMatches(%s, %+v) = %v, want ok=%v", tc.deltaType, tc.col, err, tc.ok)
			}
		})
	}
}
