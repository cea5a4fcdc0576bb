// Package benchdata makes the benchmark data sets: the seed's readings as
// Arrow batches (the silver table's shape) and as raw JSON tracker files
// (the bronze input's shape), deterministically, so ingot and DuckDB always
// work on identical bytes.
//
// It knows nothing of either engine: it only builds Arrow batches and writes
// files.
package benchdata
