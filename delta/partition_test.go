package delta

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/ingotdata/ingot/types"
)

func TestPartitionValueRoundTrip(t *testing.T) {
	mem := memory.DefaultAllocator
	mk := func(dt arrow.DataType, fill func(array.Builder)) arrow.Array {
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		fill(b)
		return b.NewArray()
	}
	for _, tc := range []struct {
		name    string
		typ     types.DataType
		arr     arrow.Array
		wantStr string // "" means NULL
		dir     string
	}{
		{"string with specials", types.String, mk(arrow.BinaryTypes.String, func(b array.Builder) { b.(*array.StringBuilder).Append("a/b c%=:") }), "a/b c%=:", "p=a%2Fb c%25%3D%3A/"},
		{"empty string is null", types.String, mk(arrow.BinaryTypes.String, func(b array.Builder) { b.(*array.StringBuilder).Append("") }), "", "p=__HIVE_DEFAULT_PARTITION__/"},
		{"null int", types.Integer, mk(arrow.PrimitiveTypes.Int32, func(b array.Builder) { b.AppendNull() }), "", "p=__HIVE_DEFAULT_PARTITION__/"},
		{"long", types.Long, mk(arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).Append(-42) }), "-42", "p=-42/"},
		{"double", types.Double, mk(arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(1.25) }), "1.25", "p=1.25/"},
		{"boolean", types.Boolean, mk(arrow.FixedWidthTypes.Boolean, func(b array.Builder) { b.(*array.BooleanBuilder).Append(true) }), "true", "p=true/"},
		{"date", types.Date, mk(arrow.FixedWidthTypes.Date32, func(b array.Builder) { b.(*array.Date32Builder).Append(19000) }), "2022-01-08", "p=2022-01-08/"},
		{"timestamp is ISO UTC", types.Timestamp, mk(types.ToArrow(types.Timestamp), func(b array.Builder) { b.(*array.TimestampBuilder).Append(1_500_000) }), "1970-01-01T00:00:01.500000Z", "p=1970-01-01T00%3A00%3A01.500000Z/"},
		{"timestamp_ntz", types.TimestampNTZ, mk(types.ToArrow(types.TimestampNTZ), func(b array.Builder) { b.(*array.TimestampBuilder).Append(1_500_000) }), "1970-01-01 00:00:01.5", "p=1970-01-01 00%3A00%3A01.5/"},
		{"decimal", types.DecimalType{Precision: 5, Scale: 2}, mk(types.ToArrow(types.DecimalType{Precision: 5, Scale: 2}), func(b array.Builder) { b.(*array.Decimal128Builder).Append(decimalNum(-1234)) }), "-12.34", "p=-12.34/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.arr.Release()
			v, err := serializePartitionValue(tc.arr, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if v != nil {
				got = *v
			}
			if got != tc.wantStr {
				t.Fatalf("serialized %q, want %q", got, tc.wantStr)
			}
			if d := partitionDir([]string{"p"}, map[string]*string{"p": v}); d != tc.dir {
				t.Fatalf("dir %q, want %q", d, tc.dir)
			}
			sc, err := partitionScalar(v, tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			back, err := scalarArray(sc)
			if err != nil {
				t.Fatal(err)
			}
			defer back.Release()
			if tc.wantStr == "" {
				if !back.IsNull(0) {
					t.Fatalf("parsed back %v, want NULL", back)
				}
				return
			}
			if !array.Equal(back, tc.arr) {
				t.Fatalf("parsed back %v, want %v", back, tc.arr)
			}
		})
	}
}

func TestPartitionParseForms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		typ  types.DataType
		want string
		bad  bool
	}{
		{in: "2021-09-08 11:11:11", typ: types.Timestamp, want: "2021-09-08T11:11:11Z"},
		{in: "1971-07-22T03:06:40.000000Z", typ: types.Timestamp, want: "1971-07-22T03:06:40Z"},
		{in: "1970-01-01 00:00:00.123456", typ: types.TimestampNTZ, want: "1970-01-01T00:00:00.123456"},
		{in: "10.5", typ: types.DecimalType{Precision: 3, Scale: 1}, want: "10.5"},
		{in: "1000.5", typ: types.DecimalType{Precision: 3, Scale: 1}, bad: true},
		{in: "x", typ: types.Integer, bad: true},
		{in: "maybe", typ: types.Boolean, bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			sc, err := partitionScalar(&tc.in, tc.typ)
			if tc.bad {
				if err == nil {
					t.Fatalf("parsed %q as %s", tc.in, tc.typ.SimpleString())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			a, _ := scalarArray(sc)
			defer a.Release()
			if got := a.ValueStr(0); got != tc.want {
				t.Fatalf("got %s want %s", got, tc.want)
			}
		})
	}
}

func TestPathEncoding(t *testing.T) {
	key := "p=a%2Fb c/part-0.parquet"
	enc := encodePath(key)
	if enc != "p=a%252Fb%20c/part-0.parquet" {
		t.Fatalf("encoded %q", enc)
	}
	if back, err := decodePath(enc, "memory://"); err != nil || back != key {
		t.Fatalf("decoded %q %v", back, err)
	}
	if _, err := decodePath("s3://elsewhere/x.parquet", "file:///t"); err == nil {
		t.Fatal("absolute path outside the table accepted")
	}
	if back, err := decodePath("file:///t/a/x.parquet", "file:///t"); err != nil || back != "a/x.parquet" {
		t.Fatalf("absolute path inside table: %q %v", back, err)
	}
}

type decimalNumT = decimal128.Num

func decimalNum(v int64) decimal128.Num { return decimal128.FromI64(v) }

func scalarArray(sc scalar.Scalar) (arrow.Array, error) {
	return scalar.MakeArrayFromScalar(sc, 1, memory.DefaultAllocator)
}
