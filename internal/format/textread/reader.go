package textread

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/types"
)

// ReadAll reads a whole file for a format that parses from memory; the
// error names the format and the file.
func ReadAll(r io.Reader, format, name string) ([]byte, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: read %s: %w", format, name, err)
	}
	return data, nil
}

// Source describes the file a Reader reads.
type Source struct {
	Format string // "csv", "json": the prefix of error messages
	Name   string // the file, for error messages
	Schema types.StructType
	// Allocator for the batches' buffers (memory.DefaultAllocator when nil).
	Allocator memory.Allocator
	// BatchSize is the rows per batch (DefaultBatchSize when 0).
	BatchSize int
}

// A Filler is the format-specific half of a Reader: it appends the rows of
// its file to the field builders of the Reader's RecordBuilder.
type Filler interface {
	// Fill appends up to n more rows, telling b of each (Keep or Drop);
	// appending fewer means the input is exhausted. An error ends the
	// reader: the partly built batch is released and the error is returned
	// by every later Next.
	Fill(n int, b *Batch) error
}

// Batch counts the rows appended to the batch being built, and which of
// them to drop before it is returned.
type Batch struct {
	rows    int
	dropped int
	keep    []bool // per row, once a row was dropped
}

// Len is the number of rows appended so far, dropped ones included.
func (b *Batch) Len() int { return b.rows }

// Kept is the number of rows appended so far that stay in the batch.
func (b *Batch) Kept() int { return b.rows - b.dropped }

// Keep records that one row was appended and stays in the batch.
func (b *Batch) Keep() {
	b.rows++
	if b.dropped > 0 {
		b.keep = append(b.keep, true)
	}
}

// Drop records that one row was appended but must not be returned
// (DropMalformed: a value did not fit, which is only known once it was
// parsed and appended, and builders cannot take a row back). The mask is
// only built from the first drop on, so batches without one cost nothing.
func (b *Batch) Drop() {
	if b.dropped == 0 {
		for range b.rows {
			b.keep = append(b.keep, true)
		}
	}
	b.rows++
	b.dropped++
	b.keep = append(b.keep, false)
}

func (b *Batch) reset() {
	b.rows, b.dropped, b.keep = 0, 0, b.keep[:0]
}

// Reader is the batch.Reader of a text format: it owns the RecordBuilder,
// releases it on every path (end, error, Close), makes errors sticky and
// filters out the rows a Filler dropped.
type Reader struct {
	src    Source
	schema *arrow.Schema
	rb     *array.RecordBuilder
	fill   Filler
	batch  Batch
	err    error
}

// NewReader makes the RecordBuilder for src.Schema and passes it to
// newFiller, which resolves its column builders; if that fails, the builder
// is released and the error is returned naming the format and file.
func NewReader(src Source, newFiller func(rb *array.RecordBuilder) (Filler, error)) (*Reader, error) {
	if src.Allocator == nil {
		src.Allocator = memory.DefaultAllocator
	}
	if src.BatchSize <= 0 {
		src.BatchSize = DefaultBatchSize
	}
	as := src.Schema.ArrowSchema()
	rb := array.NewRecordBuilder(src.Allocator, as)
	f, err := newFiller(rb)
	if err != nil {
		rb.Release()
		return nil, fmt.Errorf("%s: %s: %w", src.Format, src.Name, err)
	}
	return &Reader{src: src, schema: as, rb: rb, fill: f}, nil
}

// Schema is the Arrow form of the Source's schema.
func (r *Reader) Schema() *arrow.Schema { return r.schema }

// Close releases the batch being built; Next then returns io.EOF.
func (r *Reader) Close() error {
	if r.rb != nil {
		r.rb.Release()
		r.rb = nil
	}
	return nil
}

// fail makes err sticky and frees the partly built batch.
func (r *Reader) fail(err error) error {
	r.err = err
	r.Close()
	return err
}

// Next returns the next batch of up to BatchSize rows (fewer when rows were
// dropped), or io.EOF.
func (r *Reader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if r.err != nil {
			return nil, r.err
		}
		if r.rb == nil {
			return nil, io.EOF
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r.batch.reset()
		if err := r.fill.Fill(r.src.BatchSize, &r.batch); err != nil {
			return nil, r.fail(err)
		}
		if r.batch.rows == 0 {
			r.Close()
			return nil, io.EOF
		}
		rec := r.rb.NewRecordBatch()
		if r.batch.dropped == 0 {
			return rec, nil
		}
		out, err := r.filter(ctx, rec)
		if err != nil {
			return nil, err
		}
		if out.NumRows() > 0 {
			return out, nil
		}
		out.Release() // every row dropped: go on to the next batch
	}
}

// filter drops the rows the Filler marked; rare, so it may use compute.
func (r *Reader) filter(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer rec.Release()
	mb := array.NewBooleanBuilder(r.src.Allocator)
	defer mb.Release()
	mb.AppendValues(r.batch.keep, nil)
	mask := mb.NewArray()
	defer mask.Release()
	ctx = compute.WithAllocator(ctx, r.src.Allocator)
	out, err := compute.FilterRecordBatch(ctx, rec, mask, compute.DefaultFilterOptions())
	if err != nil {
		return nil, r.fail(fmt.Errorf("%s: %s: drop malformed rows: %w", r.src.Format, r.src.Name, err))
	}
	return out, nil
}
