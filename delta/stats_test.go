package delta

import (
	"bytes"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/internal/format/parquetfile"
	"github.com/ingotdata/ingot/types"
)

// statsOf writes one batch built by fill and returns its stats JSON.
func statsOf(t *testing.T, schema *arrow.Schema, fill func(*array.RecordBuilder)) string {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	fill(b)
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	fs, err := parquetfile.WriteBatches(t.Context(), &buf, schema, []arrow.RecordBatch{rec}, parquetfile.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := statsJSON(fs)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStatsJSONShapes(t *testing.T) {
	nested := types.NewStruct(
		types.Field("pk", types.Integer),
		types.Field("struct", types.NewStruct(types.Field("float64", types.Double), types.Field("bool", types.Boolean))),
		types.Field("array", types.ArrayType{ElementType: types.Short, ContainsNull: true}),
		types.Field("map", types.MapType{KeyType: types.String, ValueType: types.Integer, ValueContainsNull: true}),
	).ArrowSchema()
	times := types.NewStruct(types.Field("ts", types.Timestamp), types.Field("ntz", types.TimestampNTZ), types.Field("s", types.String), types.Field("d", types.DecimalType{Precision: 5, Scale: 3})).ArrowSchema()
	for _, tc := range []struct {
		name   string
		schema *arrow.Schema
		fill   func(*array.RecordBuilder)
		want   string
	}{
		{"nested like DAT nested_types", nested, func(b *array.RecordBuilder) {
			for i := 0; i < 3; i++ {
				b.Field(0).(*array.Int32Builder).Append(int32(i))
				sb := b.Field(1).(*array.StructBuilder)
				sb.Append(true)
				sb.FieldBuilder(0).(*array.Float64Builder).Append(float64(i) + 0.5)
				sb.FieldBuilder(1).(*array.BooleanBuilder).Append(i%2 == 0)
				lb := b.Field(2).(*array.ListBuilder)
				lb.Append(true)
				lb.ValueBuilder().(*array.Int16Builder).Append(int16(i))
				mb := b.Field(3).(*array.MapBuilder)
				if i == 2 {
					mb.AppendNull()
				} else {
					mb.Append(true)
					mb.KeyBuilder().(*array.StringBuilder).Append("k")
					mb.ItemBuilder().(*array.Int32Builder).Append(int32(i))
				}
			}
		}, `{"numRecords":3,"minValues":{"pk":0,"struct":{"float64":0.5}},"maxValues":{"pk":2,"struct":{"float64":2.5}},"nullCount":{"pk":0,"struct":{"float64":0,"bool":0},"array":0,"map":1}}`},
		{"timestamps strings decimals", times, func(b *array.RecordBuilder) {
			b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1_000_999, 5_123_456}, nil)
			b.Field(1).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{0, 1}, nil)
			b.Field(2).(*array.StringBuilder).AppendValues([]string{"b" + strings.Repeat("x", 40), "a\"<"}, nil)
			b.Field(3).(*array.Decimal128Builder).AppendValues([]decimalNumT{decimalNum(10000), decimalNum(-5)}, nil)
		}, `{"numRecords":2,"minValues":{"ts":"1970-01-01T00:00:01.000Z","ntz":"1970-01-01T00:00:00.000","s":"a\"<","d":-0.005},"maxValues":{"ts":"1970-01-01T00:00:05.123Z","ntz":"1970-01-01T00:00:00.000","d":10.000},"nullCount":{"ts":0,"ntz":0,"s":0,"d":0}}`},
		{"all null column", arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil), func(b *array.RecordBuilder) {
			b.Field(0).AppendNull()
		}, `{"numRecords":1,"minValues":{},"maxValues":{},"nullCount":{"x":1}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := statsOf(t, tc.schema, tc.fill); got != tc.want {
				t.Fatalf("stats\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}
