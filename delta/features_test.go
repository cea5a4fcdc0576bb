package delta

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// TestTypeWidening writes narrow columns, then commits by hand the schema
// change a Spark ALTER COLUMN TYPE makes under typeWidening: old files are
// read cast to the wider types.
func TestTypeWidening(t *testing.T) {
	ctx := t.Context()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 5, Scale: 2}, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).(*array.Int32Builder).Append(7)
	b.Field(1).(*array.Float32Builder).Append(1.5)
	b.Field(2).(*array.Decimal128Builder).Append(decimal128.FromI64(12345))
	b.Field(3).(*array.Date32Builder).Append(arrow.Date32(19723))
	rec := b.NewRecordBatch()
	b.Release()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, batch.FromSlice(schema, rec), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	wide := types.NewStruct(
		types.Field("i", types.Long), types.Field("f", types.Double),
		types.Field("d", types.DecimalType{Precision: 10, Scale: 4}), types.Field("day", types.TimestampNTZ))
	js, _ := types.MarshalSchema(wide)
	md := snap.Metadata()
	md.SchemaString = string(js)
	md.Configuration = map[string]string{"delta.enableTypeWidening": "true"}
	body, _ := MarshalActions([]Action{
		{Protocol: &Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"typeWidening", "timestampNtz"}, WriterFeatures: []string{"typeWidening", "timestampNtz"}}},
		{MetaData: &md},
	})
	if err := st.PutIfAbsent(ctx, commitPath(1), body); err != nil {
		t.Fatal(err)
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := snap.Scan(ctx, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Schema().Field(0).Type; got != arrow.PrimitiveTypes.Int64 {
		t.Fatalf("i read as %s", got)
	}
	got, err := rowStrings(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if want := "7 | 1.5 | 123.4500 | 2024-01-01"; len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Fatalf("rows %q, want one starting %q", got, want)
	}
}

// TestInCommitTimestampTimeTravel: with in-commit timestamps enabled from
// version 1, TIMESTAMP AS OF uses them, not the (here misleading) file
// modification times.
func TestInCommitTimestampTimeTravel(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	st, _ := storage.NewLocal(dir)
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, ids(0, 1), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	md := snap.Metadata()
	md.Configuration = map[string]string{"delta.enableInCommitTimestamps": "true", "delta.inCommitTimestampEnablementVersion": "1"}
	ict := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, acts := range [][]Action{
		{{CommitInfo: map[string]any{"inCommitTimestamp": ict.UnixMilli()}}, {MetaData: &md}},
		{{CommitInfo: map[string]any{"inCommitTimestamp": ict.Add(time.Hour).UnixMilli()}}},
	} {
		body, _ := MarshalActions(acts)
		if err := st.PutIfAbsent(ctx, commitPath(int64(v+1)), body); err != nil {
			t.Fatal(err)
		}
	}
	// Version 0's file time is "now", long before 2030.
	for _, tc := range []struct {
		at   time.Time
		want int64
	}{
		{ict.Add(-time.Second), 0},
		{ict, 1},
		{ict.Add(30 * time.Minute), 1},
		{ict.Add(time.Hour), 2},
	} {
		v, err := tbl.VersionAtTimestamp(ctx, tc.at)
		if err != nil || v != tc.want {
			t.Errorf("at %s: version %d, %v; want %d", tc.at, v, err, tc.want)
		}
	}
	hist, err := tbl.History(ctx, 1)
	if err != nil || !hist[0].Timestamp.Equal(ict.Add(time.Hour)) {
		t.Fatalf("history timestamp %v, %v", hist[0].Timestamp, err)
	}
}

// TestLogListingIgnoresCompactionAndTemps: compaction files, crc files and
// temp files in _delta_log do not disturb listing; UUID-named checkpoints
// count as checkpoints.
func TestLogListingIgnoresCompactionAndTemps(t *testing.T) {
	for _, tc := range []struct {
		name, kind string
		version    int64
	}{
		{"00000000000000000003.json", "commit", 3},
		{"00000000000000000003.checkpoint.parquet", "checkpoint", 3},
		{"00000000000000000003.checkpoint.0000000001.0000000002.parquet", "checkpoint", 3},
		{"00000000000000000003.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json", "checkpoint", 3},
		{"00000000000000000003.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.parquet", "checkpoint", 3},
		{"00000000000000000003.checkpoint.not-a-uuid.json", "", 0},
		{"00000000000000000000.00000000000000000005.compacted.json", "", 0},
		{"00000000000000000003.crc", "", 0},
		{".00000000000000000003.json.crc", "", 0},
		{"_last_checkpoint", "", 0},
	} {
		kind, v, _, _ := parseLogName(tc.name)
		if kind != tc.kind || v != tc.version {
			t.Errorf("%s: %q %d, want %q %d", tc.name, kind, v, tc.kind, tc.version)
		}
	}
}

func TestCheckWidening(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{"byte", "short", true}, {"short", "integer", true}, {"integer", "long", true}, {"byte", "long", true},
		{"long", "integer", false}, {"integer", "integer", false},
		{"float", "double", true}, {"integer", "double", true}, {"long", "double", false},
		{"date", "timestamp_ntz", true}, {"date", "timestamp", false},
		{"decimal(5,2)", "decimal(10,4)", true}, {"decimal(5,2)", "decimal(6,4)", false}, {"decimal(5,2)", "decimal(5,1)", false},
		{"integer", "decimal(10,0)", true}, {"integer", "decimal(12,2)", true}, {"integer", "decimal(9,0)", false},
		{"long", "decimal(20,0)", true}, {"long", "decimal(19,0)", false},
		{"string", "binary", false}, {"bogus", "long", false},
	} {
		if err := checkWidening(tc.from, tc.to); (err == nil) != tc.ok {
			t.Errorf("%s -> %s: %v, want ok=%v", tc.from, tc.to, err, tc.ok)
		}
	}
	// A schema recording supported changes loads; an unsupported one is
	// refused.
	good := `{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{\"delta.typeChanges\":[{\"fromType\":\"short\",\"toType\":\"integer\"},{\"fromType\":\"integer\",\"toType\":\"long\"}]}}]}`
	ok := rawTable(t, `{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["typeWidening"],"writerFeatures":["typeWidening"]}`, `{}`, good)
	if _, err := ok.Snapshot(t.Context()); err != nil {
		t.Fatalf("supported changes: %v", err)
	}
	bad := `{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{\"delta.typeChanges\":[{\"fromType\":\"string\",\"toType\":\"long\"}]}}]}`
	tbl := rawTable(t, `{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["typeWidening"],"writerFeatures":["typeWidening"]}`, `{}`, bad)
	if _, err := tbl.Snapshot(t.Context()); !errors.Is(err, ErrUnsupportedFeature) {
		t.Fatalf("snapshot: %v, want ErrUnsupportedFeature", err)
	}
}
