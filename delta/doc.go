// Package delta is a Go implementation of the Delta Lake transaction
// protocol: reading a table's snapshot by replaying JSON commits and classic
// Parquet checkpoints, scanning its live files as Arrow batches, and
// committing new versions (create, append, overwrite, idempotent streaming
// writes through txn actions) with optimistic concurrency.
//
// It knows nothing of SQL or streaming: callers hand it Arrow batches and
// get Arrow batches back. Data files are read and written through
// internal/format/parquetfile; every byte goes through storage.Store, rooted
// at the table directory.
//
// Concurrency: a commit is a put-if-absent of _delta_log/<version>.json, so
// concurrent writers are safe exactly when the store's PutIfAbsent is atomic
// (local file systems, the in-memory store, object stores with conditional
// writes). Mixing writers from Spark and ingot on the same table is only safe
// on such stores; on S3 Spark additionally needs its DynamoDB log store, which
// ingot does not consult.
//
// Reader support: protocol reader version 1, version 2 without column mapping,
// and version 3 with the reader features timestampNtz and vacuumProtocolCheck.
// Tables needing anything else (deletion vectors, column mapping, v2
// checkpoints, type widening, variant) fail with ErrUnsupportedFeature rather
// than return wrong rows.
package delta
