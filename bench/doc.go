// Package bench checks ingot against DuckDB, an independent engine: DuckDB reads
// the Parquet files that ingot's Delta log lists as live, and the interop tests
// compare its rows and statistics with what ingot wrote and scans; the
// benchmarks time the same work in both engines on the same files.
//
// It is its own module so that the main module never depends on cgo or on
// DuckDB's large download. It uses only ingot's public packages (delta,
// storage, batch, types, the ingot API and the CLI binary) and must not know
// ingot's internals; it parses the Delta log itself so that a bug in ingot's
// replay cannot hide a bug in ingot's writer.
package bench
