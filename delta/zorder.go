package delta

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// zOrderSort returns rec's rows ordered along a Z-order (Morton) curve over
// the columns cols.
//
// Each column's values are first replaced by their rank among the batch's
// distinct values (NULL lowest), scaled to the full 32-bit range: raw
// values would let a column with a wide domain (timestamps) dominate one
// with a narrow one (a small integer code), and strings have no fixed-width
// numeric form at all. Interleaving the ranks' bits, most significant
// first, gives a key whose order keeps rows close in every column close in
// the sort, so consecutive output files each cover a narrow range of all
// the columns and min/max skipping can drop most of them for a point query
// on any one.
func zOrderSort(ctx context.Context, mem memory.Allocator, rec arrow.RecordBatch, cols []int) (arrow.RecordBatch, error) {
	n := int(rec.NumRows())
	k := len(cols)
	ranks := make([][]uint32, k)
	for c, ci := range cols {
		r, err := scaledRanks(rec.Column(ci))
		if err != nil {
			return nil, fmt.Errorf("delta: zorder by %s: %w", rec.ColumnName(ci), err)
		}
		ranks[c] = r
	}
	var order []int64
	if k <= 2 {
		order = mortonOrder64(ranks, n)
	} else {
		order = mortonOrderBytes(ranks, n)
	}
	ib := array.NewInt64Builder(mem)
	ib.AppendValues(order, nil)
	idx := ib.NewArray()
	ib.Release()
	defer idx.Release()
	out, err := takeRecord(compute.WithAllocator(ctx, mem), rec, idx)
	if err != nil {
		return nil, fmt.Errorf("delta: zorder: reorder rows: %w", err)
	}
	return out, nil
}

// mortonOrder64 is the row order for one or two columns, whose Morton key
// fits a uint64: the common case gets an integer sort.
func mortonOrder64(ranks [][]uint32, n int) []int64 {
	type keyed struct {
		key uint64
		row int64
	}
	ks := make([]keyed, n)
	for row := range ks {
		var key uint64
		if len(ranks) == 1 {
			key = uint64(ranks[0][row])
		} else {
			key = spreadBits(ranks[0][row])<<1 | spreadBits(ranks[1][row])
		}
		ks[row] = keyed{key, int64(row)}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	order := make([]int64, n)
	for i, k := range ks {
		order[i] = k.row
	}
	return order
}

// spreadBits moves bit i of v to bit 2i.
func spreadBits(v uint32) uint64 {
	x := uint64(v)
	x = (x | x<<16) & 0x0000FFFF0000FFFF
	x = (x | x<<8) & 0x00FF00FF00FF00FF
	x = (x | x<<4) & 0x0F0F0F0F0F0F0F0F
	x = (x | x<<2) & 0x3333333333333333
	x = (x | x<<1) & 0x5555555555555555
	return x
}

// mortonOrderBytes is the row order for three or more columns, comparing
// interleaved keys as byte strings.
func mortonOrderBytes(ranks [][]uint32, n int) []int64 {
	k := len(ranks)
	width := 4 * k
	keys := make([]byte, n*width)
	for row := 0; row < n; row++ {
		interleave(keys[row*width:(row+1)*width], ranks, row)
	}
	order := make([]int64, n)
	for i := range order {
		order[i] = int64(i)
	}
	slices.SortStableFunc(order, func(a, b int64) int {
		return bytes.Compare(keys[int(a)*width:int(a+1)*width], keys[int(b)*width:int(b+1)*width])
	})
	return order
}

// interleave writes the Morton key of one row: bit 31 of every column,
// then bit 30 of every column, and so on.
func interleave(dst []byte, ranks [][]uint32, row int) {
	k := len(ranks)
	bit := 0
	for b := 31; b >= 0; b-- {
		for c := 0; c < k; c++ {
			if ranks[c][row]>>uint(b)&1 == 1 {
				dst[bit>>3] |= 0x80 >> uint(bit&7)
			}
			bit++
		}
	}
}

// scaledRanks returns each row's dense rank among the column's distinct
// values (NULL first), stretched over [0, 2^32).
func scaledRanks(col arrow.Array) ([]uint32, error) {
	if keys, ok := int64Keys(col); ok {
		return scaledIntRanks(col, keys), nil
	}
	n := col.Len()
	compare, err := rowComparator(col)
	if err != nil {
		return nil, err
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	cmpNull := func(a, b int) int {
		an, bn := col.IsNull(a), col.IsNull(b)
		switch {
		case an && bn:
			return 0
		case an:
			return -1
		case bn:
			return 1
		}
		return compare(a, b)
	}
	slices.SortFunc(order, cmpNull)
	dense := make([]uint64, n)
	var distinct uint64
	for i, row := range order {
		if i > 0 && cmpNull(order[i-1], row) != 0 {
			distinct++
		}
		dense[row] = distinct
	}
	distinct++
	out := make([]uint32, n)
	for i, d := range dense {
		out[i] = uint32((d << 32) / distinct)
	}
	return out, nil
}

// int64Keys widens an integer-like column (integers, dates, timestamps)
// to int64 values, so ranking sorts plain pairs instead of calling a
// comparator through the array per comparison.
func int64Keys(col arrow.Array) ([]int64, bool) {
	n := col.Len()
	out := make([]int64, n)
	switch a := col.(type) {
	case *array.Int8:
		for i := range out {
			out[i] = int64(a.Value(i))
		}
	case *array.Int16:
		for i := range out {
			out[i] = int64(a.Value(i))
		}
	case *array.Int32:
		for i, v := range a.Int32Values() {
			out[i] = int64(v)
		}
	case *array.Int64:
		copy(out, a.Int64Values())
	case *array.Date32:
		for i, v := range a.Date32Values() {
			out[i] = int64(v)
		}
	case *array.Date64:
		for i, v := range a.Date64Values() {
			out[i] = int64(v)
		}
	case *array.Timestamp:
		for i, v := range a.TimestampValues() {
			out[i] = int64(v)
		}
	default:
		return nil, false
	}
	return out, true
}

// scaledIntRanks is scaledRanks for int64 keys: sort (key, row) pairs,
// NULLs first.
func scaledIntRanks(col arrow.Array, keys []int64) []uint32 {
	type pair struct {
		key  int64
		row  int32
		null bool
	}
	n := len(keys)
	pairs := make([]pair, n)
	for i, k := range keys {
		pairs[i] = pair{key: k, row: int32(i), null: col.IsNull(i)}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		switch {
		case a.null && b.null:
			return 0
		case a.null:
			return -1
		case b.null:
			return 1
		}
		return cmp.Compare(a.key, b.key)
	})
	dense := make([]uint64, n)
	var distinct uint64
	for i, p := range pairs {
		if i > 0 && (p.null != pairs[i-1].null || (!p.null && p.key != pairs[i-1].key)) {
			distinct++
		}
		dense[p.row] = distinct
	}
	distinct++
	out := make([]uint32, n)
	for i, d := range dense {
		out[i] = uint32((d << 32) / distinct)
	}
	return out
}

// rowComparator orders two non-null rows of a column by value, reading the
// typed array directly.
func rowComparator(col arrow.Array) (func(a, b int) int, error) {
	switch a := col.(type) {
	case *array.Int8:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Int16:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Int32:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Int64:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Uint8:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Uint16:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Uint32:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Uint64:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Float32:
		return func(x, y int) int { return cmpFloat(float64(a.Value(x)), float64(a.Value(y))) }, nil
	case *array.Float64:
		return func(x, y int) int { return cmpFloat(a.Value(x), a.Value(y)) }, nil
	case *array.Date32:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Date64:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Timestamp:
		return func(x, y int) int { return cmp.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Boolean:
		return func(x, y int) int {
			return cmp.Compare(b2i(a.Value(x)), b2i(a.Value(y)))
		}, nil
	case *array.String:
		return func(x, y int) int { return strings.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.LargeString:
		return func(x, y int) int { return strings.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Binary:
		return func(x, y int) int { return bytes.Compare(a.Value(x), a.Value(y)) }, nil
	case *array.Decimal128:
		return func(x, y int) int { return a.Value(x).Cmp(a.Value(y)) }, nil
	}
	return nil, fmt.Errorf("[DELTA_ZORDERING_ON_COLUMN_WITHOUT_STATS] cannot Z-order a column of type %s", col.DataType())
}

// cmpFloat is Spark's float order: NaN above every number.
func cmpFloat(x, y float64) int {
	xn, yn := math.IsNaN(x), math.IsNaN(y)
	switch {
	case xn && yn:
		return 0
	case xn:
		return 1
	case yn:
		return -1
	}
	return cmp.Compare(x, y)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
