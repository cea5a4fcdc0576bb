// Package json reads JSON files into Arrow record batches of a Spark schema,
// and infers that schema the way Spark's JSON data source does.
//
// It owns JSON Lines and multi-line (one object or a top-level array of
// objects) framing, Spark's inference rules (fields merged over all records
// and sorted by name, long/double/decimal/boolean/string/struct/array,
// null-only fields as string), and the conversion of JSON tokens straight
// into typed Arrow builders (the value rules shared with csv and the batch
// reader's lifecycle are textread's). It reads one file's bytes at a time:
// it knows nothing of directories, storage, streaming offsets or how schemas
// of many files are combined beyond MergeSchemas.
package json
