// Package api benchmarks ingot's public Go API (Session, DataFrame) against
// DuckDB on the same files: reading the seed's JSON tracker files and the
// gold aggregation over a Delta table's Parquet files.
//
// It is a package of its own, apart from the interop tests in bench, because
// it imports the root ingot package: while that package does not compile
// (it is under active development), only these benchmarks stop building,
// not the interop checks.
package api
