package storage

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCanonicalLocation(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	wd = filepath.ToSlash(wd)
	for _, tc := range []struct{ in, want string }{
		{"/data/wh", "file:///data/wh"},
		{"/data/wh/", "file:///data/wh"},
		{"/data//wh/./t", "file:///data/wh/t"},
		{"file:///data/wh", "file:///data/wh"},
		{"FILE:///data/wh", "file:///data/wh"},
		{"file:/data/wh", "file:///data/wh"},
		{"file://localhost/data/wh", "file:///data/wh"},
		{"file:///data/wh/../../victim", "file:///victim"},
		{"/data/wh/../../../..", "file:///"},
		{"rel/dir", "file://" + wd + "/rel/dir"},
		{"./rel/../other", "file://" + wd + "/other"},
		{"file:///a b/%20c", "file:///a b/%20c"},
		{"memory://wh1", "memory://wh1"},
		{"memory://", "memory://"},
		{"memory://wh1/t/", "memory://wh1/t"},
		{"s3://bucket", "s3://bucket"},
		{"s3://bucket/", "s3://bucket"},
		{"s3a://bucket/wh//t/", "s3://bucket/wh/t"},
		{"s3://bucket/wh/../x", "s3://bucket/x"},
	} {
		got, err := CanonicalLocation(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("CanonicalLocation(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "s3:/bucket/x", "gs://b/x", "hdfs://nn/x", "file://host/x", "file:rel", "s3://", "memory:name"} {
		if got, err := CanonicalLocation(in); !errors.Is(err, ErrInvalidLocation) {
			t.Errorf("CanonicalLocation(%q) = %q, %v; want ErrInvalidLocation", in, got, err)
		}
	}
}

func TestWithinLocation(t *testing.T) {
	for _, tc := range []struct {
		parent, child, rel string
		ok                 bool
	}{
		{"file:///wh", "file:///wh", "", true},
		{"file:///wh", "/wh/t", "t", true},
		{"/wh/", "file:///wh/a.db/t", "a.db/t", true},
		{"file:///wh", "file:///wh/../victim", "", false},
		{"file:///wh", "file:///whx/t", "", false},
		{"file:///", "file:///x/y", "x/y", true},
		{"memory://", "memory://t", "t", true},
		{"s3://b/wh", "s3://b/wh/t", "t", true},
		{"s3://b/wh", "s3://c/wh/t", "", false},
		{"s3://b/wh", "file:///wh/t", "", false},
		{"file:///wh", "gs://wh/t", "", false},
	} {
		rel, ok := WithinLocation(tc.parent, tc.child)
		if rel != tc.rel || ok != tc.ok {
			t.Errorf("WithinLocation(%q, %q) = %q, %v; want %q, %v", tc.parent, tc.child, rel, ok, tc.rel, tc.ok)
		}
	}
}

// TestLocalRefusesEscapes: issue 15 item 1. A key climbing above the root
// with ".." must not reach the files next to it.
func TestLocalRefusesEscapes(t *testing.T) {
	parent := t.TempDir()
	victim := filepath.Join(parent, "victim", "keep.txt")
	if err := os.MkdirAll(filepath.Dir(victim), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := NewLocal(filepath.Join(parent, "wh"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, key := range []string{"../victim/keep.txt", "a/../../victim/keep.txt", "/../victim/keep.txt"} {
		if err := s.Delete(ctx, key); !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("Delete(%q) = %v, want ErrOutsideRoot", key, err)
		}
		if _, err := s.Get(ctx, key); !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("Get(%q) = %v, want ErrOutsideRoot", key, err)
		}
		if err := s.Put(ctx, key, []byte("x")); !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("Put(%q) = %v, want ErrOutsideRoot", key, err)
		}
	}
	if _, err := s.List(ctx, "../victim/"); !errors.Is(err, ErrOutsideRoot) {
		t.Errorf("List(../victim/) = %v, want ErrOutsideRoot", err)
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "keep" {
		t.Fatalf("victim file: %q, %v", b, err)
	}
	// ".." that stays inside the root is an ordinary key.
	if err := s.Put(ctx, "a/../b", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if b, err := s.Get(ctx, "b"); err != nil || string(b) != "v" {
		t.Fatalf("get b = %q, %v", b, err)
	}
}

// TestLocalUnderRegularFile: a root below a regular file has no objects
// (reads say ErrNotFound, List is empty) and cannot be written.
func TestLocalUnderRegularFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := NewLocal(filepath.Join(file, "wh"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := s.Get(ctx, "a/b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get = %v, want ErrNotFound", err)
	}
	if got, err := s.List(ctx, "a/"); err != nil || len(got) != 0 {
		t.Errorf("List = %v, %v; want empty", got, err)
	}
	if err := s.Put(ctx, "a/b", []byte("x")); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("Put = %v, want a write error", err)
	}
}

// TestLocalRemovesStaleTemps: issue 15 item 7. A temp file left by a killed
// write is removed by the next write into its directory and by
// RemoveStaleTemps once older than StaleTempAge; a fresh one (a concurrent
// writer's, possibly live) is kept by both.
func TestLocalRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	s, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	old := time.Now().Add(-StaleTempAge - time.Minute)
	mk := func(rel string, mod time.Time) string {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, make([]byte, 1<<10), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(full, mod, mod); err != nil {
			t.Fatal(err)
		}
		return full
	}
	exists := func(full string) bool { _, err := os.Stat(full); return err == nil }
	staleRoot := mk(".part-0001.parquet.tmp-123", old)
	freshRoot := mk(".part-0002.parquet.tmp-456", time.Now())
	stalePart := mk("p=1/.part-0003.parquet.tmp-789", old)
	staleLog := mk("_delta_log/.00000000000000000003.json.tmp-1", old)
	notTemp := mk(".hidden", old)

	if err := s.Put(ctx, "part-0004.parquet", []byte("data")); err != nil {
		t.Fatal(err)
	}
	if exists(staleRoot) || !exists(freshRoot) || !exists(stalePart) || !exists(staleLog) || !exists(notTemp) {
		t.Fatalf("after a write into the root: stale root temp %v (want gone), fresh %v, other dirs %v %v, non-temp %v (want kept)",
			exists(staleRoot), exists(freshRoot), exists(stalePart), exists(staleLog), exists(notTemp))
	}
	removed, err := s.RemoveStaleTemps(ctx, "", time.Now().Add(-StaleTempAge))
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 || exists(stalePart) || exists(staleLog) || !exists(freshRoot) || !exists(notTemp) {
		t.Fatalf("RemoveStaleTemps removed %v; fresh kept %v, non-temp kept %v", removed, exists(freshRoot), exists(notTemp))
	}
	if got := listPaths(t, s, ""); got != ".hidden part-0004.parquet" {
		t.Fatalf("list = %q", got)
	}
}
