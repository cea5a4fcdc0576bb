package delta

import "errors"

// Sentinel errors callers test with errors.Is.
var (
	// ErrNotATable: the location has no Delta log (no commit and no checkpoint).
	ErrNotATable = errors.New("delta: not a Delta table")
	// ErrConcurrentModification: another writer committed the version this
	// transaction wanted and its changes conflict (or retries ran out).
	// When the cause is a lost put-if-absent it also wraps storage.ErrExists.
	ErrConcurrentModification = errors.New("delta: concurrent modification")
	// ErrSchemaMismatch: the data written does not match the table schema.
	ErrSchemaMismatch = errors.New("delta: schema mismatch")
	// ErrUnsupportedFeature: the table needs a protocol feature this
	// library does not implement.
	ErrUnsupportedFeature = errors.New("delta: unsupported table feature")
	// ErrVersionNotFound: the requested version is not in the log (never
	// written, or cleaned up).
	ErrVersionNotFound = errors.New("delta: version not found")
	// ErrCorruptLog: the log cannot be replayed (missing commits, bad JSON,
	// no protocol or metadata).
	ErrCorruptLog = errors.New("delta: corrupt log")
	// ErrTableExists: a write with ModeErrorIfExists found a table.
	ErrTableExists = errors.New("delta: table already exists")
)
