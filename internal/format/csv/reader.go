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
	return textread.NewReader(src, func(rb *array.RecordBuilder) (textread.Filler, error) {
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
}

// records fills batches from the records of one file.
type records struct {
	cols       []converter
	sp         *splitter
	mode       Mode
	skipHeader bool
	done       bool
}

// Fill converts up to n rows. Rows that do not fit are checked before any
// of their fields is appended (see firstMisfit), so a dropped row is never
// appended and never counts toward n.
func (r *records) Fill(n int, b *textread.Batch) error {
	for b.Len() < n && !r.done {
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
				return fmt.Errorf("csv: %s:%d: found %d fields, schema has %d columns: %w",
					r.sp.name, r.sp.recLine, len(fields), len(r.cols), ErrTypeMismatch)
			case DropMalformed:
				continue
			}
		}
		if r.mode != Permissive {
			if i := r.firstMisfit(fields); i >= 0 {
				if r.mode == DropMalformed {
					continue
				}
				c := &r.cols[i]
				return fmt.Errorf("csv: %s:%d: field %d (%s): cannot read %q as %s: %w",
					r.sp.name, r.sp.recLine, i+1, c.name, fields[i], types.CatalogString(c.Type), ErrTypeMismatch)
			}
		}
		for i := range r.cols {
			if i < len(fields) {
				r.cols[i].append(fields[i])
			} else {
				r.cols[i].AppendNull()
			}
		}
		b.Keep()
	}
	return nil
}

// firstMisfit returns the index of the first field that does not parse as
// its column's type, or -1. Only FailFast and DropMalformed pay for this
// check before appending, since builders cannot take a row back.
func (r *records) firstMisfit(fields [][]byte) int {
	for i := range min(len(fields), len(r.cols)) {
		if !r.cols[i].fits(fields[i]) {
			return i
		}
	}
	return -1
}
