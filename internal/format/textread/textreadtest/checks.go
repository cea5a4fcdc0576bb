package textreadtest

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
)

// CloseMidStream checks that closing a reader part-way releases the batch
// being built and that Next then reports io.EOF. open must return a reader
// of at least three rows in batches of two.
func CloseMidStream(t *testing.T, open func(mem memory.Allocator) (batch.Reader, error)) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	r, err := open(mem)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rec.NumRows() != 2 {
		t.Fatalf("rows = %d, want 2", rec.NumRows())
	}
	rec.Release()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Fatalf("Next after Close = %v, want io.EOF", err)
	}
}

// ReadsBack is the read half of a fuzz target: a file whose schema was
// inferred must open with it, and must read without error when mustRead
// (Permissive mode). Whatever was read is released.
func ReadsBack(t *testing.T, r batch.Reader, err error, mustRead bool) {
	t.Helper()
	if err != nil {
		t.Fatalf("read setup: %v", err)
	}
	bs, err := batch.ReadAll(context.Background(), r)
	if err != nil && mustRead {
		t.Fatalf("inferred fine but reading failed: %v", err)
	}
	batch.Release(bs)
}

// NamesPosition fails unless err names the file and a line and column in
// it, as "name:LINE:COL:". Every error a reader returns about its input
// must point at where the input went wrong.
func NamesPosition(t *testing.T, err error, name string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	at := strings.Index(msg, name+":")
	if at < 0 {
		t.Fatalf("error does not name %s: %v", name, err)
	}
	rest := msg[at+len(name)+1:]
	for range 2 {
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 || n == len(rest) || rest[n] != ':' {
			t.Fatalf("error does not give %s:line:column: %v", name, err)
		}
		rest = rest[n+1:]
	}
}

// ReadAll drains r, returning the number of rows read and the first error.
// Whatever was read is released.
func ReadAll(r batch.Reader) (int, error) {
	bs, err := batch.ReadAll(context.Background(), r)
	n := 0
	for _, b := range bs {
		n += int(b.NumRows())
	}
	batch.Release(bs)
	return n, err
}
