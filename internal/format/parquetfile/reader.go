package parquetfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// ErrMissingColumn is returned when a requested column is not in the file
// and no output Schema says to fill it with nulls.
var ErrMissingColumn = errors.New("parquetfile: column not found")

// ReadOptions selects what Open reads.
type ReadOptions struct {
	// Columns projects top-level columns by name (case-insensitive); nil
	// reads all. Ignored when Schema is set.
	Columns []string
	// Schema, if set, is the exact output schema: its fields are looked up
	// in the file by name (exact, then case-insensitive), cast to the given
	// types, and filled with nulls when the file lacks them (a column added
	// to the table after the file was written).
	Schema *arrow.Schema
	// FieldIDs, with Schema, matches each Schema field that carries a
	// Parquet field id (Arrow field metadata "PARQUET:field_id") to the
	// file column with that id before trying its name, as Delta's column
	// mapping "id" mode requires. Top-level fields only.
	FieldIDs bool
	// BatchSize is the number of rows per batch (default 64Ki).
	BatchSize int64
	// Allocator for the batches (default memory.DefaultAllocator).
	Allocator memory.Allocator
}

// Open reads a Parquet file as a stream of batches. The reader owns f and
// closes it on Close. Column types come out as types.ToArrow gives them for
// the Spark type: INT96 and nanosecond timestamps become timestamp[us],
// decimals of any physical width Decimal128, legacy lists and maps the
// standard layouts.
func Open(ctx context.Context, f storage.File, opts ReadOptions) (batch.Reader, error) {
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	bs := opts.BatchSize
	if bs <= 0 {
		bs = 64 << 10
	}
	sr := io.NewSectionReader(f, 0, f.Size())
	pf, err := file.NewParquetReader(sr, file.WithReadProps(parquet.NewReaderProperties(mem)))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("parquetfile: open: %w", err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: bs}, mem)
	if err != nil {
		pf.Close()
		f.Close()
		return nil, fmt.Errorf("parquetfile: open: %w", err)
	}
	r := &reader{f: f, pf: pf, mem: mem, batchSize: bs, remaining: pf.NumRows()}
	if err := r.plan(fr, opts); err != nil {
		r.Close()
		return nil, err
	}
	if len(r.leaves) > 0 {
		rr, err := fr.GetRecordReader(ctx, r.leaves, nil)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("parquetfile: open: %w", err)
		}
		r.rr = rr
	}
	return r, nil
}

type reader struct {
	f         storage.File
	pf        *file.Reader
	rr        pqarrow.RecordReader
	mem       memory.Allocator
	out       *arrow.Schema
	src       []int // per output field: index in the record reader's batch, -1 for nulls, <= -2 for int96[-2-src]
	leaves    []int
	int96     []*int96Column
	batchSize int64
	remaining int64 // rows left, for the no-file-columns case
	closed    bool
}

// plan matches the wanted output fields to file columns and collects the
// leaf column indices pqarrow needs for them.
func (r *reader) plan(fr *pqarrow.FileReader, opts ReadOptions) error {
	fileSchema, err := fr.Schema()
	if err != nil {
		return fmt.Errorf("parquetfile: schema: %w", err)
	}
	find := func(name string) int {
		if idx := fileSchema.FieldIndices(name); len(idx) > 0 {
			return idx[0]
		}
		for i, f := range fileSchema.Fields() {
			if strings.EqualFold(f.Name, name) {
				return i
			}
		}
		return -1
	}
	var want []arrow.Field
	var fileIdx []int
	switch {
	case opts.Schema != nil:
		want = opts.Schema.Fields()
		for _, f := range want {
			i := -1
			if opts.FieldIDs {
				i = findFieldID(fileSchema, f)
			}
			if i < 0 {
				i = find(f.Name)
			}
			fileIdx = append(fileIdx, i)
		}
	case opts.Columns != nil:
		for _, name := range opts.Columns {
			i := find(name)
			if i < 0 {
				return fmt.Errorf("parquetfile: %q: %w", name, ErrMissingColumn)
			}
			want = append(want, normalizeField(fileSchema.Field(i)))
			fileIdx = append(fileIdx, i)
		}
	default:
		for i, f := range fileSchema.Fields() {
			want = append(want, normalizeField(f))
			fileIdx = append(fileIdx, i)
		}
	}
	r.out = arrow.NewSchema(want, nil)
	// pqarrow returns the selected top-level fields in file order, so map
	// each output field to its position among the selected ones.
	selected := map[int]bool{}
	for _, i := range fileIdx {
		if i >= 0 {
			selected[i] = true
		}
	}
	pos := map[int]int{}
	n := 0
	for i := range fileSchema.Fields() {
		if !selected[i] {
			continue
		}
		mf := fr.Manifest.Fields[i]
		if mf.IsLeaf() {
			if d := r.pf.MetaData().Schema.Column(mf.ColIndex); d.PhysicalType() == parquet.Types.Int96 {
				pos[i] = -2 - len(r.int96)
				r.int96 = append(r.int96, &int96Column{pf: r.pf, col: mf.ColIndex, maxDef: d.MaxDefinitionLevel()})
				continue
			}
		}
		pos[i] = n
		n++
		r.leaves = append(r.leaves, leafIndices(mf)...)
	}
	for _, i := range fileIdx {
		if i < 0 {
			r.src = append(r.src, -1)
		} else {
			r.src = append(r.src, pos[i])
		}
	}
	return nil
}

// fieldIDKey is the Arrow field metadata key pqarrow uses for Parquet
// field ids.
const fieldIDKey = "PARQUET:field_id"

// findFieldID returns the index of the file field whose Parquet field id
// equals want's, or -1 when want has no id or no file field matches.
func findFieldID(fileSchema *arrow.Schema, want arrow.Field) int {
	id, ok := want.Metadata.GetValue(fieldIDKey)
	if !ok {
		return -1
	}
	for i, f := range fileSchema.Fields() {
		if v, ok := f.Metadata.GetValue(fieldIDKey); ok && v == id {
			return i
		}
	}
	return -1
}

func leafIndices(f pqarrow.SchemaField) []int {
	if f.IsLeaf() {
		return []int{f.ColIndex}
	}
	var out []int
	for _, ch := range f.Children {
		out = append(out, leafIndices(ch)...)
	}
	return out
}

// normalizeField maps a file field to the Arrow type ingot uses for its
// Spark type; types it cannot map are kept as they are.
func normalizeField(f arrow.Field) arrow.Field {
	st, err := types.FromArrow(f.Type)
	if err != nil {
		return f
	}
	return arrow.Field{Name: f.Name, Type: types.ToArrow(st), Nullable: f.Nullable}
}

func (r *reader) Schema() *arrow.Schema { return r.out }

func (r *reader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.closed {
		return nil, io.EOF
	}
	if r.rr == nil {
		// Nothing to read from the file (all columns missing or none
		// asked for): still produce the file's row count.
		if r.remaining <= 0 {
			return nil, io.EOF
		}
		n := min(r.remaining, r.batchSize)
		r.remaining -= n
		return r.assemble(ctx, nil, n)
	}
	rec, err := r.rr.Read()
	if rec == nil || errors.Is(err, io.EOF) {
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("parquetfile: read: %w", err)
		}
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("parquetfile: read: %w", err)
	}
	// rec is owned by the record reader until the next Read.
	return r.assemble(ctx, rec, rec.NumRows())
}

// assemble builds the output batch: file columns cast to the wanted types,
// missing columns as nulls.
func (r *reader) assemble(ctx context.Context, rec arrow.RecordBatch, n int64) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, len(r.src))
	release := func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}
	for i, s := range r.src {
		want := r.out.Field(i).Type
		if s == -1 {
			cols[i] = array.MakeArrayOfNull(r.mem, want, int(n))
			continue
		}
		var col arrow.Array
		if s <= -2 {
			c, err := r.int96[-2-s].read(r.mem, n)
			if err != nil {
				release()
				return nil, err
			}
			col = c
			defer c.Release()
		} else {
			col = rec.Column(s)
		}
		if arrow.TypeEqual(col.DataType(), want) {
			col.Retain()
			cols[i] = col
			continue
		}
		c, err := castArray(ctx, r.mem, col, want)
		if err != nil {
			release()
			return nil, fmt.Errorf("parquetfile: column %q: %w", r.out.Field(i).Name, err)
		}
		cols[i] = c
	}
	out := array.NewRecordBatch(r.out, cols, n)
	release()
	return out, nil
}

// castArray converts a column to the wanted type. Truncation is allowed
// because the only narrowing conversion expected is nanosecond to
// microsecond timestamps (INT96), where Spark truncates too.
func castArray(ctx context.Context, mem memory.Allocator, col arrow.Array, want arrow.DataType) (arrow.Array, error) {
	ctx = compute.WithAllocator(ctx, mem)
	opts := compute.UnsafeCastOptions(want)
	return compute.CastArray(ctx, col, opts)
}

func (r *reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.rr != nil {
		r.rr.Release()
	}
	for _, c := range r.int96 {
		c.close()
	}
	err := r.pf.Close()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	return err
}
