package parquetfile

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
)

var tsUTC = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
var tsNTZ = &arrow.TimestampType{Unit: arrow.Microsecond}

func testSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
		{Name: "ts", Type: tsUTC, Nullable: true},
		{Name: "ntz", Type: tsNTZ, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "st", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Float64, Nullable: true}), Nullable: true},
	}, nil)
}

func buildBatch(mem memory.Allocator) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, testSchema())
	defer b.Release()
	b.Field(0).(*array.Int32Builder).AppendValues([]int32{5, -2, 0}, []bool{true, true, false})
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"pear", "apple", "zebra"}, nil)
	b.Field(2).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(1050), decimal128.FromI64(-3), decimal128.FromI64(7)}, nil)
	b.Field(3).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1_000_000, 2_000_123, 3}, nil)
	b.Field(4).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{10, 20, 30}, nil)
	b.Field(5).(*array.BooleanBuilder).AppendValues([]bool{true, false, true}, nil)
	sb := b.Field(6).(*array.StructBuilder)
	sb.AppendValues([]bool{true, false, true})
	sb.FieldBuilder(0).(*array.Float64Builder).AppendValues([]float64{1.5, 0, 2.5}, []bool{true, false, false})
	return b.NewRecordBatch()
}

type memFile struct{ *bytes.Reader }

func (memFile) Close() error { return nil }

var _ storage.File = memFile{}

func TestRoundTripAndStats(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	rec := buildBatch(mem)
	var buf bytes.Buffer
	st, err := WriteBatches(ctx, &buf, rec.Schema(), []arrow.RecordBatch{rec}, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.NumRecords != 3 || st.Size != int64(buf.Len()) {
		t.Fatalf("stats rows %d size %d (buf %d)", st.NumRecords, st.Size, buf.Len())
	}
	for _, tc := range []struct {
		col          int
		nulls        int64
		min, max     any
		hasMinMax    bool
		childNulls   int64
		childHasMinM bool
	}{
		{col: 0, nulls: 1, min: int64(-2), max: int64(5), hasMinMax: true},
		{col: 1, nulls: 0, min: "apple", max: "zebra", hasMinMax: true},
		{col: 2, nulls: 0, min: decimal128.FromI64(-3), max: decimal128.FromI64(1050), hasMinMax: true},
		{col: 3, nulls: 0, min: int64(3), max: int64(2_000_123), hasMinMax: true},
		{col: 5, nulls: 0, hasMinMax: false},
	} {
		c := st.Columns[tc.col]
		if c.NullCount != tc.nulls || c.HasMinMax != tc.hasMinMax || (tc.hasMinMax && (c.Min != tc.min || c.Max != tc.max)) {
			t.Errorf("column %s: got nulls %d minmax %v %v..%v", c.Name, c.NullCount, c.HasMinMax, c.Min, c.Max)
		}
	}
	// A null struct row counts as a null of its leaves.
	if x := st.Columns[6].Children[0]; x.NullCount != 2 || x.Min != 1.5 || x.Max != 1.5 {
		t.Errorf("nested leaf stats: %+v", x)
	}
	// The file's own metadata: timestamps INT64 micros, UTC-adjusted only
	// for the zoned column; no dictionary pages.
	pf, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sc := pf.MetaData().Schema
	if got := sc.Column(3).LogicalType().String(); got != `Timestamp(isAdjustedToUTC=true, timeUnit=microseconds, is_from_converted_type=false, force_set_converted_type=false)` {
		t.Errorf("ts logical type %s", got)
	}
	if got := sc.Column(4).LogicalType().String(); got != `Timestamp(isAdjustedToUTC=false, timeUnit=microseconds, is_from_converted_type=false, force_set_converted_type=false)` {
		t.Errorf("ntz logical type %s", got)
	}
	if cc, err := pf.MetaData().RowGroup(0).ColumnChunk(1); err != nil || cc.HasDictionaryPage() {
		t.Errorf("dictionary encoding on by default (%v)", err)
	}
	pf.Close()

	r, err := Open(ctx, memFile{bytes.NewReader(buf.Bytes())}, ReadOptions{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	got, err := batch.ReadAll(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Release(got)
	if len(got) != 1 || !got[0].Schema().Equal(rec.Schema()) || !array.RecordEqual(got[0], rec) {
		t.Fatalf("round trip differs:\n got %v\nwant %v", got, rec)
	}
	rec.Release()
}

func TestProjectionAndMissing(t *testing.T) {
	ctx := context.Background()
	rec := buildBatch(memory.DefaultAllocator)
	defer rec.Release()
	var buf bytes.Buffer
	if _, err := WriteBatches(ctx, &buf, rec.Schema(), []arrow.RecordBatch{rec}, WriteOptions{Compression: "zstd"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		opts    ReadOptions
		want    string
		wantErr error
	}{
		{"columns", ReadOptions{Columns: []string{"S", "i"}}, "s,i", nil},
		{"missing column", ReadOptions{Columns: []string{"nope"}}, "", ErrMissingColumn},
		{"schema fills nulls", ReadOptions{Schema: arrow.NewSchema([]arrow.Field{{Name: "new", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)}, "new,i", nil},
		{"no columns", ReadOptions{Schema: arrow.NewSchema(nil, nil)}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(ctx, memFile{bytes.NewReader(buf.Bytes())}, tc.opts)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			defer r.Close()
			b, err := r.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Release()
			var names []string
			for _, f := range b.Schema().Fields() {
				names = append(names, f.Name)
			}
			if got := join(names); got != tc.want || b.NumRows() != 3 {
				t.Fatalf("columns %q rows %d", got, b.NumRows())
			}
			if _, err := r.Next(ctx); !errors.Is(err, io.EOF) {
				t.Fatalf("second Next: %v", err)
			}
		})
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

func TestInt96Micros(t *testing.T) {
	mk := func(day uint32, nanos uint64) parquet.Int96 {
		var v parquet.Int96
		binary.LittleEndian.PutUint64(v[:8], nanos)
		binary.LittleEndian.PutUint32(v[8:], day)
		return v
	}
	for _, tc := range []struct {
		name string
		in   parquet.Int96
		want string
	}{
		{"epoch", mk(2440588, 0), "1970-01-01T00:00:00Z"},
		{"sub-microsecond truncated", mk(2440588, 1_500), "1970-01-01T00:00:00.000001Z"},
		{"year 9999 beyond nanosecond range", mk(5373484, 0), "9999-12-31T00:00:00Z"},
		{"year 1", mk(1721426, 3_600_000_000_000), "0001-01-01T01:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := time.UnixMicro(int96Micros(tc.in)).UTC().Format(time.RFC3339Nano)
			if got != tc.want {
				t.Fatalf("got %s want %s", got, tc.want)
			}
		})
	}
}

// TestFieldIDs: with FieldIDs, output fields carrying a Parquet field id
// read the file column with that id whatever its name (Delta column
// mapping "id" mode); without an id match they fall back to the name, and
// to nulls.
func TestFieldIDs(t *testing.T) {
	ctx := context.Background()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	id := func(n string) arrow.Metadata { return arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{n}) }
	fileSchema := arrow.NewSchema([]arrow.Field{
		{Name: "col-a", Type: arrow.PrimitiveTypes.Int64, Nullable: true, Metadata: id("1")},
		{Name: "col-b", Type: arrow.BinaryTypes.String, Nullable: true, Metadata: id("2")},
	}, nil)
	b := array.NewRecordBuilder(mem, fileSchema)
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"x", "y"}, nil)
	rec := b.NewRecordBatch()
	b.Release()
	var buf bytes.Buffer
	if _, err := WriteBatches(ctx, &buf, fileSchema, []arrow.RecordBatch{rec}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	for _, tc := range []struct {
		name     string
		fieldIDs bool
		want     string
	}{
		{"by id", true, `["x" "y"] [1 2] [(null) (null)] [1 2]`},
		{"by name only", false, "[(null) (null)] [(null) (null)] [(null) (null)] [1 2]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := arrow.NewSchema([]arrow.Field{
				{Name: "renamed", Type: arrow.BinaryTypes.String, Nullable: true, Metadata: id("2")},
				{Name: "other", Type: arrow.PrimitiveTypes.Int64, Nullable: true, Metadata: id("1")},
				{Name: "dropped", Type: arrow.PrimitiveTypes.Int64, Nullable: true, Metadata: id("9")},
				{Name: "col-a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			}, nil)
			r, err := Open(ctx, memFile{bytes.NewReader(buf.Bytes())}, ReadOptions{Schema: want, FieldIDs: tc.fieldIDs, Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := r.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer got.Release()
			var cols []string
			for _, c := range got.Columns() {
				cols = append(cols, c.String())
			}
			if s := strings.Join(cols, " "); s != tc.want {
				t.Fatalf("got %s, want %s", s, tc.want)
			}
		})
	}
}
