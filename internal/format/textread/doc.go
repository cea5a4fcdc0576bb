// Package textread holds what the readers of text formats (the csv and json
// packages beside it) have in common: Spark's parse modes and the
// type-mismatch sentinel; Spark's rules for reading scalar values from text
// (Java-style integers and doubles, decimal shapes, booleans, ISO-8601 dates
// and timestamps, timestampFormat patterns); appending typed values to Arrow
// builders with the builder pointers resolved once; and the batch.Reader
// skeleton that owns a RecordBuilder, its release on every path, sticky
// errors and the removal of rows a format marked malformed.
//
// It knows nothing of delimiters, quoting or JSON syntax: cutting a file into
// records and fields, and deciding what a malformed record is, stay with each
// format. Nor does it know of directories, storage or streaming.
package textread
