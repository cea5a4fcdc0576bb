package storage

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
)

// Open returns the store a location names:
//
//   - a plain path or file:///abs/path: the local directory (NewLocal);
//   - memory://name: a process-wide in-memory store, the same one for the
//     same name for the life of the process (tests, demos);
//   - s3://bucket/prefix: S3, configured from the environment like the AWS
//     tools: AWS_ENDPOINT_URL (a custom endpoint, addressed path-style),
//     AWS_REGION or AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID and
//     AWS_SECRET_ACCESS_KEY.
func Open(ctx context.Context, location string) (Store, error) {
	scheme, rest, ok := strings.Cut(location, "://")
	if !ok {
		if location == "" {
			return nil, fmt.Errorf("storage: open: empty location")
		}
		return NewLocal(location)
	}
	switch strings.ToLower(scheme) {
	case "file":
		u, err := url.Parse(location)
		if err != nil {
			return nil, fmt.Errorf("storage: open %q: %w", location, err)
		}
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("storage: open %q: file URL with host %q", location, u.Host)
		}
		return NewLocal(u.Path)
	case "memory":
		return namedMemory(rest), nil
	case "s3", "s3a":
		bucket, prefix, _ := strings.Cut(rest, "/")
		endpoint := os.Getenv("AWS_ENDPOINT_URL")
		region := os.Getenv("AWS_REGION")
		if region == "" {
			region = os.Getenv("AWS_DEFAULT_REGION")
		}
		return NewS3(ctx, S3Config{
			Endpoint: endpoint, Region: region, Bucket: bucket, Prefix: prefix,
			AccessKey: os.Getenv("AWS_ACCESS_KEY_ID"), SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
			UsePathStyle: endpoint != "",
		})
	}
	return nil, fmt.Errorf("storage: open %q: unsupported scheme %q (want a path, file://, memory:// or s3://)", location, scheme)
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
