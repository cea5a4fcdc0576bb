package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Open returns the store a location names:
//
//   - a plain path (relative ones resolved against the working directory),
//     file:///abs/path or file:/abs/path: the local directory (NewLocal);
//   - memory://name: a process-wide in-memory store, the same one for the
//     same name for the life of the process (tests, demos);
//   - s3://bucket/prefix: S3, configured from the environment like the AWS
//     tools: AWS_ENDPOINT_URL (a custom endpoint, addressed path-style),
//     AWS_REGION or AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID and
//     AWS_SECRET_ACCESS_KEY.
//
// The location is read as CanonicalLocation reads it; an unknown scheme is
// an error wrapping ErrInvalidLocation.
func Open(ctx context.Context, location string) (Store, error) {
	l, err := parseLocation(location)
	if err != nil {
		return nil, fmt.Errorf("storage: open: %w", err)
	}
	switch l.scheme {
	case "memory":
		return namedMemory(strings.TrimPrefix(l.path, "/")), nil
	case "s3":
		endpoint := os.Getenv("AWS_ENDPOINT_URL")
		region := os.Getenv("AWS_REGION")
		if region == "" {
			region = os.Getenv("AWS_DEFAULT_REGION")
		}
		return NewS3(ctx, S3Config{
			Endpoint: endpoint, Region: region, Bucket: l.authority, Prefix: strings.TrimPrefix(l.path, "/"),
			AccessKey: os.Getenv("AWS_ACCESS_KEY_ID"), SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
			UsePathStyle: endpoint != "",
		})
	}
	return NewLocal(filepath.FromSlash(l.path))
}

// NamedMemory is a Memory store reachable by name through Open.
type NamedMemory struct {
	*Memory
	name string
}

// URL is memory://name.
func (m *NamedMemory) URL() string { return "memory://" + m.name }

var (
	memoriesMu sync.Mutex
	memories   = map[string]*NamedMemory{}
)

func namedMemory(name string) *NamedMemory {
	memoriesMu.Lock()
	defer memoriesMu.Unlock()
	m, ok := memories[name]
	if !ok {
		m = &NamedMemory{Memory: NewMemory(), name: name}
		memories[name] = m
	}
	return m
}
