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
	// Path names the file in errors (a table-relative path, a URL).
	Path string
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
//
// A file that is not valid Parquet, or whose parts disagree (footer
// against file size, row groups against column chunks, pages against
// their CRCs or value counts, decoded values against the footer's min/max
// statistics, rows read against the footer's row count) fails with a
// *CorruptError naming ReadOptions.Path and, where known, the row group,
// column and page; errors.Is(err, ErrCorrupt) holds. A decoder panic is
// such an error too, never a crash: arrow-go runs here without its
// parallel reads, and the work it still does on goroutines of its own
// (opening the first chunk of each nested column) only happens after
// checkMetadata has vetted the numbers it relies on.
func Open(ctx context.Context, f storage.File, opts ReadOptions) (_ batch.Reader, err error) {
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	bs := opts.BatchSize
	if bs <= 0 {
		bs = 64 << 10
	}
	r := &reader{f: f, path: opts.Path, mem: mem, batchSize: bs}
	defer func() {
		if p := recover(); p != nil {
			err = r.corrupt(-1, "", recovered(p))
		}
		if err != nil {
			r.Close()
		}
	}()
	size := f.Size()
	if size < 12 {
		return nil, corruptf(opts.Path, "%d bytes is too short for a Parquet file", size)
	}
	cf := &checkedFile{r: f}
	r.cf = cf
	pf, err := file.NewParquetReader(io.NewSectionReader(cf, 0, size), file.WithReadProps(parquet.NewReaderProperties(mem)))
	if err != nil {
		return nil, r.corrupt(-1, "", fmt.Errorf("open: %w", err))
	}
	r.pf = pf
	r.remaining = pf.NumRows()
	chunks, err := checkMetadata(pf, size, opts.Path)
	if err != nil {
		return nil, err
	}
	cf.chunks = chunks
	var end int64
	for rg := 0; rg < pf.NumRowGroups(); rg++ {
		end += pf.MetaData().RowGroup(rg).NumRows()
		r.rgEnds = append(r.rgEnds, end)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: bs, Parallel: false}, mem)
	if err != nil {
		return nil, r.corrupt(-1, "", fmt.Errorf("open: %w", err))
	}
	if err := r.plan(fr, opts); err != nil {
		return nil, err
	}
	if len(r.leaves) > 0 {
		rr, err := fr.GetRecordReader(ctx, r.leaves, nil)
		if err != nil {
			return nil, r.corrupt(-1, "", fmt.Errorf("open: %w", err))
		}
		r.rr = rr
	}
	return r, nil
}

// NumRows returns the row count a reader from Open has in its footer, for
// callers that check it against what a table log says.
func NumRows(r batch.Reader) (int64, bool) {
	pr, ok := r.(*reader)
	if !ok || pr.pf == nil {
		return 0, false
	}
	return pr.pf.NumRows(), true
}

// corrupt wraps err as a CorruptError of this file, keeping the location a
// page check recorded or found in err.
func (r *reader) corrupt(rowGroup int, column string, err error) error {
	var ce *CorruptError
	if r.cf != nil {
		if f, ok := r.cf.firstFailure().(*CorruptError); ok {
			ce = f
		}
	}
	if ce == nil && !errors.As(err, &ce) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return &CorruptError{Path: r.path, RowGroup: rowGroup, Column: column, Page: -1, Err: err}
	}
	out := *ce
	if out.Path == "" {
		out.Path = r.path
	}
	return &out
}

// rowGroupOf is the row group holding row (by file position).
func (r *reader) rowGroupOf(row int64) int {
	for i, end := range r.rgEnds {
		if row < end {
			return i
		}
	}
	return -1
}

type reader struct {
	f         storage.File
	path      string
	cf        *checkedFile
	pf        *file.Reader
	rgEnds    []int64   // per row group, the file row after its last
	bounds    []*bounds // per record reader column, nil when unchecked
	rowsRead  int64
	err       error // sticky: a reader that failed stays failed
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
		var b *bounds
		if mf.IsLeaf() {
			b = columnBounds(r.pf, mf.ColIndex)
		}
		r.bounds = append(r.bounds, b)
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

func (r *reader) Next(ctx context.Context) (_ arrow.RecordBatch, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.closed {
		return nil, io.EOF
	}
	defer func() {
		if p := recover(); p != nil {
			err = r.corrupt(r.rowGroupOf(r.rowsRead), "", recovered(p))
		}
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			r.err = err
		}
	}()
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
			return nil, r.corrupt(r.rowGroupOf(r.rowsRead), "", fmt.Errorf("read: %w", err))
		}
		if err := r.checkEnd(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	if err != nil {
		return nil, r.corrupt(r.rowGroupOf(r.rowsRead), "", fmt.Errorf("read: %w", err))
	}
	if err := r.checkBatch(rec); err != nil {
		return nil, err
	}
	r.rowsRead += rec.NumRows()
	// rec is owned by the record reader until the next Read.
	return r.assemble(ctx, rec, rec.NumRows())
}

// checkBatch checks a decoded batch: every column as long as the batch,
// no more rows than the footer has, values inside the footer statistics.
func (r *reader) checkBatch(rec arrow.RecordBatch) error {
	n := rec.NumRows()
	if r.rowsRead+n > r.pf.NumRows() {
		return r.corrupt(-1, "", fmt.Errorf("decoded %d rows, footer says %d", r.rowsRead+n, r.pf.NumRows()))
	}
	for i, col := range rec.Columns() {
		if int64(col.Len()) != n {
			return r.corrupt(r.rowGroupOf(r.rowsRead), rec.Schema().Field(i).Name, fmt.Errorf("decoded %d values for %d rows", col.Len(), n))
		}
		if i >= len(r.bounds) || r.bounds[i] == nil {
			continue
		}
		b := r.bounds[i]
		if at, v := b.check(col); at >= 0 {
			row := r.rowsRead + int64(at)
			return r.corrupt(r.rowGroupOf(row), b.name, fmt.Errorf("row %d: value %s outside the footer statistics %s", row, v, b))
		}
	}
	return nil
}

// checkEnd runs at the end of the file: every row the footer promises was
// read, and as many nulls as its statistics count.
func (r *reader) checkEnd() error {
	if r.rowsRead != r.pf.NumRows() {
		return r.corrupt(r.rowGroupOf(r.rowsRead), "", fmt.Errorf("file ended after %d rows, footer says %d", r.rowsRead, r.pf.NumRows()))
	}
	for _, b := range r.bounds {
		if b != nil && b.nulls >= 0 && b.seenNulls != b.nulls {
			return r.corrupt(-1, b.name, fmt.Errorf("decoded %d nulls, footer statistics count %d", b.seenNulls, b.nulls))
		}
	}
	return nil
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

func (r *reader) Close() (err error) {
	if r.closed {
		return nil
	}
	r.closed = true
	defer func() {
		if p := recover(); p != nil {
			err = r.corrupt(-1, "", recovered(p))
		}
	}()
	if r.rr != nil {
		r.rr.Release()
	}
	for _, c := range r.int96 {
		c.close()
	}
	if r.pf != nil {
		err = r.pf.Close()
	}
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// RowCount reads only the footer of f and returns its row count, with the
// same checks and panic boundary as Open. It does not close f.
func RowCount(f storage.File, path string) (n int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &CorruptError{Path: path, RowGroup: -1, Page: -1, Err: recovered(p)}
		}
	}()
	size := f.Size()
	if size < 12 {
		return 0, corruptf(path, "%d bytes is too short for a Parquet file", size)
	}
	pf, err := file.NewParquetReader(io.NewSectionReader(f, 0, size))
	if err != nil {
		return 0, &CorruptError{Path: path, RowGroup: -1, Page: -1, Err: fmt.Errorf("open: %w", err)}
	}
	defer pf.Close()
	if _, err := checkMetadata(pf, size, path); err != nil {
		return 0, err
	}
	return pf.NumRows(), nil
}

// MissingColumns returns the names of the ReadOptions.Schema fields a
// reader from Open fills with nulls because the file lacks them.
func MissingColumns(r batch.Reader) []string {
	pr, ok := r.(*reader)
	if !ok {
		return nil
	}
	var out []string
	for i, s := range pr.src {
		if s == -1 {
			out = append(out, pr.out.Field(i).Name)
		}
	}
	return out
}
