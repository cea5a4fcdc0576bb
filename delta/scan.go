package delta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/parquetfile"
	"github.com/ingotdata/ingot/types"
)

// ScanOptions selects what a scan returns.
type ScanOptions struct {
	// Columns projects columns by name (case-insensitive); nil means all.
	// Output order is always the table schema's order.
	Columns []string
	// BatchSize is the maximum rows per batch (default 64Ki).
	BatchSize int64
	// Allocator for the batches (default memory.DefaultAllocator).
	Allocator memory.Allocator
}

// Scan reads every live file of the snapshot.
func (s *Snapshot) Scan(ctx context.Context, opts ScanOptions) (batch.Reader, error) {
	return s.table.readFiles(ctx, s.schema, s.metadata.PartitionColumns, s.files, opts.Columns, opts.BatchSize, opts.Allocator)
}

// ReadFiles reads the chosen files of a table whose schema and partition
// columns are given (from a snapshot's metadata), yielding columns in
// schema order with partition columns materialized from each file's
// partition values. columns projects (nil: all). The streaming source uses
// it to read the files a new commit added.
func (t *Table) ReadFiles(ctx context.Context, schema types.StructType, partitionCols []string, files []AddFile, columns []string) (batch.Reader, error) {
	return t.readFiles(ctx, schema, partitionCols, files, columns, 0, nil)
}

func (t *Table) readFiles(ctx context.Context, schema types.StructType, partitionCols []string, files []AddFile, columns []string, batchSize int64, mem memory.Allocator) (batch.Reader, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	want := make([]bool, len(schema.Fields))
	if columns == nil {
		for i := range want {
			want[i] = true
		}
	}
	for _, c := range columns {
		i := schema.FieldIndex(c)
		if i < 0 {
			return nil, fmt.Errorf("delta: scan: column %q not in table schema (%s): %w", c, strings.Join(schema.Names(), ", "), ErrSchemaMismatch)
		}
		want[i] = true
	}
	isPart := map[string]bool{}
	for _, p := range partitionCols {
		isPart[strings.ToLower(p)] = true
	}
	r := &scanReader{t: t, files: files, batchSize: batchSize, mem: mem}
	var outFields, dataFields []arrow.Field
	for i, f := range schema.Fields {
		if !want[i] {
			continue
		}
		af := arrow.Field{Name: f.Name, Type: types.ToArrow(f.Type), Nullable: f.Nullable}
		// A file may hold NULLs a non-nullable column never should, but
		// Arrow consumers trust the flag less than the bitmap; keep it
		// nullable so a corrupt file cannot produce an invalid batch.
		af.Nullable = true
		outFields = append(outFields, af)
		if isPart[strings.ToLower(f.Name)] {
			r.cols = append(r.cols, scanCol{partition: f.Name, typ: f.Type})
		} else {
			r.cols = append(r.cols, scanCol{dataIdx: len(dataFields)})
			dataFields = append(dataFields, af)
		}
	}
	r.out = arrow.NewSchema(outFields, nil)
	r.data = arrow.NewSchema(dataFields, nil)
	for i := range files {
		if files[i].DeletionVector != nil {
			return nil, fmt.Errorf("delta: scan: file %s has a deletion vector: %w: deletionVectors", files[i].Path, ErrUnsupportedFeature)
		}
	}
	return r, nil
}

type scanCol struct {
	partition string // non-empty for a partition column
	typ       types.DataType
	dataIdx   int
}

// scanReader streams the files one after another, opening each lazily so
// only one file's reader is alive at a time.
type scanReader struct {
	t         *Table
	files     []AddFile
	next      int
	cur       batch.Reader
	curParts  []scalar.Scalar // per output column, for partition columns
	out, data *arrow.Schema
	cols      []scanCol
	batchSize int64
	mem       memory.Allocator
}

func (r *scanReader) Schema() *arrow.Schema { return r.out }

func (r *scanReader) openNext(ctx context.Context) error {
	f := r.files[r.next]
	r.next++
	key, err := decodePath(f.Path, r.t.store.URL())
	if err != nil {
		return err
	}
	r.curParts = make([]scalar.Scalar, len(r.cols))
	for i, c := range r.cols {
		if c.partition == "" {
			continue
		}
		v, ok := f.PartitionValues[c.partition]
		if !ok {
			for k, pv := range f.PartitionValues {
				if strings.EqualFold(k, c.partition) {
					v, ok = pv, true
				}
			}
		}
		sc, err := partitionScalar(v, c.typ)
		if err != nil {
			return fmt.Errorf("delta: scan %s: %w", f.Path, err)
		}
		r.curParts[i] = sc
	}
	file, err := r.t.store.Open(ctx, key)
	if err != nil {
		return fmt.Errorf("delta: scan: open %s: %w", f.Path, err)
	}
	pr, err := parquetfile.Open(ctx, file, parquetfile.ReadOptions{Schema: r.data, BatchSize: r.batchSize, Allocator: r.mem})
	if err != nil {
		return fmt.Errorf("delta: scan %s: %w", f.Path, err)
	}
	r.cur = pr
	return nil
}

func (r *scanReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if r.cur == nil {
			if r.next >= len(r.files) {
				return nil, io.EOF
			}
			if err := r.openNext(ctx); err != nil {
				return nil, err
			}
		}
		rec, err := r.cur.Next(ctx)
		if errors.Is(err, io.EOF) {
			cerr := r.cur.Close()
			r.cur = nil
			if cerr != nil {
				return nil, fmt.Errorf("delta: scan: close %s: %w", r.files[r.next-1].Path, cerr)
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("delta: scan %s: %w", r.files[r.next-1].Path, err)
		}
		if rec.NumRows() == 0 {
			rec.Release()
			continue
		}
		out, err := r.assemble(rec)
		rec.Release()
		return out, err
	}
}

func (r *scanReader) assemble(rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	n := int(rec.NumRows())
	cols := make([]arrow.Array, len(r.cols))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, c := range r.cols {
		if c.partition == "" {
			cols[i] = rec.Column(c.dataIdx)
			cols[i].Retain()
			continue
		}
		a, err := scalar.MakeArrayFromScalar(r.curParts[i], n, r.mem)
		if err != nil {
			return nil, fmt.Errorf("delta: scan: partition column %q: %w", c.partition, err)
		}
		cols[i] = a
	}
	return array.NewRecordBatch(r.out, cols, int64(n)), nil
}

func (r *scanReader) Close() error {
	if r.cur != nil {
		err := r.cur.Close()
		r.cur = nil
		return err
	}
	r.next = len(r.files)
	return nil
}
