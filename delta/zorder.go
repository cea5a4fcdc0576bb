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
