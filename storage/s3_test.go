package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// fakeS3 starts an in-process S3 server with one bucket and returns a
// store on prefix inside it.
func fakeS3(t testing.TB, prefix string) *S3 {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("test"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	s, err := NewS3(context.Background(), S3Config{
		Endpoint: srv.URL, Region: "us-east-1", Bucket: "test", Prefix: prefix,
		AccessKey: "key", SecretKey: "secret", UsePathStyle: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStoreContract runs the Store contract against every backend, so S3
// behaves exactly like the local and memory stores delta was tested on.
func TestStoreContract(t *testing.T) {
	for _, tc := range []struct {
		name string
		new  func(t *testing.T) Store
	}{
		{"local", func(t *testing.T) Store { s, _ := NewLocal(t.TempDir()); return s }},
		{"memory", func(t *testing.T) Store { return NewMemory() }},
		{"s3", func(t *testing.T) Store { return fakeS3(t, "tables/t1") }},
		{"s3-no-prefix", func(t *testing.T) Store { return fakeS3(t, "") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			s := tc.new(t)
			if _, err := s.Get(ctx, "missing"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("get missing: %v, want ErrNotFound", err)
			}
			if _, err := s.Stat(ctx, "missing"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("stat missing: %v, want ErrNotFound", err)
			}
			if _, err := s.Open(ctx, "missing"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("open missing: %v, want ErrNotFound", err)
			}
			if err := s.Put(ctx, "a/../../x", []byte("x")); !errors.Is(err, ErrOutsideRoot) {
				t.Fatalf("put above the root: %v, want ErrOutsideRoot", err)
			}
			for _, k := range []string{"b/2", "a/1", "a/0", "ab", "c"} {
				if err := s.Put(ctx, k, []byte("v-"+k)); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Put(ctx, "a/1", []byte("v-a/1 again")); err != nil {
				t.Fatal(err)
			}
			if b, err := s.Get(ctx, "a/1"); err != nil || string(b) != "v-a/1 again" {
				t.Fatalf("get after overwrite = %q, %v", b, err)
			}
			if err := s.PutIfAbsent(ctx, "a/1", []byte("x")); !errors.Is(err, ErrExists) {
				t.Fatalf("put-if-absent on existing key: %v, want ErrExists", err)
			}
			if err := s.PutIfAbsent(ctx, "a/2", []byte("new")); err != nil {
				t.Fatalf("put-if-absent on new key: %v", err)
			}
			got := listPaths(t, s, "a/")
			if want := "a/0 a/1 a/2"; got != want {
				t.Fatalf("list a/ = %q, want %q", got, want)
			}
			if got, want := listPaths(t, s, ""), "a/0 a/1 a/2 ab b/2 c"; got != want {
				t.Fatalf("list all = %q, want %q", got, want)
			}
			fi, err := s.Stat(ctx, "ab")
			if err != nil || fi.Size != 4 || fi.Path != "ab" || fi.ModTime.IsZero() {
				t.Fatalf("stat ab = %+v, %v", fi, err)
			}
			// Ranged reads, including one that runs past the end.
			data := bytes.Repeat([]byte("0123456789"), 100)
			if err := s.Put(ctx, "big", data); err != nil {
				t.Fatal(err)
			}
			f, err := s.Open(ctx, "big")
			if err != nil {
				t.Fatal(err)
			}
			if f.Size() != 1000 {
				t.Fatalf("size %d", f.Size())
			}
			buf := make([]byte, 5)
			if n, err := f.ReadAt(buf, 503); err != nil || n != 5 || string(buf) != "34567" {
				t.Fatalf("ReadAt(503) = %d %q %v", n, buf, err)
			}
			buf = make([]byte, 10)
			if n, err := f.ReadAt(buf, 995); n != 5 || !errors.Is(err, io.EOF) || string(buf[:5]) != "56789" {
				t.Fatalf("ReadAt past end = %d %q %v", n, buf[:n], err)
			}
			f.Close()
			if err := s.Delete(ctx, "c"); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, "c"); err != nil {
				t.Fatalf("delete missing: %v", err)
			}
			if _, err := s.Get(ctx, "c"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("get deleted: %v", err)
			}
		})
	}
}

func listPaths(t *testing.T, s Store, prefix string) string {
	t.Helper()
	infos, err := s.List(t.Context(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, fi := range infos {
		if fi.Path == "big" {
			continue
		}
		out = append(out, fi.Path)
	}
	return fmt.Sprint(out)[1 : len(fmt.Sprint(out))-1]
}

// TestS3PutIfAbsentRace: of 16 concurrent conditional writers of one key
// exactly one wins, and the object holds the winner's bytes.
func TestS3PutIfAbsentRace(t *testing.T) {
	s := fakeS3(t, "race")
	for round := range 3 {
		key := fmt.Sprintf("_delta_log/%020d.json", round)
		var wins, exists atomic.Int32
		var winner atomic.Value
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := fmt.Sprintf("writer %d", w)
				err := s.PutIfAbsent(t.Context(), key, []byte(body))
				switch {
				case err == nil:
					wins.Add(1)
					winner.Store(body)
				case errors.Is(err, ErrExists):
					exists.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 || exists.Load() != 15 {
			t.Fatalf("round %d: %d winners, %d ErrExists; want 1 and 15", round, wins.Load(), exists.Load())
		}
		if b, err := s.Get(t.Context(), key); err != nil || string(b) != winner.Load().(string) {
			t.Fatalf("round %d: object %q, winner %q (%v)", round, b, winner.Load(), err)
		}
	}
}

func TestS3ListAfter(t *testing.T) {
	s := fakeS3(t, "p")
	for _, k := range []string{"_delta_log/01.json", "_delta_log/02.json", "_delta_log/02.checkpoint.parquet", "_delta_log/03.json", "other"} {
		if err := s.Put(t.Context(), k, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ after, want string }{
		{"", "_delta_log/01.json _delta_log/02.checkpoint.parquet _delta_log/02.json _delta_log/03.json"},
		{"_delta_log/01.json", "_delta_log/02.checkpoint.parquet _delta_log/02.json _delta_log/03.json"},
		{"_delta_log/02.", "_delta_log/02.checkpoint.parquet _delta_log/02.json _delta_log/03.json"},
		{"_delta_log/03.json", ""},
	} {
		infos, err := s.ListAfter(t.Context(), "_delta_log/", tc.after)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, fi := range infos {
			got = append(got, fi.Path)
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("after %q: %q, want %q", tc.after, g, tc.want)
		}
	}
}

func TestS3URL(t *testing.T) {
	for _, tc := range []struct{ prefix, want string }{
		{"", "s3://test/"},
		{"a/b", "s3://test/a/b"},
		{"/a/b/", "s3://test/a/b"},
	} {
		s, err := NewS3(context.Background(), S3Config{Endpoint: "http://localhost:1", Bucket: "test", Prefix: tc.prefix})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.URL(); got != tc.want {
			t.Errorf("prefix %q: URL %q, want %q", tc.prefix, got, tc.want)
		}
	}
	if _, err := NewS3(context.Background(), S3Config{}); err == nil {
		t.Error("NewS3 without a bucket succeeded")
	}
}

// BenchmarkS3RangedRead reads a 16 MiB object in 1 MiB ranges from the
// in-process server (HTTP and signing overhead, not network).
func BenchmarkS3RangedRead(b *testing.B) {
	s := fakeS3(b, "bench")
	const size, chunk = 16 << 20, 1 << 20
	if err := s.Put(context.Background(), "obj", bytes.Repeat([]byte{7}, size)); err != nil {
		b.Fatal(err)
	}
	f, err := s.Open(context.Background(), "obj")
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, chunk)
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for off := int64(0); off < size; off += chunk {
			if _, err := f.ReadAt(buf, off); err != nil {
				b.Fatal(err)
			}
		}
	}
}
