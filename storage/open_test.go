package storage

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "k")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	for _, tc := range []struct {
		name, location, wantURL, wantErr string
	}{
		{name: "plain path", location: dir, wantURL: "file://" + filepath.ToSlash(dir)},
		{name: "file URL", location: "file://" + filepath.ToSlash(dir), wantURL: "file://" + filepath.ToSlash(dir)},
		{name: "memory", location: "memory://wh1", wantURL: "memory://wh1"},
		{name: "s3", location: "s3://bucket/warehouse/t", wantURL: "s3://bucket/warehouse/t"},
		{name: "s3 bucket root", location: "s3://bucket", wantURL: "s3://bucket/"},
		{name: "file URL with host", location: "file://host/x", wantErr: "host"},
		{name: "unknown scheme", location: "gs://b/x", wantErr: "unsupported scheme"},
		{name: "empty", location: "", wantErr: "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(t.Context(), tc.location)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.URL() != tc.wantURL {
				t.Fatalf("URL %q, want %q", s.URL(), tc.wantURL)
			}
		})
	}
}

// TestOpenMemoryShared: the same memory:// name is the same store.
func TestOpenMemoryShared(t *testing.T) {
	a, _ := Open(t.Context(), "memory://shared-test")
	b, _ := Open(t.Context(), "memory://shared-test")
	c, _ := Open(t.Context(), "memory://other-test")
	if err := a.Put(t.Context(), "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(t.Context(), "k"); err != nil || string(got) != "v" {
		t.Fatalf("second handle sees %q, %v", got, err)
	}
	if _, err := c.Get(t.Context(), "k"); err == nil {
		t.Fatal("a different name shares data")
	}
}
