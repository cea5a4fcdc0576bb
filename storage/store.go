package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// Sentinel errors; backends wrap them so callers can test with errors.Is.
var (
	// ErrNotFound: the key does not exist.
	ErrNotFound = errors.New("storage: not found")
	// ErrExists: PutIfAbsent found the key already written.
	ErrExists = errors.New("storage: already exists")
)

// FileInfo describes one stored object.
type FileInfo struct {
	Path    string // key relative to the store root, '/'-separated
	Size    int64
	ModTime time.Time
}

// File is an open object supporting ranged reads, as Parquet readers need.
type File interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// Store is a flat key space of immutable objects. Keys are relative,
// '/'-separated paths ("_delta_log/00000000000000000000.json").
type Store interface {
	// Get reads a whole object.
	Get(ctx context.Context, path string) ([]byte, error)
	// Open opens an object for ranged reads.
	Open(ctx context.Context, path string) (File, error)
	// Put writes an object, replacing any existing one. On the local file
	// system the write is atomic (temp file + rename).
	Put(ctx context.Context, path string, data []byte) error
	// PutIfAbsent writes an object only if the key does not exist; exactly one
	// of several concurrent callers succeeds and the others get ErrExists.
	PutIfAbsent(ctx context.Context, path string, data []byte) error
	// List returns the objects whose keys start with prefix, sorted by key.
	// A prefix naming a directory should end in "/".
	List(ctx context.Context, prefix string) ([]FileInfo, error)
	// Stat describes one object.
	Stat(ctx context.Context, path string) (FileInfo, error)
	// Delete removes an object; deleting a missing key is not an error.
	Delete(ctx context.Context, path string) error
	// URL is the location of the store's root, for messages and metadata.
	URL() string
}
