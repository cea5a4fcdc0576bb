package exec

import (
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestGroupTableKeyTypes groups one column of each supported key type:
// duplicates share a group, NULL is one group, -0.0 groups with 0.0 and
// NaNs with each other (Spark's grouping semantics), and the key arrays
// come back in first-seen order with the input's type.
func TestGroupTableKeyTypes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	build := func(dt arrow.DataType, fill func(b array.Builder)) arrow.Array {
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		fill(b)
		return b.NewArray()
	}
	for _, tc := range []struct {
		name   string
		arr    arrow.Array
		groups []uint32
		keys   string
	}{
		{"int8", build(arrow.PrimitiveTypes.Int8, func(b array.Builder) {
			b.(*array.Int8Builder).AppendValues([]int8{3, 1, 3, 0}, []bool{true, true, true, false})
		}), []uint32{0, 1, 0, 2}, "[3 1 (null)]"},
		{"int32", build(arrow.PrimitiveTypes.Int32, func(b array.Builder) {
			b.(*array.Int32Builder).AppendValues([]int32{7, 7, -7}, nil)
		}), []uint32{0, 0, 1}, "[7 -7]"},
		{"float64 zero and NaN", build(arrow.PrimitiveTypes.Float64, func(b array.Builder) {
			b.(*array.Float64Builder).AppendValues([]float64{0, math.Copysign(0, -1), math.NaN(), math.NaN(), 1.5}, nil)
		}), []uint32{0, 0, 1, 1, 2}, "[0 NaN 1.5]"},
		{"float32", build(arrow.PrimitiveTypes.Float32, func(b array.Builder) {
			b.(*array.Float32Builder).AppendValues([]float32{2, 2, float32(math.NaN())}, nil)
		}), []uint32{0, 0, 1}, "[2 NaN]"},
		{"date32", build(arrow.FixedWidthTypes.Date32, func(b array.Builder) {
			b.(*array.Date32Builder).AppendValues([]arrow.Date32{19000, 19001, 19000}, nil)
		}), []uint32{0, 1, 0}, "[2022-01-08 2022-01-09]"},
		{"timestamp", build(&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{5, 5, 6}, nil)
		}), []uint32{0, 0, 1}, "[5 6]"},
		{"decimal128", build(&arrow.Decimal128Type{Precision: 10, Scale: 2}, func(b array.Builder) {
			b.(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(1050), decimal128.FromI64(-1), decimal128.FromI64(1050)}, nil)
		}), []uint32{0, 1, 0}, "[10.5 -0.01]"},
		{"bool", build(arrow.FixedWidthTypes.Boolean, func(b array.Builder) {
			b.(*array.BooleanBuilder).AppendValues([]bool{true, false, true, false}, []bool{true, true, true, false})
		}), []uint32{0, 1, 0, 2}, "[true false (null)]"},
		{"string", build(arrow.BinaryTypes.String, func(b array.Builder) {
			b.(*array.StringBuilder).AppendValues([]string{"b", "", "b", "a"}, []bool{true, true, true, true})
			b.AppendNull()
		}), []uint32{0, 1, 0, 2, 3}, `["b" "" "a" (null)]`},
		{"binary", build(arrow.BinaryTypes.Binary, func(b array.Builder) {
			b.(*array.BinaryBuilder).AppendValues([][]byte{{1}, {1, 0}, {1}}, nil)
		}), []uint32{0, 1, 0}, `["\x01" "\x01\x00"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.arr.Release()
			g, err := newGroupTable([]arrow.DataType{tc.arr.DataType()})
			if err != nil {
				t.Fatal(err)
			}
			got := make([]uint32, tc.arr.Len())
			g.findOrInsert([]arrow.Array{tc.arr}, tc.arr.Len(), got)
			if !slices.Equal(got, tc.groups) {
				t.Errorf("groups = %v, want %v", got, tc.groups)
			}
			keys := g.keyArrays(mem)
			defer releaseArrays(keys)
			if !arrow.TypeEqual(keys[0].DataType(), tc.arr.DataType()) {
				t.Errorf("key type %s, want %s", keys[0].DataType(), tc.arr.DataType())
			}
			if s := keys[0].String(); s != tc.keys {
				t.Errorf("keys = %s, want %s", s, tc.keys)
			}
		})
	}
}

func TestGroupTableGrowsAndFinds(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	b := array.NewInt64Builder(mem)
	for i := range 10000 {
		b.Append(int64(i % 3000))
	}
	arr := b.NewArray()
	b.Release()
	defer arr.Release()
	g, err := newGroupTable([]arrow.DataType{arr.DataType()})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]uint32, arr.Len())
	g.findOrInsert([]arrow.Array{arr}, arr.Len(), out)
	if g.numGroups() != 3000 {
		t.Fatalf("%d groups, want 3000", g.numGroups())
	}
	found := make([]int32, arr.Len())
	g.find([]arrow.Array{arr}, arr.Len(), true, found)
	for i := range found {
		if found[i] != int32(i%3000) {
			t.Fatalf("row %d found group %d, want %d", i, found[i], i%3000)
		}
	}
}
