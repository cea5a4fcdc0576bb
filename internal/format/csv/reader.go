package csv

import (
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/textread"
	"github.com/ingotdata/ingot/types"
)

// Read returns the rows of one CSV file as batches of schema; fields map to
// columns by position. name is used only in error messages. With Header the
// first record is skipped. The file's bytes are read up front; batches are
// converted on demand into typed Arrow builders.
func Read(r io.Reader, name string, schema types.StructType, opts Options) (batch.Reader, error) {
	data, err := textread.ReadAll(r, "csv", name)
	if err != nil {
		return nil, err
	}
	return ReadBytes(data, name, schema, opts)
}

// ReadBytes is Read over bytes already in memory; data must not change while
// the reader is in use.
func ReadBytes(data []byte, name string, schema types.StructType, opts Options) (batch.Reader, error) {
	o := opts.withDefaults()
	ts, err := textread.NewTimestampParser(o.TimestampFormat)
	if err != nil {
		return nil, fmt.Errorf("csv: %w", err)
	}
	src := textread.Source{Format: "csv", Name: name, Schema: schema, Allocator: o.Allocator, BatchSize: o.BatchSize}
	r, err := textread.NewReader(src, func(rb *array.RecordBuilder) (textread.Filler, error) {
		cols := make([]converter, len(schema.Fields))
		for i, f := range schema.Fields {
			c, err := newConverter(f, rb.Field(i), o, ts)
			if err != nil {
				return nil, err
			}
			cols[i] = c
		}
		return &records{cols: cols, sp: newSplitter(name, data, o), mode: o.Mode, skipHeader: o.Header}, nil
	})
	if err != nil {
		return nil, err // not a nil *Reader in a non-nil interface
	}
	return r, nil
}

// records fills batches from the records of one file.
type records struct {
	cols       []converter
	sp         *splitter
	mode       Mode
	skipHeader bool
	done       bool
}

// Fill converts up to n rows, not counting dropped ones (a DropMalformed
// batch holds n rows that fit, as Spark's would).
func (r *records) Fill(n int, b *textread.Batch) error {
	for b.Kept() < n && !r.done {
		fields, ok, err := r.sp.next()
		if err != nil {
			if r.mode != DropMalformed {
				return err
			}
			ok = false
		}
		if !ok {
			r.done = true
			break
		}
		if r.skipHeader {
			r.skipHeader = false
			continue
		}
		if len(fields) != len(r.cols) {
			switch r.mode {
			case FailFast:
				line, col := r.sp.position(-1)
				return fmt.Errorf("csv: %s:%d:%d: found %d fields, schema has %d columns: %w",
					r.sp.name, line, col, len(fields), len(r.cols), ErrTypeMismatch)
			case DropMalformed:
				continue
			}
		}
		misfit := -1
		for i := range r.cols {
			if i >= len(fields) {
				r.cols[i].AppendNull()
			} else if !r.cols[i].append(fields[i]) && misfit < 0 {
				misfit = i
			}
		}
		if misfit >= 0 && r.mode != Permissive {
			if r.mode == DropMalformed {
				b.Drop()
				continue
			}
			c := &r.cols[misfit]
			line, col := r.sp.position(misfit)
			return fmt.Errorf("csv: %s:%d:%d: field %d (%s): cannot read %q as %s: %w",
				r.sp.name, line, col, misfit+1, c.name, fields[misfit], types.CatalogString(c.Type), ErrTypeMismatch)
		}
		b.Keep()
	}
	return nil
}
