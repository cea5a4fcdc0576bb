package batch

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Select returns a Reader over the columns cols (indices into r's schema,
// in the order given) of r's batches; nil cols returns r itself. Columns
// are shared, not copied.
func Select(r Reader, cols []int) Reader {
	if cols == nil {
		return r
	}
	in := r.Schema()
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fs[i] = in.Field(c)
	}
	md := in.Metadata()
	return &selectReader{Reader: r, cols: cols, out: arrow.NewSchema(fs, &md)}
}

type selectReader struct {
	Reader
	cols []int
	out  *arrow.Schema
}

func (s *selectReader) Schema() *arrow.Schema { return s.out }

func (s *selectReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	b, err := s.Reader.Next(ctx)
	if b == nil || err != nil {
		return b, err
	}
	cols := make([]arrow.Array, len(s.cols))
	for i, c := range s.cols {
		cols[i] = b.Column(c)
	}
	out := array.NewRecordBatch(s.out, cols, b.NumRows())
	b.Release()
	return out, nil
}
