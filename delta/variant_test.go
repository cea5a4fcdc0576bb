package delta_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot"
	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/format/parquetfile"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// Hand-encoded variants (VariantEncoding.md). variantMetaAB is a metadata
// dictionary holding the keys "a" and "b"; variantMetaEmpty has none.
var (
	variantMetaAB    = []byte{0x01, 2, 0, 1, 2, 'a', 'b'}
	variantMetaEmpty = []byte{0x01, 0, 0}
	// {"a":1,"b":"x"}: object, 1-byte ids and offsets; int8 1; short string "x".
	variantObject = []byte{0x02, 2, 0, 1, 0, 2, 4, 0x0C, 1, 0x05, 'x'}
	// [true,null]
	variantArray = []byte{0x03, 2, 0, 1, 2, 0x04, 0x00}
	// "hello" as a long (4-byte length) string.
	variantString = []byte{16 << 2, 5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'}
)

// variantRows are the rows of the hand-made table: id and the variant's
// (value, metadata), nil for a NULL variant.
var variantRows = []struct {
	id          int64
	value, meta []byte
}{
	{1, variantObject, variantMetaAB},
	{2, nil, nil},
	{3, variantArray, variantMetaEmpty},
	{4, variantString, variantMetaEmpty},
}

// writeVariantTable writes, as Spark would, a Delta table with columns id
// BIGINT and v VARIANT: one Parquet file whose v is a group of two
// required binaries, and a commit with protocol (3,7) listing features.
func writeVariantTable(t *testing.T, ctx context.Context, st storage.Store, features ...string) {
	t.Helper()
	vt := types.ToArrow(types.Variant).(*arrow.StructType)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "v", Type: vt, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	sb := b.Field(1).(*array.StructBuilder)
	for _, r := range variantRows {
		b.Field(0).(*array.Int64Builder).Append(r.id)
		if r.value == nil {
			sb.AppendNull()
			continue
		}
		sb.Append(true)
		sb.FieldBuilder(0).(*array.BinaryBuilder).Append(r.value)
		sb.FieldBuilder(1).(*array.BinaryBuilder).Append(r.meta)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf strings.Builder
	if _, err := parquetfile.WriteBatches(ctx, &buf, schema, []arrow.RecordBatch{rec}, parquetfile.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	const file = "part-00000-variant.snappy.parquet"
	if err := st.Put(ctx, file, []byte(buf.String())); err != nil {
		t.Fatal(err)
	}
	tableSchema := `{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"v","type":"variant","nullable":true,"metadata":{}}]}`
	body, err := delta.MarshalActions([]delta.Action{
		{Protocol: &delta.Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: features, WriterFeatures: features}},
		{MetaData: &delta.Metadata{ID: "variant-test", Format: delta.Format{Provider: "parquet", Options: map[string]string{}},
			SchemaString: tableSchema, PartitionColumns: []string{}, Configuration: map[string]string{}}},
		{Add: &delta.AddFile{Path: file, PartitionValues: map[string]*string{}, Size: int64(buf.Len()), DataChange: true,
			Stats: `{"numRecords":4,"minValues":{"id":1},"maxValues":{"id":4},"nullCount":{"id":0}}`}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutIfAbsent(ctx, "_delta_log/00000000000000000000.json", body); err != nil {
		t.Fatal(err)
	}
}

func TestVariantScan(t *testing.T) {
	for _, feature := range []string{"variantType", "variantType-preview"} {
		t.Run(feature, func(t *testing.T) {
			ctx := t.Context()
			st := storage.NewMemory()
			writeVariantTable(t, ctx, st, feature)
			tbl, err := delta.Open(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			snap, err := tbl.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if f := snap.Schema().Fields[1]; !types.IsVariant(f.Type) {
				t.Fatalf("schema column v is %s, want variant", f.Type.SimpleString())
			}
			r, err := snap.Scan(ctx, delta.ScanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got, want := r.Schema().Field(1).Type, types.ToArrow(types.Variant); !arrow.TypeEqual(got, want) {
				t.Fatalf("v scanned as %s, want %s", got, want)
			}
			got, err := variantCells(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, row := range variantRows {
				if row.value == nil {
					want = append(want, fmt.Sprintf("%d NULL", row.id))
				} else {
					want = append(want, fmt.Sprintf("%d %x/%x", row.id, row.value, row.meta))
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// variantCells prints each row as "id value/metadata" in hex.
func variantCells(ctx context.Context, r batch.Reader) ([]string, error) {
	var out []string
	for {
		rec, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		ids := rec.Column(0).(*array.Int64)
		v := rec.Column(1).(*array.Struct)
		vals, metas := v.Field(0).(*array.Binary), v.Field(1).(*array.Binary)
		for i := 0; i < int(rec.NumRows()); i++ {
			if v.IsNull(i) {
				out = append(out, fmt.Sprintf("%d NULL", ids.Value(i)))
				continue
			}
			out = append(out, fmt.Sprintf("%d %x/%x", ids.Value(i), vals.Value(i), metas.Value(i)))
		}
		rec.Release()
	}
}

func TestVariantWritesRefused(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	writeVariantTable(t, ctx, st, "variantType")
	tbl, _ := delta.Open(ctx, st)
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).(*array.Int64Builder).Append(9)
	rec := b.NewRecordBatch()
	b.Release()
	_, err := tbl.Write(ctx, batch.FromSlice(schema, rec), delta.WriteOptions{})
	if !errors.Is(err, delta.ErrUnsupportedFeature) || !strings.Contains(err.Error(), "variantType") {
		t.Fatalf("append to a variantType table: err = %v, want ErrUnsupportedFeature naming variantType", err)
	}
}

func TestVariantUnlistedFeatureStillRefused(t *testing.T) {
	// A reader feature we do not know is still refused with the clear error.
	ctx := t.Context()
	st := storage.NewMemory()
	writeVariantTable(t, ctx, st, "variantType", "variantShredding")
	tbl, _ := delta.Open(ctx, st)
	_, err := tbl.Snapshot(ctx)
	if !errors.Is(err, delta.ErrUnsupportedFeature) || !strings.Contains(err.Error(), "variantShredding") {
		t.Fatalf("err = %v, want ErrUnsupportedFeature for variantShredding", err)
	}
}

// TestVariantSQL reads the hand-made table through the public session:
// CAST(v AS STRING) prints each variant as JSON, a NULL variant as NULL,
// and the JSON text can be filtered on.
func TestVariantSQL(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	st, err := storage.NewLocal(dir + "/v")
	if err != nil {
		t.Fatal(err)
	}
	writeVariantTable(t, ctx, st, "variantType")
	sess, err := ingot.NewSession(ctx, ingot.Config{Warehouse: dir + "/wh", Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	for _, tc := range []struct {
		name, query string
		want        [][]string
	}{
		{"cast to string", "SELECT id, CAST(v AS STRING) FROM delta.`" + dir + "/v` ORDER BY id",
			[][]string{{"1", `{"a":1,"b":"x"}`}, {"2", "NULL"}, {"3", "[true,null]"}, {"4", `"hello"`}}},
		{"a bare variant column prints as JSON", "SELECT v FROM delta.`" + dir + "/v` ORDER BY id",
			[][]string{{`{"a":1,"b":"x"}`}, {"NULL"}, {"[true,null]"}, {`"hello"`}}},
		{"filter on the JSON text", "SELECT id FROM delta.`" + dir + "/v` WHERE CAST(v AS STRING) LIKE '[%'",
			[][]string{{"3"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			df, err := sess.SQL(ctx, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := df.CollectStrings(ctx, "NULL")
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestCastVariantAfterScan(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	writeVariantTable(t, ctx, st, "variantType")
	tbl, _ := delta.Open(ctx, st)
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := snap.Scan(ctx, delta.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs, err := batch.ReadAll(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Release(recs)
	var got []string
	for _, rec := range recs {
		s, err := expr.CastArray(memory.DefaultAllocator, rec.Column(1), types.Variant, types.String)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < s.Len(); i++ {
			got = append(got, s.ValueStr(i))
		}
		s.Release()
	}
	want := []string{`{"a":1,"b":"x"}`, "(null)", "[true,null]", `"hello"`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
