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
// Reader support: protocol reader versions 1 to 3 with the reader features
// deletionVectors (inline, relative and absolute vectors, applied as a row
// filter on scan), columnMapping (name and id modes: physical names and
// Parquet field ids in files, logical names out), v2Checkpoint (UUID-named
// JSON or Parquet checkpoints and their sidecars), typeWidening (narrower
// file types cast to the table's), variantType (a variant column is
// returned as its stored struct<value, metadata> of binaries, variant.go),
// timestampNtz and vacuumProtocolCheck.
// Log compaction files are ignored (replaying the commits they summarize
// gives the same state). Other reader features (variantShredding...) fail
// with ErrUnsupportedFeature rather than return wrong rows. Writes refuse
// tables whose writer features they do not honour (row tracking, identity
// columns, v2 checkpoints, variants, unknown features...) and upgrade the protocol
// for the features a write turns on (feature_protocol.go): column mapping
// (physical names and field ids), change data feed (Table.WriteChangeFiles
// for rewrites), in-commit timestamps, domain metadata, timestampNtz.
// CHECK constraints, invariants and generated columns are SQL this package
// cannot evaluate: it exposes them (Snapshot.Constraints, Invariants,
// GeneratedColumns) and writes only with the caller's
// WriteOptions.Validate. Tables with deletion vectors take appends and
// overwrites, and Transaction.UpdateDeletionVector writes new vectors
// (RoaringBitmapArray files, dv_write.go) for row-level deletes.
//
// Beyond snapshots: Changes and ChangesSince read the change data feed
// (cdc files, or adds and removes, deletion-vector aware); in-commit
// timestamps drive History, VersionAtTimestamp and the feed's
// _commit_timestamp; ScanOptions.Filter skips files on partition values
// and min/max/null-count statistics.
//
// Maintenance: Optimize bin-packs small files (and, with ZOrderBy, rewrites
// partitions sorted on a bit-interleaved Z-order key so file statistics
// skip better), Vacuum deletes unreferenced files older than the retention
// (refusing a retention below the table's deletedFileRetentionDuration unless
// told otherwise), Restore commits a table back to an earlier version, and
// expired log files are cleaned up after each checkpoint
// (delta.logRetentionDuration).
package delta
