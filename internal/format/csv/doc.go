// Package csv reads delimited text files into Arrow record batches of a
// Spark schema, and infers that schema the way Spark's CSV data source does.
//
// It owns record splitting (delimiter, quote and escape characters, quoted
// fields spanning lines), header handling (names, "_c0" for missing ones,
// de-duplication), Spark 3.5's per-column type inference over all sampled
// rows (integer, long, double, timestamp, boolean, string; decimal with
// PrefersDecimal) and conversion of field text into typed Arrow builders
// (the value rules shared with json — numbers, dates, timestamps, modes —
// and the batch reader's lifecycle are textread's). It reads one file's
// bytes at a time and knows nothing of directories, storage or streaming.
package csv
