// Package format reads sets of data files by format name ("csv", "json",
// "parquet"): it lists a path the way Spark does (a file, or a directory's
// visible files), infers one schema over the set, and streams the files'
// rows as Arrow batches of that schema. The per-format work is in the
// subpackages csv, json and parquetfile; this package only dispatches and
// translates Spark's string options. It knows nothing of plans or tables.
package format
