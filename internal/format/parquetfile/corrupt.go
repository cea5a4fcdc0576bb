package parquetfile

import (
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// ErrCorrupt is wrapped by every error that says a file's bytes are not a
// valid Parquet file or disagree with themselves: errors.Is(err,
// ErrCorrupt) is what ignoreCorruptFiles tests.
var ErrCorrupt = errors.New("corrupt Parquet file")

// CorruptError locates a corruption: the file, and the row group, column
// and page where they are known (-1 / "" when not).
type CorruptError struct {
	Path     string
	RowGroup int
	Column   string
	Page     int
	Err      error
}

func (e *CorruptError) Error() string {
	var b strings.Builder
	b.WriteString("parquetfile: corrupt Parquet file ")
	if e.Path != "" {
		fmt.Fprintf(&b, "%q", e.Path)
	} else {
		b.WriteString("(unnamed)")
	}
	if e.RowGroup >= 0 {
		fmt.Fprintf(&b, ", row group %d", e.RowGroup)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %q", e.Column)
	}
	if e.Page >= 0 {
		fmt.Fprintf(&b, ", page %d", e.Page)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap gives the cause, except when the cause is (or wraps) io.EOF: a
// decoder that ran out of bytes in a truncated or damaged file must not
// look like the end of the batch stream to a caller testing
// errors.Is(err, io.EOF).
func (e *CorruptError) Unwrap() error {
	if errors.Is(e.Err, io.EOF) {
		return nil
	}
	return e.Err
}

func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// corruptf builds a CorruptError for path with no location.
func corruptf(path string, format string, args ...any) *CorruptError {
	return &CorruptError{Path: path, RowGroup: -1, Page: -1, Err: fmt.Errorf(format, args...)}
}

// recovered turns a recovered panic value into an error. Runtime errors
// other than the bounds, nil and allocation failures a corrupt input
// provokes are still errors here: the file boundary must hold.
func recovered(p any) error {
	if re, ok := p.(runtime.Error); ok {
		return fmt.Errorf("decoder panic: %w", re)
	}
	if err, ok := p.(error); ok {
		return fmt.Errorf("decoder panic: %w", err)
	}
	return fmt.Errorf("decoder panic: %v", p)
}

// checkMetadata checks the footer against itself and the file size before
// any column is read: arrow-go trusts these numbers (it allocates a
// chunk's length before reading it, and opens the first chunk of nested
// columns on goroutines of its own, out of reach of our recover). It
// returns the chunks to check page by page.
func checkMetadata(pf *file.Reader, size int64, path string) (map[int64]chunkInfo, error) {
	md := pf.MetaData()
	sc := md.Schema
	var total int64
	chunks := map[int64]chunkInfo{}
	walkPages := !md.WriterVersion().LessThan(metadata.Parquet816FixedVersion)
	for rg := 0; rg < md.NumRowGroups(); rg++ {
		rgm := md.RowGroup(rg)
		rows := rgm.NumRows()
		if rows < 0 {
			return nil, &CorruptError{Path: path, RowGroup: rg, Page: -1, Err: fmt.Errorf("negative row count %d", rows)}
		}
		total += rows
		if rgm.NumColumns() != sc.NumColumns() {
			return nil, &CorruptError{Path: path, RowGroup: rg, Page: -1, Err: fmt.Errorf("%d column chunks for %d schema columns", rgm.NumColumns(), sc.NumColumns())}
		}
		for c := 0; c < sc.NumColumns(); c++ {
			d := sc.Column(c)
			cc, err := rgm.ColumnChunk(c)
			if err != nil {
				return nil, &CorruptError{Path: path, RowGroup: rg, Column: d.Path(), Page: -1, Err: err}
			}
			bad := func(format string, args ...any) error {
				return &CorruptError{Path: path, RowGroup: rg, Column: d.Path(), Page: -1, Err: fmt.Errorf(format, args...)}
			}
			if cc.CryptoMetadata() != nil {
				continue // encrypted: arrow-go checks it while decrypting
			}
			if cc.Type() != d.PhysicalType() {
				return nil, bad("chunk type %s, schema type %s", cc.Type(), d.PhysicalType())
			}
			start := cc.DataPageOffset()
			if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
				start = cc.DictionaryPageOffset()
			}
			length := cc.TotalCompressedSize()
			if start < 4 || length < 0 || start > size || length > size-start {
				return nil, bad("chunk at offset %d, %d bytes, outside the %d-byte file", start, length, size)
			}
			if cc.TotalUncompressedSize() < 0 {
				return nil, bad("negative uncompressed size %d", cc.TotalUncompressedSize())
			}
			nv := cc.NumValues()
			if nv < 0 {
				return nil, bad("negative value count %d", nv)
			}
			// A column neither repeated nor inside a repeated field has
			// one value (maybe null) per row.
			if d.MaxRepetitionLevel() == 0 && nv != rows {
				return nil, bad("%d values in a %d-row row group", nv, rows)
			}
			if d.MaxRepetitionLevel() > 0 && nv < rows {
				return nil, bad("%d values for %d rows", nv, rows)
			}
			if _, err := compress.GetCodec(cc.Compression()); err != nil {
				return nil, bad("%v", err)
			}
			if walkPages {
				if _, dup := chunks[start]; dup {
					return nil, bad("chunk offset %d shared with another column chunk", start)
				}
				chunks[start] = chunkInfo{rowGroup: rg, column: c, name: d.Path(), length: length, numValues: nv}
			}
		}
	}
	if total != md.NumRows {
		return nil, corruptf(path, "row groups hold %d rows, footer says %d", total, md.NumRows)
	}
	return chunks, nil
}

// bounds is the range the footer statistics give a top-level numeric
// column over all row groups; decoded values outside it mean the data or
// the statistics are corrupt.
type bounds struct {
	name       string
	isFloat    bool
	minI, maxI int64
	minF, maxF float64
	nulls      int64 // sum of the row groups' null counts, -1 if unknown
	seenNulls  int64
}

// columnBounds returns the bounds of leaf column col when every row group
// has min/max statistics for it and its type orders as signed numbers.
func columnBounds(pf *file.Reader, col int) *bounds {
	md := pf.MetaData()
	d := md.Schema.Column(col)
	if d.MaxRepetitionLevel() > 0 || d.SortOrder() != schema.SortSIGNED {
		return nil
	}
	switch d.PhysicalType() {
	case parquet.Types.Int32, parquet.Types.Int64, parquet.Types.Float, parquet.Types.Double:
	default:
		return nil
	}
	if lt := d.LogicalType(); lt != nil {
		if _, ok := lt.(schema.DecimalLogicalType); ok {
			return nil
		}
	}
	b := &bounds{name: d.Path(), minI: math.MaxInt64, maxI: math.MinInt64, minF: math.Inf(1), maxF: math.Inf(-1)}
	for rg := 0; rg < md.NumRowGroups(); rg++ {
		rgm := md.RowGroup(rg)
		if rgm.NumRows() == 0 {
			continue
		}
		cc, err := rgm.ColumnChunk(col)
		if err != nil {
			return nil
		}
		if ok, err := cc.StatsSet(); !ok || err != nil {
			return nil
		}
		st, err := cc.Statistics()
		if err != nil || st == nil {
			return nil
		}
		if st.HasNullCount() && b.nulls >= 0 {
			b.nulls += st.NullCount()
		} else {
			b.nulls = -1
		}
		if !st.HasMinMax() {
			if st.HasNullCount() && st.NullCount() == rgm.NumRows() {
				continue // all null: no min/max to give
			}
			return nil
		}
		switch s := st.(type) {
		case *metadata.Int32Statistics:
			b.minI, b.maxI = min(b.minI, int64(s.Min())), max(b.maxI, int64(s.Max()))
		case *metadata.Int64Statistics:
			b.minI, b.maxI = min(b.minI, s.Min()), max(b.maxI, s.Max())
		case *metadata.Float32Statistics:
			b.isFloat = true
			b.minF, b.maxF = math.Min(b.minF, float64(s.Min())), math.Max(b.maxF, float64(s.Max()))
		case *metadata.Float64Statistics:
			b.isFloat = true
			b.minF, b.maxF = math.Min(b.minF, s.Min()), math.Max(b.maxF, s.Max())
		default:
			return nil
		}
	}
	return b
}

// check returns the index of the first value of arr outside the bounds,
// or -1. NaN is never outside: Parquet statistics leave it out.
func (b *bounds) check(arr arrow.Array) (int, string) {
	b.seenNulls += int64(arr.NullN())
	hasNulls := arr.NullN() > 0
	outI := func(v int64) bool { return v < b.minI || v > b.maxI }
	outF := func(v float64) bool { return v < b.minF || v > b.maxF }
	switch a := arr.(type) {
	case *array.Int8:
		for i, v := range a.Int8Values() {
			if (!hasNulls || a.IsValid(i)) && outI(int64(v)) {
				return i, fmt.Sprint(v)
			}
		}
	case *array.Int16:
		for i, v := range a.Int16Values() {
			if (!hasNulls || a.IsValid(i)) && outI(int64(v)) {
				return i, fmt.Sprint(v)
			}
		}
	case *array.Int32:
		for i, v := range a.Int32Values() {
			if (!hasNulls || a.IsValid(i)) && outI(int64(v)) {
				return i, fmt.Sprint(v)
			}
		}
	case *array.Int64:
		for i, v := range a.Int64Values() {
			if (!hasNulls || a.IsValid(i)) && outI(v) {
				return i, fmt.Sprint(v)
			}
		}
	case *array.Date32:
		for i, v := range a.Date32Values() {
			if (!hasNulls || a.IsValid(i)) && outI(int64(v)) {
				return i, fmt.Sprint(v)
			}
		}
	case *array.Timestamp:
		for i, v := range a.TimestampValues() {
			if (!hasNulls || a.IsValid(i)) && outI(int64(v)) {
				return i, fmt.Sprint(int64(v))
			}
		}
	case *array.Float32:
		for i, v := range a.Float32Values() {
			if (!hasNulls || a.IsValid(i)) && outF(float64(v)) {
				return i, fmt.Sprint(v)
			}
		}
	case *array.Float64:
		for i, v := range a.Float64Values() {
			if (!hasNulls || a.IsValid(i)) && outF(v) {
				return i, fmt.Sprint(v)
			}
		}
	}
	return -1, ""
}

func (b *bounds) String() string {
	if b.isFloat {
		return fmt.Sprintf("[%v, %v]", b.minF, b.maxF)
	}
	return fmt.Sprintf("[%d, %d]", b.minI, b.maxI)
}
