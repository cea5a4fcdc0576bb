package json

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/types"
)

// Read returns the records of one JSON file as batches of schema. name is
// used only in error messages. The file's bytes are read up front (Spark
// likewise parses a multi-line file whole); batches are decoded on demand,
// token by token, straight into Arrow builders.
func Read(r io.Reader, name string, schema types.StructType, opts Options) (batch.Reader, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("json: read %s: %w", name, err)
	}
	return ReadBytes(data, name, schema, opts)
}

// ReadBytes is Read over bytes already in memory; data must not change while
// the reader is in use.
func ReadBytes(data []byte, name string, schema types.StructType, opts Options) (batch.Reader, error) {
	mem := opts.allocator()
	as := schema.ArrowSchema()
	rb := array.NewRecordBuilder(mem, as)
	sd, err := newStructDecoder(schema, func(i int) array.Builder { return rb.Field(i) }, "")
	if err != nil {
		rb.Release()
		return nil, fmt.Errorf("json: %s: %w", name, err)
	}
	f := newFramer(name, data, opts.MultiLine, opts.Mode == DropMalformed)
	return &reader{
		schema: as, mem: mem, rb: rb, sd: sd, f: f, opts: opts,
		vd: valueDecoder{d: f.dec, numStrings: opts.AllowNumbersAsStrings},
	}, nil
}

type reader struct {
	schema *arrow.Schema
	mem    memory.Allocator
	rb     *array.RecordBuilder
	sd     *structDecoder
	f      *framer
	vd     valueDecoder
	opts   Options
	keep   []bool // DropMalformed: rows of the batch being built to keep
	err    error
}

func (r *reader) Schema() *arrow.Schema { return r.schema }

func (r *reader) Close() error {
	if r.rb != nil {
		r.rb.Release()
		r.rb = nil
	}
	return nil
}

// Next decodes up to BatchSize records.
func (r *reader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.rb == nil {
		return nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	size := r.opts.batchSize()
	rows, dropped := 0, false
	r.keep = r.keep[:0]
	for rows < size {
		ok, err := r.f.Next()
		if err != nil {
			return nil, r.fail(err)
		}
		if !ok {
			break
		}
		r.vd.bad = nil
		if err := r.vd.readObject(r.sd); err != nil {
			return nil, r.fail(r.f.err(err))
		}
		rows++
		if bad := r.vd.bad; bad != nil {
			switch r.opts.Mode {
			case FailFast:
				off := skipSeparators(r.f.data, r.f.base+bad.off)
				return nil, r.fail(positionError(r.f.name, r.f.data, off, ErrTypeMismatch,
					"field %q: cannot read %s as %s", bad.col.name, bad.got, types.CatalogString(bad.col.typ)))
			case DropMalformed:
				if !dropped {
					dropped = true
					for range rows - 1 {
						r.keep = append(r.keep, true)
					}
				}
				r.keep = append(r.keep, false)
				continue
			}
		}
		if dropped {
			r.keep = append(r.keep, true)
		}
	}
	if rows == 0 {
		r.Close()
		return nil, io.EOF
	}
	rec := r.rb.NewRecordBatch()
	if !dropped {
		return rec, nil
	}
	out, err := r.filter(ctx, rec)
	if err == nil && out.NumRows() == 0 {
		out.Release()
		return r.Next(ctx)
	}
	return out, err
}

// filter drops the rows DropMalformed marked; rare, so it may use compute.
func (r *reader) filter(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer rec.Release()
	mb := array.NewBooleanBuilder(r.mem)
	defer mb.Release()
	mb.AppendValues(r.keep, nil)
	mask := mb.NewArray()
	defer mask.Release()
	ctx = compute.WithAllocator(ctx, r.mem)
	out, err := compute.FilterRecordBatch(ctx, rec, mask, compute.DefaultFilterOptions())
	if err != nil {
		return nil, r.fail(fmt.Errorf("json: %s: drop malformed rows: %w", r.f.name, err))
	}
	return out, nil
}

// fail makes err sticky and frees the partly built batch.
func (r *reader) fail(err error) error {
	r.err = err
	r.Close()
	return err
}
