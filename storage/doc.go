// Package storage is ingot's object-store abstraction: a flat namespace of
// immutable files addressed by '/'-separated keys, with the one atomic
// primitive a Delta log needs (put-if-absent) and ranged reads for Parquet.
//
// Backends: the local file system (create-exclusive for put-if-absent), an
// in-memory store for tests, and S3-compatible object stores (conditional put
// with If-None-Match: *). It knows nothing of Delta, tables or file formats.
//
// It also owns locations: CanonicalLocation gives every location (path,
// file://, memory://, s3://) one spelling, and Open turns one into a store.
// A store never resolves a key outside its root (ErrOutsideRoot).
package storage
