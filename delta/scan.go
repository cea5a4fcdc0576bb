package delta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
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
	// Filter, when set, skips files that cannot hold a matching row, judged
	// from partition values and the min/max/nullCount statistics of the
	// log (see Predicate). It does not filter rows: files it keeps are
	// returned whole, so callers still apply their predicate.
	Filter *Predicate
	// TimeZone interprets TIMESTAMP partition values written without a
	// zone ("2021-09-08 11:11:11", the pre-ISO form Spark wrote in its
	// session time zone), as spark.sql.session.timeZone does. Default UTC.
	TimeZone *time.Location
	// BatchSize is the maximum rows per batch (default 64Ki).
	BatchSize int64
	// Allocator for the batches (default memory.DefaultAllocator).
	Allocator memory.Allocator
	// IgnoreCorruptFiles (Spark's spark.sql.files.ignoreCorruptFiles and
	// the ignoreCorruptFiles reader option) skips a data file that turns
	// out corrupt (parquetfile.ErrCorrupt, ErrCorruptDeletionVector, a row
	// count other than the log's numRecords) instead of failing the scan:
	// rows it already returned stay returned, the rest of it is dropped,
	// and a warning is logged and passed to OnCorruptFile.
	IgnoreCorruptFiles bool
	// OnCorruptFile, if set, is told of each file IgnoreCorruptFiles skips.
	OnCorruptFile func(path string, err error)
}

// Scan reads every live file of the snapshot (skipping those opts.Filter
// rules out), with deletion vectors applied and column mapping resolved:
// batches carry the logical column names.
func (s *Snapshot) Scan(ctx context.Context, opts ScanOptions) (batch.Reader, error) {
	files := s.files
	if opts.Filter != nil {
		var err error
		if files, err = s.SkipFiles(*opts.Filter); err != nil {
			return nil, err
		}
	}
	tasks := make([]scanTask, len(files))
	for i := range files {
		tasks[i] = scanTask{path: files[i].Path, partitionValues: files[i].PartitionValues, dv: files[i].DeletionVector}.withNumRecords(files[i])
	}
	r, err := s.table.newScan(s.schema, s.metadata.PartitionColumns, s.columnMappingMode(), opts.Columns, nil, opts)
	if err != nil {
		return nil, err
	}
	r.tasks = tasks
	return r, nil
}

// ReadFiles reads the chosen files of a table whose schema and partition
// columns are given (from a snapshot's metadata), yielding columns in
// schema order with partition columns materialized from each file's
// partition values and deletion vectors applied. columns projects (nil:
// all). The streaming source uses it to read the files a new commit added.
// Column-mapped schemas are resolved by physical name.
func (t *Table) ReadFiles(ctx context.Context, schema types.StructType, partitionCols []string, files []AddFile, columns []string) (batch.Reader, error) {
	mode := ""
	if hasPhysicalNames(schema) {
		mode = "name"
	}
	r, err := t.newScan(schema, partitionCols, mode, columns, nil, ScanOptions{})
	if err != nil {
		return nil, err
	}
	for i := range files {
		r.tasks = append(r.tasks, scanTask{path: files[i].Path, partitionValues: files[i].PartitionValues, dv: files[i].DeletionVector}.withNumRecords(files[i]))
	}
	return r, nil
}

// scanTask is one data file to read.
type scanTask struct {
	path            string
	partitionValues map[string]*string
	// dv lists rows to drop; keep, when set, instead lists the only rows
	// to return (change data feed uses it for rows a new DV deleted).
	dv   *DeletionVector
	keep *rowSet
	// consts are the values of the reader's constant columns, in order.
	consts []scalar.Scalar
	// stats is the add action's stats JSON, which the scan checks the
	// file against when it opens it (parsed then, not for every file up
	// front).
	stats string
}

// withNumRecords keeps f's stats for the task's checks.
func (t scanTask) withNumRecords(f AddFile) scanTask {
	t.stats = f.Stats
	return t
}

// checkAgainstStats compares an opened file with what the log's stats say
// of it: its row count must be numRecords, and a column the file lacks
// (read as nulls) must not have non-null values by the stats' nullCount.
func (task *scanTask) checkAgainstStats(pr batch.Reader) error {
	if task.stats == "" {
		return nil
	}
	st := parseFileStats(task.stats)
	if st.NumRecords == nil || *st.NumRecords < 0 {
		return nil
	}
	n, ok := parquetfile.NumRows(pr)
	if !ok {
		return nil
	}
	if n != *st.NumRecords {
		return fmt.Errorf("%w: the file has %d rows, numRecords is %d", ErrRowCountMismatch, n, *st.NumRecords)
	}
	for _, c := range parquetfile.MissingColumns(pr) {
		var nulls int64
		raw, ok := st.NullCount[c]
		if !ok || json.Unmarshal(raw, &nulls) != nil {
			continue
		}
		if nulls < n {
			return fmt.Errorf("%w: column %q is not in the file, but the log's stats count %d non-null values in it", ErrRowCountMismatch, c, n-nulls)
		}
	}
	return nil
}

// ErrRowCountMismatch: a data file does not match the log's stats of it
// (another row count than numRecords, a column with values missing); the
// file or the log is corrupt.
var ErrRowCountMismatch = errors.New("delta: data file does not match the log's stats")

// scanCol is one output column: a data column of the file, a partition
// column, or a per-task constant.
type scanCol struct {
	partition string // physical partition key, non-empty for a partition column
	typ       types.DataType
	dataIdx   int
	constIdx  int // >= 0 for a constant column
	logical   arrow.DataType
}

// constCol describes a trailing constant column (CDF metadata).
type constCol struct {
	name string
	typ  arrow.DataType
}

// newScan plans a reader over schema with the given projection, plus extra
// data columns read from the files as they are (extraData) and constant
// columns; tasks are set by the caller.
func (t *Table) newScan(schema types.StructType, partitionCols []string, mode string, columns []string, extraData []arrow.Field, opts ScanOptions, consts ...constCol) (*scanReader, error) {
	mem := opts.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	loc := opts.TimeZone
	if loc == nil {
		loc = time.UTC
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
	r := &scanReader{t: t, batchSize: opts.BatchSize, mem: mem, loc: loc, fieldIDs: mode == "id", ignoreCorrupt: opts.IgnoreCorruptFiles, onCorrupt: opts.OnCorruptFile}
	var outFields, dataFields []arrow.Field
	for i, f := range schema.Fields {
		if !want[i] {
			continue
		}
		// A file may hold NULLs a non-nullable column never should, but
		// Arrow consumers trust the flag less than the bitmap; keep it
		// nullable so a corrupt file cannot produce an invalid batch.
		af := arrow.Field{Name: f.Name, Type: types.ToArrow(f.Type), Nullable: true}
		outFields = append(outFields, af)
		if isPart[strings.ToLower(f.Name)] {
			key := f.Name
			if mode != "" {
				key = physicalName(f)
			}
			r.cols = append(r.cols, scanCol{partition: key, typ: f.Type, constIdx: -1})
			continue
		}
		r.cols = append(r.cols, scanCol{dataIdx: len(dataFields), constIdx: -1, logical: af.Type})
		if mode != "" {
			dataFields = append(dataFields, physicalArrowField(f))
		} else {
			dataFields = append(dataFields, af)
		}
	}
	for _, f := range extraData {
		r.cols = append(r.cols, scanCol{dataIdx: len(dataFields), constIdx: -1, logical: f.Type})
		outFields = append(outFields, f)
		dataFields = append(dataFields, f)
	}
	for i, c := range consts {
		r.cols = append(r.cols, scanCol{constIdx: i})
		outFields = append(outFields, arrow.Field{Name: c.name, Type: c.typ, Nullable: true})
	}
	r.out = arrow.NewSchema(outFields, nil)
	r.data = arrow.NewSchema(dataFields, nil)
	return r, nil
}

// scanReader streams the files one after another, opening each lazily so
// only one file's reader is alive at a time.
type scanReader struct {
	t         *Table
	tasks     []scanTask
	next      int
	cur       batch.Reader
	curParts  []scalar.Scalar // per output column, for partition columns
	curDel    *rowSet         // rows of the current file to drop
	curKeep   *rowSet         // if non-nil, the only rows to keep
	curRow    uint64          // index in the current file of the next row read
	out, data *arrow.Schema
	cols      []scanCol
	batchSize int64
	mem       memory.Allocator
	loc       *time.Location
	fieldIDs  bool
	// ignoreCorrupt and onCorrupt are ScanOptions.IgnoreCorruptFiles and
	// OnCorruptFile.
	ignoreCorrupt bool
	onCorrupt     func(path string, err error)
}

func (r *scanReader) Schema() *arrow.Schema { return r.out }

func (r *scanReader) openNext(ctx context.Context) error {
	task := &r.tasks[r.next]
	r.next++
	key, err := decodePath(task.path, r.t.store.URL())
	if err != nil {
		return err
	}
	r.curParts = make([]scalar.Scalar, len(r.cols))
	for i, c := range r.cols {
		if c.partition == "" {
			continue
		}
		v, ok := task.partitionValues[c.partition]
		if !ok {
			for k, pv := range task.partitionValues {
				if strings.EqualFold(k, c.partition) {
					v = pv
				}
			}
		}
		sc, err := partitionScalarIn(v, c.typ, r.loc)
		if err != nil {
			return fmt.Errorf("delta: scan %s: %w", task.path, err)
		}
		r.curParts[i] = sc
	}
	r.curDel, r.curKeep, r.curRow = nil, task.keep, 0
	if task.dv != nil && task.keep == nil {
		if r.curDel, err = task.dv.load(ctx, r.t.store); err != nil {
			return fmt.Errorf("delta: scan %s: %w", task.path, err)
		}
	}
	file, err := r.t.store.Open(ctx, key)
	if err != nil {
		return fmt.Errorf("delta: scan: open %s: %w", task.path, err)
	}
	pr, err := parquetfile.Open(ctx, file, parquetfile.ReadOptions{Path: task.path, Schema: r.data, FieldIDs: r.fieldIDs, BatchSize: r.batchSize, Allocator: r.mem})
	if err != nil {
		return fmt.Errorf("delta: scan %s: %w", task.path, err)
	}
	if err := task.checkAgainstStats(pr); err != nil {
		pr.Close()
		return fmt.Errorf("delta: scan %s: %w", task.path, err)
	}
	r.cur = pr
	return nil
}

// corruptFile reports whether err is a data file's corruption that
// IgnoreCorruptFiles skips.
func corruptFile(err error) bool {
	return errors.Is(err, parquetfile.ErrCorrupt) || errors.Is(err, ErrCorruptDeletionVector) || errors.Is(err, ErrRowCountMismatch)
}

// skipCorrupt decides, for an error reading the current task's file,
// whether to skip the file (IgnoreCorruptFiles) and go on.
func (r *scanReader) skipCorrupt(err error) bool {
	if !r.ignoreCorrupt || !corruptFile(err) {
		return false
	}
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
	path := r.tasks[r.next-1].path
	slog.Warn("delta: skipping corrupt file (ignoreCorruptFiles)", "file", path, "error", err)
	if r.onCorrupt != nil {
		r.onCorrupt(path, err)
	}
	return true
}

func (r *scanReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if r.cur == nil {
			if r.next >= len(r.tasks) {
				return nil, io.EOF
			}
			if err := r.openNext(ctx); err != nil {
				if r.skipCorrupt(err) {
					continue
				}
				return nil, err
			}
		}
		rec, err := r.cur.Next(ctx)
		if errors.Is(err, io.EOF) {
			cerr := r.cur.Close()
			r.cur = nil
			if cerr != nil {
				return nil, fmt.Errorf("delta: scan: close %s: %w", r.tasks[r.next-1].path, cerr)
			}
			continue
		}
		if err != nil {
			err = fmt.Errorf("delta: scan %s: %w", r.tasks[r.next-1].path, err)
			if r.skipCorrupt(err) {
				continue
			}
			return nil, err
		}
		if rec.NumRows() == 0 {
			rec.Release()
			continue
		}
		out, err := r.assemble(rec)
		rec.Release()
		if err != nil {
			return nil, err
		}
		out, err = r.selectRows(ctx, out)
		if err != nil {
			return nil, err
		}
		if out.NumRows() == 0 {
			out.Release()
			continue
		}
		return out, nil
	}
}

// selectRows drops the rows a deletion vector deletes (or keeps only the
// rows of curKeep), using the position of each row in its file. Batches
// without deleted rows pass through untouched.
func (r *scanReader) selectRows(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	n := int(rec.NumRows())
	base := r.curRow
	r.curRow += uint64(n)
	if r.curDel == nil && r.curKeep == nil {
		return rec, nil
	}
	buf := memory.NewResizableBuffer(r.mem)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	bits := buf.Bytes()
	clear(bits)
	kept := 0
	for i := range n {
		row := base + uint64(i)
		var keep bool
		if r.curKeep != nil {
			keep = r.curKeep.contains(row)
		} else {
			keep = !r.curDel.contains(row)
		}
		if keep {
			bitutil.SetBit(bits, i)
			kept++
		}
	}
	if kept == n {
		buf.Release()
		return rec, nil
	}
	d := array.NewData(arrow.FixedWidthTypes.Boolean, n, []*memory.Buffer{nil, buf}, nil, 0, 0)
	mask := array.NewBooleanData(d)
	d.Release()
	buf.Release()
	defer mask.Release()
	defer rec.Release()
	out, err := compute.FilterRecordBatch(compute.WithAllocator(ctx, r.mem), rec, mask, compute.DefaultFilterOptions())
	if err != nil {
		return nil, fmt.Errorf("delta: scan %s: apply deletion vector: %w", r.tasks[r.next-1].path, err)
	}
	return out, nil
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
	task := &r.tasks[r.next-1]
	for i, c := range r.cols {
		switch {
		case c.constIdx >= 0:
			a, err := scalar.MakeArrayFromScalar(task.consts[c.constIdx], n, r.mem)
			if err != nil {
				return nil, fmt.Errorf("delta: scan: column %q: %w", r.out.Field(i).Name, err)
			}
			cols[i] = a
		case c.partition == "":
			cols[i] = relabel(rec.Column(c.dataIdx), c.logical)
		default:
			a, err := scalar.MakeArrayFromScalar(r.curParts[i], n, r.mem)
			if err != nil {
				return nil, fmt.Errorf("delta: scan: partition column %q: %w", c.partition, err)
			}
			cols[i] = a
		}
	}
	return array.NewRecordBatch(r.out, cols, int64(n)), nil
}

func (r *scanReader) Close() error {
	r.next = len(r.tasks)
	if r.cur != nil {
		err := r.cur.Close()
		r.cur = nil
		return err
	}
	return nil
}

// multiReader concatenates readers with the same schema, opening none
// ahead of time (they are lazy already) and closing each when drained.
type multiReader struct {
	schema  *arrow.Schema
	readers []batch.Reader
}

func (m *multiReader) Schema() *arrow.Schema { return m.schema }

func (m *multiReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for len(m.readers) > 0 {
		rec, err := m.readers[0].Next(ctx)
		if errors.Is(err, io.EOF) {
			if cerr := m.readers[0].Close(); cerr != nil {
				return nil, cerr
			}
			m.readers = m.readers[1:]
			continue
		}
		return rec, err
	}
	return nil, io.EOF
}

func (m *multiReader) Close() error {
	var first error
	for _, r := range m.readers {
		if err := r.Close(); err != nil && first == nil {
			first = err
		}
	}
	m.readers = nil
	return first
}
