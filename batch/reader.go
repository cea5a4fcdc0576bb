package batch

import (
	"context"
	"errors"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Reader is a stream of record batches sharing one schema.
//
// Next returns the next batch, or (nil, io.EOF) when the stream is done. The
// caller owns each returned batch and must Release it. Close releases what
// the reader holds; it is safe to call more than once and after io.EOF.
type Reader interface {
	Schema() *arrow.Schema
	Next(ctx context.Context) (arrow.RecordBatch, error)
	Close() error
}

// sliceReader serves batches from memory.
type sliceReader struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
	i       int
}

// FromSlice returns a Reader over batches. The reader takes ownership of the
// batches: each one it does not hand out is released by Close.
func FromSlice(schema *arrow.Schema, batches ...arrow.RecordBatch) Reader {
	return &sliceReader{schema: schema, batches: batches}
}

func (r *sliceReader) Schema() *arrow.Schema { return r.schema }

func (r *sliceReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for r.i < len(r.batches) {
		b := r.batches[r.i]
		r.batches[r.i] = nil
		r.i++
		if b != nil {
			return b, nil
		}
	}
	return nil, io.EOF
}

func (r *sliceReader) Close() error {
	for ; r.i < len(r.batches); r.i++ {
		if r.batches[r.i] != nil {
			r.batches[r.i].Release()
			r.batches[r.i] = nil
		}
	}
	return nil
}

// ReadAll drains r into a slice and closes it. On error the batches read so
// far are released.
func ReadAll(ctx context.Context, r Reader) ([]arrow.RecordBatch, error) {
	defer r.Close()
	var out []arrow.RecordBatch
	for {
		b, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			Release(out)
			return nil, err
		}
		out = append(out, b)
	}
}

// Release releases every batch in bs.
func Release(bs []arrow.RecordBatch) {
	for _, b := range bs {
		if b != nil {
			b.Release()
		}
	}
}

// NumRows sums the rows of bs.
func NumRows(bs []arrow.RecordBatch) int64 {
	var n int64
	for _, b := range bs {
		n += b.NumRows()
	}
	return n
}

// Concat returns all batches as one table-shaped batch (for tests and small
// results). The inputs are not released.
func Concat(schema *arrow.Schema, bs []arrow.RecordBatch) (arrow.RecordBatch, error) {
	tbl := array.NewTableFromRecords(schema, bs)
	defer tbl.Release()
	cols := make([]arrow.Array, tbl.NumCols())
	for i := range cols {
		chunked := tbl.Column(i).Data()
		if len(chunked.Chunks()) == 0 {
			cols[i] = array.MakeArrayOfNull(memoryAllocator, schema.Field(i).Type, 0)
			continue
		}
		c, err := array.Concatenate(chunked.Chunks(), memoryAllocator)
		if err != nil {
			for _, c := range cols[:i] {
				c.Release()
			}
			return nil, err
		}
		cols[i] = c
	}
	rec := array.NewRecordBatch(schema, cols, tbl.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return rec, nil
}
