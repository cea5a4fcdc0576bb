package dml

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// Hidden columns the target scan adds after the table's columns. fileCol
// is the index of the row's file in the statement's candidate list;
// rowCol identifies the row across the whole statement as
// fileIndex<<32 | position in file, stable between the passes of one
// statement (both read the same files in the same way).
const (
	fileCol  = "__ingot_dml_file"
	rowCol   = "__ingot_dml_row"
	matchCol = "__ingot_dml_match"
	srcCol   = "__ingot_dml_src"
	actCol   = "__ingot_dml_action"
)

// filesSource scans chosen files of the target, each tagged with its
// index in the statement's candidate list.
type filesSource struct {
	table  *delta.Table
	schema types.StructType // table schema
	parts  []string
	files  []delta.AddFile
	index  []int // candidate index of files[i]
	label  string
	// matched marks, per candidate index, the row positions the first
	// pass of DELETE/UPDATE found (a bitset); the matchCol column reads
	// it, so the second pass does not evaluate the condition again.
	matched map[int][]uint64
}

// numHidden is how many hidden columns follow the table's.
const numHidden = 3

var _ plan.Source = (*filesSource)(nil)

func (s *filesSource) Name() string { return s.label }

func (s *filesSource) Schema() types.StructType {
	out := types.StructType{Fields: append([]types.StructField(nil), s.schema.Fields...)}
	out.Fields = append(out.Fields,
		types.StructField{Name: fileCol, Type: types.Long, Nullable: false},
		types.StructField{Name: rowCol, Type: types.Long, Nullable: false},
		types.StructField{Name: matchCol, Type: types.Boolean, Nullable: false})
	return out
}

func (s *filesSource) Scan(ctx context.Context, req plan.ScanRequest) (batch.Reader, error) {
	cols := req.Columns
	if cols == nil {
		for i := 0; i < len(s.schema.Fields)+numHidden; i++ {
			cols = append(cols, i)
		}
	}
	full := s.Schema()
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		f := full.Fields[c]
		fields[i] = arrow.Field{Name: f.Name, Type: types.ToArrow(f.Type), Nullable: f.Nullable}
	}
	// The reader yields table columns in table order; pos maps each
	// requested table column to its position there.
	want := map[int]bool{}
	for _, c := range cols {
		if c < len(s.schema.Fields) {
			want[c] = true
		}
	}
	var names []string
	pos := map[int]int{}
	for i := range s.schema.Fields {
		if want[i] {
			pos[i] = len(names)
			names = append(names, s.schema.Fields[i].Name)
		}
	}
	if len(names) == 0 {
		// Only hidden columns wanted: read one column for the row counts.
		names = []string{s.schema.Fields[0].Name}
	}
	return &filesReader{src: s, out: arrow.NewSchema(fields, nil), cols: cols, pos: pos, names: names}, nil
}

type filesReader struct {
	src   *filesSource
	out   *arrow.Schema
	cols  []int
	pos   map[int]int
	names []string
	next  int // next file to open
	cur   batch.Reader
	file  int   // candidate index of the open file
	row   int64 // next position within the open file
}

func (r *filesReader) Schema() *arrow.Schema { return r.out }

func (r *filesReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if r.cur == nil {
			if r.next >= len(r.src.files) {
				return nil, io.EOF
			}
			f := r.src.files[r.next]
			rd, err := r.src.table.ReadFiles(ctx, r.src.schema, r.src.parts, []delta.AddFile{f}, r.names)
			if err != nil {
				return nil, fmt.Errorf("dml: read %s: %w", f.Path, err)
			}
			r.cur, r.file, r.row = rd, r.src.index[r.next], 0
			r.next++
		}
		rec, err := r.cur.Next(ctx)
		if errors.Is(err, io.EOF) {
			err = r.cur.Close()
			r.cur = nil
			if err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		out := r.assemble(rec)
		rec.Release()
		return out, nil
	}
}

// assemble puts the file's columns in the requested order and adds the
// hidden file and row columns.
func (r *filesReader) assemble(rec arrow.RecordBatch) arrow.RecordBatch {
	n := int(rec.NumRows())
	ntab := len(r.src.schema.Fields)
	var fileArr, rowArr, matchArr arrow.Array
	cols := make([]arrow.Array, len(r.cols))
	for i, c := range r.cols {
		switch {
		case c < ntab:
			cols[i] = rec.Column(r.pos[c])
			cols[i].Retain()
		case c == ntab:
			if fileArr == nil {
				fileArr = constInt64(int64(r.file), n)
			}
			fileArr.Retain()
			cols[i] = fileArr
		case c == ntab+2:
			if matchArr == nil {
				matchArr = r.matches(n)
			}
			matchArr.Retain()
			cols[i] = matchArr
		default:
			if rowArr == nil {
				b := array.NewInt64Builder(memory.DefaultAllocator)
				b.Resize(n)
				base := int64(r.file)<<32 | r.row
				for k := 0; k < n; k++ {
					b.UnsafeAppend(base + int64(k))
				}
				rowArr = b.NewArray()
				b.Release()
			}
			rowArr.Retain()
			cols[i] = rowArr
		}
	}
	r.row += int64(n)
	out := array.NewRecordBatch(r.out, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	if fileArr != nil {
		fileArr.Release()
	}
	if rowArr != nil {
		rowArr.Release()
	}
	if matchArr != nil {
		matchArr.Release()
	}
	return out
}

// matches reads the open file's match bits for the next n rows.
func (r *filesReader) matches(n int) arrow.Array {
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Resize(n)
	bits := r.src.matched[r.file]
	for k := 0; k < n; k++ {
		p := r.row + int64(k)
		w := int(p >> 6)
		b.UnsafeAppend(w < len(bits) && bits[w]&(1<<(uint(p)&63)) != 0)
	}
	return b.NewArray()
}

func (r *filesReader) Close() error {
	if r.cur != nil {
		err := r.cur.Close()
		r.cur = nil
		return err
	}
	return nil
}

func constInt64(v int64, n int) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Resize(n)
	for k := 0; k < n; k++ {
		b.UnsafeAppend(v)
	}
	return b.NewArray()
}
