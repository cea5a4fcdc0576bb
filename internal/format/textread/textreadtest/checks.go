package textreadtest

import (
	"context"
	"errors"
	"io"
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
