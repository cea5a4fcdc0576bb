package expr

import (
	"encoding/binary"
	"errors"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// A tiny test-only Variant encoder: just enough of VariantEncoding.md to
// build the values the decoder must print. Objects take their keys from a
// shared dictionary built by testVariant.

type tv func(dict map[string]int) []byte

func tvPrim(id byte, data ...byte) tv {
	return func(map[string]int) []byte { return append([]byte{id << 2}, data...) }
}

func le(v uint64, n int) []byte {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint64(b, v)
	return b[:n]
}

func tvShortStr(s string) tv {
	return func(map[string]int) []byte { return append([]byte{byte(len(s))<<2 | 1}, s...) }
}

func tvLongStr(id byte, s string) tv {
	return tvPrim(id, append(le(uint64(len(s)), 4), s...)...)
}

func tvArray(elems ...tv) tv {
	return func(dict map[string]int) []byte {
		var data, offs []byte
		for _, e := range elems {
			offs = append(offs, byte(len(data)))
			data = append(data, e(dict)...)
		}
		offs = append(offs, byte(len(data)))
		// 1-byte offsets, small count.
		out := append([]byte{3, byte(len(elems))}, offs...)
		return append(out, data...)
	}
}

type kv struct {
	k string
	v tv
}

// tvObject writes fields sorted by key, 2-byte field ids and 2-byte
// offsets (to exercise sizes other than 1), values in reverse order so
// offsets are not monotonic.
func tvObject(fields ...kv) tv {
	return func(dict map[string]int) []byte {
		sort.Slice(fields, func(i, j int) bool { return fields[i].k < fields[j].k })
		vals := make([][]byte, len(fields))
		for i, f := range fields {
			vals[i] = f.v(dict)
		}
		offs := make([]int, len(fields)+1)
		var data []byte
		for i := len(fields) - 1; i >= 0; i-- {
			offs[i] = len(data)
			data = append(data, vals[i]...)
		}
		offs[len(fields)] = len(data)
		hdr := byte(1 | 1<<2) // offset size 2, id size 2
		out := []byte{hdr<<2 | 2, byte(len(fields))}
		for _, f := range fields {
			out = append(out, le(uint64(dict[f.k]), 2)...)
		}
		for _, o := range offs {
			out = append(out, le(uint64(o), 2)...)
		}
		return append(out, data...)
	}
}

// testVariant encodes v with a metadata dictionary of keys (unsorted, so
// ids are not alphabetical).
func testVariant(v tv, keys ...string) (value, metadata []byte) {
	dict := map[string]int{}
	var strs []byte
	offs := []byte{0}
	for i, k := range keys {
		dict[k] = i
		strs = append(strs, k...)
		offs = append(offs, byte(len(strs)))
	}
	metadata = append([]byte{1, byte(len(keys))}, offs...)
	return v(dict), append(metadata, strs...)
}

func TestVariantToJSON(t *testing.T) {
	f64 := func(f float64) tv { return tvPrim(vDouble, le(math.Float64bits(f), 8)...) }
	for _, tc := range []struct {
		name string
		v    tv
		keys []string
		want string
	}{
		{"null", tvPrim(vNull), nil, `null`},
		{"true", tvPrim(vTrue), nil, `true`},
		{"false", tvPrim(vFalse), nil, `false`},
		{"int8", tvPrim(vInt8, 0xfe), nil, `-2`},
		{"int16", tvPrim(vInt16, le(uint64(0xffff-299), 2)...), nil, `-300`},
		{"int32", tvPrim(vInt32, le(70000, 4)...), nil, `70000`},
		{"int64", tvPrim(vInt64, le(math.MaxInt64, 8)...), nil, `9223372036854775807`},
		{"double", f64(1.5), nil, `1.5`},
		{"double exponent", f64(1e20), nil, `1.0E20`},
		{"float", tvPrim(vFloat, le(uint64(math.Float32bits(0.1)), 4)...), nil, `0.1`},
		{"decimal4", tvPrim(vDecimal4, append([]byte{2}, le(12345, 4)...)...), nil, `123.45`},
		{"decimal4 nine digits", tvPrim(vDecimal4, append([]byte{9}, le(uint64(1<<64-999999999), 4)...)...), nil, `-0.999999999`},
		{"decimal4 trailing zeros stripped", tvPrim(vDecimal4, append([]byte{2}, le(150, 4)...)...), nil, `1.5`},
		{"decimal8 negative small", tvPrim(vDecimal8, append([]byte{4}, le(uint64(1<<64-5), 8)...)...), nil, `-0.0005`},
		{"decimal8 integral", tvPrim(vDecimal8, append([]byte{0}, le(100, 8)...)...), nil, `100`},
		{"decimal16", tvPrim(vDecimal16, append([]byte{1}, append(le(0, 8), 1, 0, 0, 0, 0, 0, 0, 0)...)...), nil, `1844674407370955161.6`},
		{"decimal16 zero", tvPrim(vDecimal16, append([]byte{3}, make([]byte, 16)...)...), nil, `0`},
		{"date", tvPrim(vDate, le(19723, 4)...), nil, `"2024-01-01"`},
		{"date before epoch", tvPrim(vDate, le(uint64(1<<32-1), 4)...), nil, `"1969-12-31"`},
		{"timestamp", tvPrim(vTimestamp, le(1704067200_123000, 8)...), nil, `"2024-01-01 00:00:00.123+00:00"`},
		{"timestamp_ntz", tvPrim(vTimestampNTZ, le(1704067200_000000, 8)...), nil, `"2024-01-01 00:00:00"`},
		{"binary base64", tvPrim(vBinary, append(le(3, 4), 0xff, 0x00, 'a')...), nil, `"/wBh"`},
		{"long string", tvLongStr(vString, `he said "hi"`+"\n\x01é/"), nil, `"he said \"hi\"\n\u0001é/"`},
		{"short string", tvShortStr("abc"), nil, `"abc"`},
		{"empty short string", tvShortStr(""), nil, `""`},
		{"empty array", tvArray(), nil, `[]`},
		{"array of mixed", tvArray(tvPrim(vInt8, 1), tvShortStr("x"), tvPrim(vNull)), nil, `[1,"x",null]`},
		{"empty object", tvObject(), nil, `{}`},
		{"object keys from dictionary", tvObject(kv{"b", tvPrim(vTrue)}, kv{"a", tvPrim(vInt8, 7)}), []string{"b", "a"}, `{"a":7,"b":true}`},
		{"nested", tvObject(
			kv{"name", tvShortStr("Ann")},
			kv{"tags", tvArray(tvShortStr("x"), tvObject(kv{"name", tvPrim(vInt8, 2)}))},
			kv{"addr", tvObject(kv{"zip", tvLongStr(vString, "02139")})},
		), []string{"zip", "name", "tags", "addr"}, `{"addr":{"zip":"02139"},"name":"Ann","tags":["x",{"name":2}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			value, meta := testVariant(tc.v, tc.keys...)
			got, err := AppendVariantJSON(nil, value, meta)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestVariantToJSONErrors(t *testing.T) {
	okMeta := []byte{1, 0, 0}
	for _, tc := range []struct {
		name        string
		value, meta []byte
		want        error
	}{
		{"unknown primitive id", []byte{21 << 2}, okMeta, ErrUnknownVariantType},
		{"uuid refused", append([]byte{20 << 2}, make([]byte, 16)...), okMeta, ErrUnknownVariantType},
		{"empty value", nil, okMeta, ErrMalformedVariant},
		{"truncated int64", []byte{vInt64 << 2, 1, 2}, okMeta, ErrMalformedVariant},
		{"truncated long string", append([]byte{vString << 2}, le(10, 4)...), okMeta, ErrMalformedVariant},
		{"truncated short string", []byte{5<<2 | 1, 'a'}, okMeta, ErrMalformedVariant},
		{"bad metadata version", []byte{0}, []byte{2, 0, 0}, ErrMalformedVariant},
		{"empty metadata", []byte{0}, nil, ErrMalformedVariant},
		{"field id outside dictionary", []byte{2, 1, 5, 0, 1, 0}, okMeta, ErrMalformedVariant},
		{"array offset out of range", []byte{3, 1, 9, 10}, okMeta, ErrMalformedVariant},
		{"array count too large", []byte{3, 200, 0}, okMeta, ErrMalformedVariant},
		{"decimal4 scale above its precision", append([]byte{vDecimal4 << 2, 10}, le(1, 4)...), okMeta, ErrMalformedVariant},
		{"decimal4 with 10 digits", append([]byte{vDecimal4 << 2, 0}, le(1234567890, 4)...), okMeta, ErrMalformedVariant},
		{"decimal8 with 19 digits", append([]byte{vDecimal8 << 2, 0}, le(1e18, 8)...), okMeta, ErrMalformedVariant},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := AppendVariantJSON(nil, tc.value, tc.meta)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// buildVariantArray makes a struct<value, metadata> column; a nil pair is a
// NULL variant.
func buildVariantArray(mem memory.Allocator, rows [][2][]byte) arrow.Array {
	b := array.NewStructBuilder(mem, types.ToArrow(types.Variant).(*arrow.StructType))
	defer b.Release()
	vb := b.FieldBuilder(0).(*array.BinaryBuilder)
	mb := b.FieldBuilder(1).(*array.BinaryBuilder)
	for _, r := range rows {
		if r[0] == nil {
			b.AppendNull() // also appends nulls to both children
			continue
		}
		b.Append(true)
		vb.Append(r[0])
		mb.Append(r[1])
	}
	return b.NewArray()
}

func TestCastVariantToString(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	v1, m1 := testVariant(tvObject(kv{"a", tvArray(tvPrim(vInt8, 1), tvPrim(vNull))}), "a")
	v2, m2 := testVariant(tvPrim(vNull))
	arr := buildVariantArray(mem, [][2][]byte{{v1, m1}, {nil, nil}, {v2, m2}})
	defer arr.Release()

	if !CastSupported(types.Variant, types.String) || CastSupported(types.Variant, types.Integer) {
		t.Fatal("CastSupported: want VARIANT -> STRING only")
	}
	out, err := CastArray(mem, arr, types.Variant, types.String)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	s := out.(*array.String)
	if s.Len() != 3 || s.Value(0) != `{"a":[1,null]}` || !s.IsNull(1) || s.Value(2) != "null" || s.IsNull(2) {
		t.Fatalf("cast = %v", s)
	}

	t.Run("bad bytes name the row", func(t *testing.T) {
		bad := buildVariantArray(mem, [][2][]byte{{v1, m1}, {[]byte{63 << 2}, m2}})
		defer bad.Release()
		_, err := CastArray(mem, bad, types.Variant, types.String)
		if !errors.Is(err, ErrUnknownVariantType) || !strings.Contains(err.Error(), "row 1") {
			t.Fatalf("err = %v", err)
		}
	})
}

func BenchmarkCastVariantToString(b *testing.B) {
	mem := memory.NewGoAllocator()
	v, m := testVariant(tvObject(
		kv{"device", tvShortStr("sensor-17")},
		kv{"reading", tvPrim(vDouble, le(math.Float64bits(72.5), 8)...)},
		kv{"tags", tvArray(tvShortStr("icu"), tvPrim(vInt32, le(4, 4)...))},
	), "device", "reading", "tags")
	const n = 4096
	rows := make([][2][]byte, n)
	for i := range rows {
		rows[i] = [2][]byte{v, m}
	}
	arr := buildVariantArray(mem, rows)
	defer arr.Release()
	b.SetBytes(int64(n * (len(v) + len(m))))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := CastArray(mem, arr, types.Variant, types.String)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
