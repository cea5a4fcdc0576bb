package textread

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/types"
)

// script is a Filler over a list of values: a negative value is appended
// and dropped, 0 fails the reader.
type script struct {
	b    *array.Int64Builder
	vals []int64
}

var errScripted = errors.New("scripted failure")

func (s *script) Fill(n int, b *Batch) error {
	for b.Len() < n && len(s.vals) > 0 {
		v := s.vals[0]
		s.vals = s.vals[1:]
		if v == 0 {
			return errScripted
		}
		s.b.Append(v)
		if v < 0 {
			b.Drop()
		} else {
			b.Keep()
		}
	}
	return nil
}

func scriptReader(t *testing.T, mem memory.Allocator, batchSize int, vals ...int64) *Reader {
	t.Helper()
	src := Source{Format: "test", Name: "f.txt", Schema: types.NewStruct(types.Field("v", types.Long)), Allocator: mem, BatchSize: batchSize}
	r, err := NewReader(src, func(rb *array.RecordBuilder) (Filler, error) {
		return &script{b: rb.Field(0).(*array.Int64Builder), vals: vals}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// drain renders the reader's batches as "[1 2] [3]" and its end as
// "EOF" or the error.
func drain(r *Reader) string {
	var out []string
	for {
		rec, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return strings.Join(append(out, "EOF"), " ")
		}
		if err != nil {
			return strings.Join(append(out, "error: "+err.Error()), " ")
		}
		out = append(out, fmt.Sprint(rec.Column(0).(*array.Int64).Int64Values()))
		rec.Release()
	}
}

func TestReader(t *testing.T) {
	for _, tc := range []struct {
		name      string
		batchSize int
		vals      []int64
		want      string
	}{
		{"empty", 2, nil, "EOF"},
		{"batches", 2, []int64{1, 2, 3, 4, 5}, "[1 2] [3 4] [5] EOF"},
		{"default-batch-size", 0, []int64{1, 2, 3}, "[1 2 3] EOF"},
		{"drop-counts-toward-batch", 3, []int64{1, -2, 3, 4}, "[1 3] [4] EOF"},
		{"first-row-dropped", 2, []int64{-1, 2, 3}, "[2] [3] EOF"},
		{"all-dropped-batch-skipped", 2, []int64{1, 2, -3, -4, 5}, "[1 2] [5] EOF"},
		{"all-dropped", 2, []int64{-1, -2}, "EOF"},
		{"error-after-batch", 2, []int64{1, 2, 3, 0, 4}, "[1 2] error: scripted failure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)
			r := scriptReader(t, mem, tc.batchSize, tc.vals...)
			defer r.Close()
			if got := drain(r); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestReaderErrorIsSticky(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	r := scriptReader(t, mem, 4, 1, 0, 2)
	for range 2 {
		if _, err := r.Next(context.Background()); !errors.Is(err, errScripted) {
			t.Fatalf("Next = %v, want the scripted failure every time", err)
		}
	}
	mem.AssertSize(t, 0) // released on failure, before Close
	r.Close()
}

func TestReaderCloseMidStream(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	r := scriptReader(t, mem, 1, 1, 2, 3)
	rec, err := r.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rec.Release()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Fatalf("Next after Close = %v, want io.EOF", err)
	}
}

func TestReaderCanceled(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	r := scriptReader(t, mem, 1, 1)
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next = %v, want context.Canceled", err)
	}
}

func TestNewReaderFillerError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := Source{Format: "test", Name: "f.txt", Schema: types.NewStruct(types.Field("v", types.Long)), Allocator: mem}
	_, err := NewReader(src, func(*array.RecordBuilder) (Filler, error) { return nil, types.ErrUnsupportedType })
	if !errors.Is(err, types.ErrUnsupportedType) || !strings.HasPrefix(err.Error(), "test: f.txt: ") {
		t.Fatalf("err = %v, want the filler's error naming format and file", err)
	}
}

func TestReadAll(t *testing.T) {
	data, err := ReadAll(strings.NewReader("abc"), "test", "f.txt")
	if err != nil || string(data) != "abc" {
		t.Fatalf("ReadAll = %q, %v", data, err)
	}
	_, err = ReadAll(io.MultiReader(strings.NewReader("a"), errReader{}), "test", "f.txt")
	if !errors.Is(err, errScripted) || !strings.HasPrefix(err.Error(), "test: read f.txt: ") {
		t.Fatalf("err = %v, want the read error naming format and file", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errScripted }
