package expr

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The helpers here let kernels read typed value slices straight out of
// Arrow buffers and write typed outputs without builders: every kernel is
// a plain loop over []T with a validity bitmap beside it.

type allocKey struct{}

// WithAllocator makes evaluation under ctx allocate result arrays from mem
// (tests pass a memory.CheckedAllocator); the default is Go's heap.
func WithAllocator(ctx context.Context, mem memory.Allocator) context.Context {
	return context.WithValue(ctx, allocKey{}, mem)
}

func allocator(ctx context.Context) memory.Allocator {
	if m, ok := ctx.Value(allocKey{}).(memory.Allocator); ok && m != nil {
		return m
	}
	return memory.DefaultAllocator
}

type fixed interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~float32 | ~float64
}

type physical interface {
	int8 | int16 | int32 | int64 | float32 | float64
}

// values is the typed view of a fixed-width array's data buffer (dates as
// int32 days, timestamps as int64 microseconds).
func values[T physical](a arrow.Array) []T {
	d := a.Data()
	b := d.Buffers()[1]
	if b == nil || b.Len() == 0 {
		return make([]T, d.Len())
	}
	return arrow.GetData[T](b.Bytes())[d.Offset() : d.Offset()+d.Len()]
}

// isValid reports whether row i of a is non-null; cheap enough for loops
// that need it only on the slow path.
func validBits(a arrow.Array) ([]byte, int) {
	d := a.Data()
	if d.NullN() == 0 || d.Buffers()[0] == nil {
		return nil, 0
	}
	return d.Buffers()[0].Bytes(), d.Offset()
}

// bitmap is an owned validity (or boolean value) bitmap under construction.
type bitmap struct {
	buf  *memory.Buffer
	bits []byte
}

func newBitmap(mem memory.Allocator, n int, set bool) bitmap {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	bits := buf.Bytes()
	fill := byte(0)
	if set {
		fill = 0xff
	}
	for i := range bits {
		bits[i] = fill
	}
	return bitmap{buf: buf, bits: bits}
}

func (b bitmap) set(i int)           { bitutil.SetBit(b.bits, i) }
func (b bitmap) clear(i int)         { bitutil.ClearBit(b.bits, i) }
func (b bitmap) get(i int) bool      { return bitutil.BitIsSet(b.bits, i) }
func (b bitmap) setTo(i int, v bool) { bitutil.SetBitTo(b.bits, i, v) }

// validityOf returns a fresh bitmap with row i set when every input is
// non-null at i.
func validityOf(mem memory.Allocator, n int, ins ...arrow.Array) bitmap {
	v := newBitmap(mem, n, true)
	for _, a := range ins {
		if a == nil {
			continue
		}
		if a.Len() != n { // a broadcast constant (one row)
			if a.Len() == 0 || a.IsNull(0) {
				for i := range v.bits {
					v.bits[i] = 0
				}
			}
			continue
		}
		bits, off := validBits(a)
		if bits == nil {
			if a.NullN() == a.Len() && a.Len() > 0 { // NullType arrays have no bitmap
				for i := range v.bits {
					v.bits[i] = 0
				}
			}
			continue
		}
		bitutil.BitmapAnd(v.bits, bits, 0, int64(off), v.bits, 0, int64(n))
	}
	return v
}

// fixedOut is a fixed-width output array under construction.
type fixedOut[T physical] struct {
	buf   *memory.Buffer
	vals  []T
	valid bitmap
}

func newFixedOut[T physical](mem memory.Allocator, n int, valid bitmap) *fixedOut[T] {
	buf := memory.NewResizableBuffer(mem)
	var zero T
	buf.Resize(n * int(sizeOf(zero)))
	return &fixedOut[T]{buf: buf, vals: arrow.GetData[T](buf.Bytes())[:n], valid: valid}
}

func sizeOf(v any) int {
	switch v.(type) {
	case int8:
		return 1
	case int16:
		return 2
	case int32, float32:
		return 4
	}
	return 8
}

func (o *fixedOut[T]) finish(dt arrow.DataType) arrow.Array {
	return finishData(dt, len(o.vals), o.valid, o.buf)
}

// finishData wraps owned buffers into an array and drops the local refs.
func finishData(dt arrow.DataType, n int, valid bitmap, vals *memory.Buffer) arrow.Array {
	nulls := n - bitutil.CountSetBits(valid.bits, 0, n)
	vb := valid.buf
	if nulls == 0 {
		vb.Release()
		vb = nil
	}
	d := array.NewData(dt, n, []*memory.Buffer{vb, vals}, nil, nulls, 0)
	if vb != nil {
		vb.Release()
	}
	vals.Release()
	arr := array.MakeFromData(d)
	d.Release()
	return arr
}

// boolOut finishes a boolean array from value and validity bitmaps.
func boolOut(n int, vals, valid bitmap) arrow.Array {
	return finishData(arrow.FixedWidthTypes.Boolean, n, valid, vals.buf)
}

func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}
