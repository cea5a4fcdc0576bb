// Package parquetfile reads and writes Parquet data files as Arrow record
// batches, through arrow-go's pqarrow, and computes per-file column
// statistics (row count, min, max, null count) while writing.
//
// It owns the Parquet-to-Arrow type normalization: whatever physical encoding
// a writer chose (INT96 timestamps, int32/int64/fixed-length decimals, legacy
// list and map layouts), a reader gets the Arrow types types.ToArrow gives for
// the Spark type. It knows nothing of Delta or tables: callers pass an open
// storage.File or an io.Writer, and format statistics themselves.
package parquetfile
