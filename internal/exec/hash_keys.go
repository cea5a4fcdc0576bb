package exec

import (
	"fmt"
	"hash/maphash"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// keyColumn holds the distinct values of one key column of a hash table
// (one value per group) and compares the rows of the current input batch
// against them. Implementations are typed so that hashing and comparing run
// over Go slices of the column's native values, never through interfaces or
// formatting per row.
type keyColumn interface {
	// setInput binds the key column of the current batch.
	setInput(arr arrow.Array)
	// hash mixes the hash of every input row into h (len(h) == rows).
	hash(h []uint64)
	// isNull reports whether input row is NULL.
	isNull(row int) bool
	// equal reports whether group g's key equals input row (NULL equals
	// NULL: grouping semantics; joins drop NULL keys before probing).
	equal(g uint32, row int) bool
	// push appends input row as the key of the next group.
	push(row int)
	// build returns the keys of all groups as an array.
	build(mem memory.Allocator) arrow.Array
}

const nullHash = 0x9e3779b97f4a7c15

var hashSeed = maphash.MakeSeed()

// mix64 is the murmur3 finalizer: cheap and good enough to spread integer
// keys over the power-of-two table.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

func combine(h, v uint64) uint64 { return (h^v)*0x100000001b3 + (h >> 29) }

// newKeyColumn returns the key store for Arrow type dt.
func newKeyColumn(dt arrow.DataType) (keyColumn, error) {
	switch dt.ID() {
	case arrow.INT8:
		return &fixedKey[int8]{dt: dt}, nil
	case arrow.INT16:
		return &fixedKey[int16]{dt: dt}, nil
	case arrow.INT32, arrow.DATE32:
		return &fixedKey[int32]{dt: dt}, nil
	case arrow.INT64, arrow.TIMESTAMP, arrow.DATE64:
		return &fixedKey[int64]{dt: dt}, nil
	case arrow.UINT8:
		return &fixedKey[uint8]{dt: dt}, nil
	case arrow.UINT16:
		return &fixedKey[uint16]{dt: dt}, nil
	case arrow.UINT32:
		return &fixedKey[uint32]{dt: dt}, nil
	case arrow.UINT64:
		return &fixedKey[uint64]{dt: dt}, nil
	case arrow.FLOAT32:
		return &fixedKey[float32]{dt: dt, normalize: true}, nil
	case arrow.FLOAT64:
		return &fixedKey[float64]{dt: dt, normalize: true}, nil
	case arrow.DECIMAL128:
		return &fixedKey[decimal128.Num]{dt: dt}, nil
	case arrow.BOOL:
		return &boolKey{}, nil
	case arrow.STRING, arrow.BINARY:
		return &bytesKey{dt: dt}, nil
	case arrow.NULL:
		return &nullKey{}, nil
	}
	return nil, fmt.Errorf("exec: unsupported key type %s", dt)
}

// fixedKey stores keys of a fixed-width type.
type fixedKey[T arrow.FixedWidthType] struct {
	dt        arrow.DataType
	normalize bool // floats: -0.0 groups with 0.0 and all NaNs group together, as in Spark
	vals      []T
	nulls     []bool
	in        []T
	scratch   []T
	inArr     arrow.Array
}

func (k *fixedKey[T]) setInput(arr arrow.Array) {
	k.inArr = arr
	k.in = arrow.GetValues[T](arr.Data(), 1)
	if k.normalize {
		k.scratch = append(k.scratch[:0], k.in...)
		for i, v := range k.scratch {
			k.scratch[i] = normFloat(v)
		}
		k.in = k.scratch
	}
}

func normFloat[T any](v T) T {
	switch f := any(v).(type) {
	case float64:
		if f == 0 {
			return any(float64(0)).(T)
		}
		if f != f {
			return any(math.NaN()).(T)
		}
	case float32:
		if f == 0 {
			return any(float32(0)).(T)
		}
		if f != f {
			return any(float32(math.NaN())).(T)
		}
	}
	return v
}

// bitsOf hashes the raw bytes of v; for 1-8 byte values it reads them as an
// integer, avoiding a byte-slice hash.
func bitsOf[T any](v *T) uint64 {
	switch unsafe.Sizeof(*v) {
	case 1:
		return uint64(*(*uint8)(unsafe.Pointer(v)))
	case 2:
		return uint64(*(*uint16)(unsafe.Pointer(v)))
	case 4:
		return uint64(*(*uint32)(unsafe.Pointer(v)))
	case 8:
		return *(*uint64)(unsafe.Pointer(v))
	case 16:
		p := (*[2]uint64)(unsafe.Pointer(v))
		return p[0] ^ mix64(p[1])
	}
	return maphash.Bytes(hashSeed, unsafe.Slice((*byte)(unsafe.Pointer(v)), unsafe.Sizeof(*v)))
}

func (k *fixedKey[T]) hash(h []uint64) {
	in := k.in
	if k.inArr.NullN() == 0 {
		for i := range h {
			h[i] = combine(h[i], mix64(bitsOf(&in[i])))
		}
		return
	}
	for i := range h {
		if k.inArr.IsNull(i) {
			h[i] = combine(h[i], nullHash)
		} else {
			h[i] = combine(h[i], mix64(bitsOf(&in[i])))
		}
	}
}

func (k *fixedKey[T]) isNull(row int) bool { return k.inArr.IsNull(row) }

func (k *fixedKey[T]) equal(g uint32, row int) bool {
	if k.inArr.IsNull(row) {
		return k.nulls[g]
	}
	if k.nulls[g] {
		return false
	}
	a, b := k.vals[g], k.in[row]
	// NaN != NaN under ==, but all NaNs form one group in Spark.
	return a == b || (k.normalize && a != a && b != b)
}

func (k *fixedKey[T]) push(row int) {
	var zero T
	if k.inArr.IsNull(row) {
		k.vals = append(k.vals, zero)
		k.nulls = append(k.nulls, true)
		return
	}
	k.vals = append(k.vals, k.in[row])
	k.nulls = append(k.nulls, false)
}

func (k *fixedKey[T]) build(mem memory.Allocator) arrow.Array {
	return buildFixed(mem, k.dt, k.vals, k.nulls)
}

// buildFixed makes an Arrow array of type dt from values and null flags.
func buildFixed[T arrow.FixedWidthType](mem memory.Allocator, dt arrow.DataType, vals []T, nulls []bool) arrow.Array {
	n := len(vals)
	var zero T
	data := memory.NewResizableBuffer(mem)
	data.Resize(int(unsafe.Sizeof(zero)) * n)
	copy(data.Bytes(), arrow.GetBytes(vals))
	var valid *memory.Buffer
	nullCount := 0
	for _, isNull := range nulls {
		if isNull {
			nullCount++
		}
	}
	if nullCount > 0 {
		valid = memory.NewResizableBuffer(mem)
		valid.Resize(int(bitutil.BytesForBits(int64(n))))
		bits := valid.Bytes()
		clear(bits)
		for i, isNull := range nulls {
			if !isNull {
				bitutil.SetBit(bits, i)
			}
		}
	}
	d := array.NewData(dt, n, []*memory.Buffer{valid, data}, nil, nullCount, 0)
	arr := array.MakeFromData(d)
	d.Release()
	data.Release()
	if valid != nil {
		valid.Release()
	}
	return arr
}

// boolKey stores boolean keys.
type boolKey struct {
	vals  []bool
	nulls []bool
	in    *array.Boolean
}

func (k *boolKey) setInput(arr arrow.Array) { k.in = arr.(*array.Boolean) }
func (k *boolKey) isNull(row int) bool      { return k.in.IsNull(row) }
func (k *boolKey) hash(h []uint64) {
	for i := range h {
		switch {
		case k.in.IsNull(i):
			h[i] = combine(h[i], nullHash)
		case k.in.Value(i):
			h[i] = combine(h[i], mix64(1))
		default:
			h[i] = combine(h[i], mix64(2))
		}
	}
}
func (k *boolKey) equal(g uint32, row int) bool {
	if k.in.IsNull(row) || k.nulls[g] {
		return k.in.IsNull(row) && k.nulls[g]
	}
	return k.vals[g] == k.in.Value(row)
}
func (k *boolKey) push(row int) {
	null := k.in.IsNull(row)
	k.nulls = append(k.nulls, null)
	k.vals = append(k.vals, !null && k.in.Value(row))
}
func (k *boolKey) build(mem memory.Allocator) arrow.Array {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	valid := make([]bool, len(k.nulls))
	for i, n := range k.nulls {
		valid[i] = !n
	}
	b.AppendValues(k.vals, valid)
	return b.NewArray()
}

// bytesKey stores string or binary keys in one arena.
type bytesKey struct {
	dt    arrow.DataType
	arena []byte
	offs  []int // len = groups+1
	nulls []bool
	inArr arrow.Array
	inOff []int32
	inVal []byte
}

type offsetsAndBytes interface {
	ValueOffsets() []int32
	ValueBytes() []byte
}

func (k *bytesKey) setInput(arr arrow.Array) {
	if k.offs == nil {
		k.offs = []int{0}
	}
	k.inArr = arr
	ob := arr.(offsetsAndBytes)
	k.inOff = ob.ValueOffsets()
	k.inVal = ob.ValueBytes()
}

// value returns input row's bytes; ValueBytes starts at the first offset.
func (k *bytesKey) value(row int) []byte {
	base := k.inOff[0]
	return k.inVal[k.inOff[row]-base : k.inOff[row+1]-base]
}

func (k *bytesKey) isNull(row int) bool { return k.inArr.IsNull(row) }

func (k *bytesKey) hash(h []uint64) {
	for i := range h {
		if k.inArr.IsNull(i) {
			h[i] = combine(h[i], nullHash)
			continue
		}
		h[i] = combine(h[i], maphash.Bytes(hashSeed, k.value(i)))
	}
}

func (k *bytesKey) equal(g uint32, row int) bool {
	if k.inArr.IsNull(row) || k.nulls[g] {
		return k.inArr.IsNull(row) && k.nulls[g]
	}
	return string(k.arena[k.offs[g]:k.offs[g+1]]) == string(k.value(row))
}

func (k *bytesKey) push(row int) {
	null := k.inArr.IsNull(row)
	k.nulls = append(k.nulls, null)
	if !null {
		k.arena = append(k.arena, k.value(row)...)
	}
	k.offs = append(k.offs, len(k.arena))
}

func (k *bytesKey) build(mem memory.Allocator) arrow.Array {
	b := array.NewBinaryBuilder(mem, k.dt.(arrow.BinaryDataType))
	defer b.Release()
	b.Reserve(len(k.nulls))
	b.ReserveData(len(k.arena))
	for g, null := range k.nulls {
		if null {
			b.AppendNull()
			continue
		}
		b.Append(k.arena[k.offs[g]:k.offs[g+1]])
	}
	// The binary builder makes a *array.Binary whatever its type; rewrap
	// the data so a STRING key comes back as *array.String.
	arr := b.NewArray()
	defer arr.Release()
	return array.MakeFromData(arr.Data())
}

// nullKey is a key column of the Null type: every value is NULL.
type nullKey struct{ n int }

func (k *nullKey) setInput(arrow.Array) {}
func (k *nullKey) isNull(int) bool      { return true }
func (k *nullKey) hash(h []uint64) {
	for i := range h {
		h[i] = combine(h[i], nullHash)
	}
}
func (k *nullKey) equal(uint32, int) bool { return true }
func (k *nullKey) push(int)               { k.n++ }
func (k *nullKey) build(memory.Allocator) arrow.Array {
	return array.NewNull(k.n)
}
