package textread

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/types"
)

// appendAll appends to a fresh column of t and returns the array's values.
func appendAll(t *testing.T, dt types.DataType, fill func(c *Column)) string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	b := array.NewBuilder(mem, types.ToArrow(dt))
	defer b.Release()
	c, ok := NewColumn(dt, b)
	if !ok {
		t.Fatalf("NewColumn(%s) not ok", dt.SQL())
	}
	fill(&c)
	arr := b.NewArray()
	defer arr.Release()
	var out []string
	for i := range arr.Len() {
		if _, null := arr.(*array.Null); null || arr.IsNull(i) {
			out = append(out, "NULL")
		} else {
			out = append(out, arr.ValueStr(i))
		}
	}
	return strings.Join(out, " ")
}

func TestColumnAppendInt(t *testing.T) {
	vals := []int64{-129, -128, 127, 128, -32769, 32767, 1 << 31, -1 << 31}
	for _, tc := range []struct {
		dt   types.DataType
		want string
	}{
		{types.Byte, "NULL -128 127 NULL NULL NULL NULL NULL"},
		{types.Short, "-129 -128 127 128 NULL 32767 NULL NULL"},
		{types.Integer, "-129 -128 127 128 -32769 32767 NULL -2147483648"},
		{types.Long, "-129 -128 127 128 -32769 32767 2147483648 -2147483648"},
	} {
		t.Run(tc.dt.SQL(), func(t *testing.T) {
			got := appendAll(t, tc.dt, func(c *Column) {
				for _, v := range vals {
					if !c.AppendInt(v) {
						c.AppendNull()
					}
				}
			})
			if got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestColumnAppendScalars(t *testing.T) {
	for _, tc := range []struct {
		dt   types.DataType
		kind Kind
		fill func(c *Column)
		want string
	}{
		{types.Boolean, KindBool, func(c *Column) { c.AppendBool(true); c.AppendNull() }, "true NULL"},
		{types.Float, KindFloat, func(c *Column) { c.AppendFloat(1.5) }, "1.5"},
		{types.Double, KindDouble, func(c *Column) { c.AppendFloat(0.25) }, "0.25"},
		{types.String, KindString, func(c *Column) { c.AppendString([]byte("héllo")) }, "héllo"},
		{types.Binary, KindBinary, func(c *Column) { c.AppendBinary([]byte("ab")) }, "YWI="},
		{types.DecimalType{Precision: 5, Scale: 2}, KindDecimal, func(c *Column) {
			n, _ := decimal128.FromString("12.5", 5, 2)
			c.AppendDecimal(n)
		}, "12.5"},
		{types.Date, KindDate, func(c *Column) { c.AppendDate(19723) }, "2024-01-01"},
		{types.Timestamp, KindTimestamp, func(c *Column) { c.AppendTimestamp(1_500_000) }, "1970-01-01T00:00:01.5Z"},
		{types.TimestampNTZ, KindTimestamp, func(c *Column) { c.AppendTimestamp(0) }, "1970-01-01T00:00:00"},
		{types.Null, KindNull, func(c *Column) { c.AppendNull() }, "NULL"},
	} {
		t.Run(tc.dt.SQL(), func(t *testing.T) {
			got := appendAll(t, tc.dt, func(c *Column) {
				if c.Kind != tc.kind {
					t.Fatalf("Kind = %d, want %d", c.Kind, tc.kind)
				}
				tc.fill(c)
			})
			if got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestNewColumnNested(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	for _, tc := range []struct {
		dt   types.DataType
		kind Kind
	}{
		{types.NewStruct(types.Field("a", types.Long)), KindStruct},
		{types.ArrayType{ElementType: types.Long, ContainsNull: true}, KindArray},
		{types.MapType{KeyType: types.String, ValueType: types.Long}, KindMap},
	} {
		t.Run(fmt.Sprint(tc.kind), func(t *testing.T) {
			b := array.NewBuilder(mem, types.ToArrow(tc.dt))
			defer b.Release()
			c, ok := NewColumn(tc.dt, b)
			if !ok || c.Kind != tc.kind || c.B != b {
				t.Fatalf("NewColumn(%s) = kind %d, ok %t; want kind %d with its builder", tc.dt.SQL(), c.Kind, ok, tc.kind)
			}
		})
	}
}

func TestKindBits(t *testing.T) {
	for k, want := range map[Kind]int{KindByte: 8, KindShort: 16, KindInt: 32, KindLong: 64, KindDouble: 64} {
		if got := k.Bits(); got != want {
			t.Errorf("Kind(%d).Bits() = %d, want %d", k, got, want)
		}
	}
}
