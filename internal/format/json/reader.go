package json

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/textread"
	"github.com/ingotdata/ingot/types"
)

// Read returns the records of one JSON file as batches of schema. name is
// used only in error messages. The file's bytes are read up front (Spark
// likewise parses a multi-line file whole); batches are decoded on demand,
// token by token, straight into Arrow builders.
func Read(r io.Reader, name string, schema types.StructType, opts Options) (batch.Reader, error) {
	data, err := textread.ReadAll(r, "json", name)
	if err != nil {
		return nil, err
	}
	return ReadBytes(data, name, schema, opts)
}

// ReadBytes is Read over bytes already in memory; data must not change while
// the reader is in use.
func ReadBytes(data []byte, name string, schema types.StructType, opts Options) (batch.Reader, error) {
	src := textread.Source{Format: "json", Name: name, Schema: schema, Allocator: opts.Allocator, BatchSize: opts.BatchSize}
	r, err := textread.NewReader(src, func(rb *array.RecordBuilder) (textread.Filler, error) {
		sd, err := newStructDecoder(schema, func(i int) array.Builder { return rb.Field(i) }, "")
		if err != nil {
			return nil, err
		}
		f := newFramer(name, data, opts.MultiLine, opts.Mode == DropMalformed)
		return &records{sd: sd, f: f, mode: opts.Mode, vd: valueDecoder{d: f.dec, numStrings: opts.AllowNumbersAsStrings}}, nil
	})
	if err != nil {
		return nil, err // not a nil *Reader in a non-nil interface
	}
	return r, nil
}

// records fills batches from the records of one file.
type records struct {
	sd   *structDecoder
	f    *framer
	vd   valueDecoder
	mode Mode
}

// Fill decodes up to n records. A record holding a value that does not fit
// is only known to be bad once it is appended, so DropMalformed drops it
// from the batch afterwards (and it counts toward n).
func (r *records) Fill(n int, b *textread.Batch) error {
	for b.Len() < n {
		ok, err := r.f.Next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		r.vd.bad = nil
		if err := r.vd.readObject(r.sd); err != nil {
			return r.f.err(err)
		}
		if bad := r.vd.bad; bad != nil {
			switch r.mode {
			case FailFast:
				off := skipSeparators(r.f.data, r.f.base+bad.off)
				return positionError(r.f.name, r.f.data, off, ErrTypeMismatch,
					"field %q: cannot read %s as %s", bad.col.name, bad.got, types.CatalogString(bad.col.Type))
			case DropMalformed:
				b.Drop()
				continue
			}
		}
		b.Keep()
	}
	return nil
}
