package exec

import (
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
)

// Operator is a node of a physical plan. Open starts it (and its children)
// and returns the stream of its output batches; an Operator may be opened
// more than once, each Open being an independent run.
type Operator interface {
	Schema() *arrow.Schema
	Open(ctx context.Context) (batch.Reader, error)
	// String describes the operator on one line, for EXPLAIN.
	String() string
	Children() []Operator
}

// DefaultBatchSize is the number of rows operators that materialize their
// input (sort, aggregate) put in each output batch.
const DefaultBatchSize = 8192

// allocator returns the allocator operators use for the buffers they create:
// the one set on ctx with compute.WithAllocator, so tests can check for leaks.
func allocator(ctx context.Context) memory.Allocator {
	return compute.GetAllocator(ctx)
}

// releaseArrays releases every non-nil array in as.
func releaseArrays(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}

// evalAll evaluates evs over rec. On error what was computed is released.
func evalAll(ctx context.Context, evs []evaluator, rec arrow.RecordBatch) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(evs))
	for i, ev := range evs {
		a, err := ev.Eval(ctx, rec)
		if err != nil {
			releaseArrays(out)
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// funcReader adapts closures to batch.Reader.
type funcReader struct {
	schema *arrow.Schema
	next   func(ctx context.Context) (arrow.RecordBatch, error)
	close  func() error
	closed bool
}

func (r *funcReader) Schema() *arrow.Schema { return r.schema }
func (r *funcReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r.next(ctx)
}
func (r *funcReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.close != nil {
		return r.close()
	}
	return nil
}

// Options size the work of operators that materialize or fan out.
type Options struct {
	// Parallelism is the number of goroutines an operator may use (hash
	// aggregate partial aggregation); <= 1 means one.
	Parallelism int
	// BatchSize is the row count of batches an operator produces from
	// materialized results; <= 0 means DefaultBatchSize.
	BatchSize int
}

func (o Options) batchSize() int {
	if o.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return o.BatchSize
}

// sliceOut serves rec in slices of at most size rows under schema, taking
// ownership of rec.
func sliceOut(schema *arrow.Schema, rec arrow.RecordBatch, size int) batch.Reader {
	var off int64
	return &funcReader{
		schema: schema,
		close: func() error {
			if rec != nil {
				rec.Release()
				rec = nil
			}
			return nil
		},
		next: func(ctx context.Context) (arrow.RecordBatch, error) {
			if rec == nil || off >= rec.NumRows() {
				return nil, io.EOF
			}
			end := min(off+int64(size), rec.NumRows())
			s := rec.NewSlice(off, end)
			off = end
			out := array.NewRecordBatch(schema, s.Columns(), s.NumRows())
			s.Release()
			return out, nil
		},
	}
}

func newRecord(schema *arrow.Schema, cols []arrow.Array, rows int64) arrow.RecordBatch {
	return array.NewRecordBatch(schema, cols, rows)
}
