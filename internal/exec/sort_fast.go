package exec

import (
	"cmp"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/internal/expr"
)

// sortSingleKey orders rows by one key column without going through a
// per-comparison closure over the array: the non-null values are copied
// next to their row positions and sorted as plain Go values, NULLs placed
// before or after them. It reports false for types it does not handle.
func sortSingleKey(arr arrow.Array, desc, nullsFirst bool) ([]int32, bool) {
	switch a := arr.(type) {
	case *array.Int32:
		return sortOrdered(arr, a.Int32Values(), desc, nullsFirst), true
	case *array.Int64:
		return sortOrdered(arr, a.Int64Values(), desc, nullsFirst), true
	case *array.Date32:
		return sortOrdered(arr, a.Date32Values(), desc, nullsFirst), true
	case *array.Timestamp:
		return sortOrdered(arr, a.TimestampValues(), desc, nullsFirst), true
	case *array.Float64:
		return sortValues(arr, a.Float64Values(), expr.CompareFloat[float64], desc, nullsFirst), true
	case *array.Float32:
		return sortValues(arr, a.Float32Values(), expr.CompareFloat[float32], desc, nullsFirst), true
	case *array.String:
		offs, data := a.ValueOffsets(), a.ValueBytes()
		base := offs[0]
		// Views into the array's bytes, not copies: valid while arr lives.
		vs := make([]string, a.Len())
		for i := range vs {
			if n := offs[i+1] - offs[i]; n > 0 {
				vs[i] = unsafe.String(&data[offs[i]-base], int(n))
			}
		}
		return sortOrdered(arr, vs, desc, nullsFirst), true
	}
	return nil, false
}

// sortItem is a key value next to its row position.
type sortItem[T any] struct {
	v T
	i int32
}

func sortValues[T any](arr arrow.Array, vals []T, compare func(T, T) int, desc, nullsFirst bool) []int32 {
	items, nulls := splitNulls(arr, vals)
	slices.SortFunc(items, func(a, b sortItem[T]) int {
		c := compare(a.v, b.v)
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		return int(a.i - b.i) // stable
	})
	return sortedPositions(items, nulls, nullsFirst)
}

// sortOrdered is sortValues for types Go orders natively, with the
// comparison inlined into two direction-specific functions: the generic
// comparator call dominated the profile.
func sortOrdered[T cmp.Ordered](arr arrow.Array, vals []T, desc, nullsFirst bool) []int32 {
	items, nulls := splitNulls(arr, vals)
	if desc {
		slices.SortFunc(items, func(a, b sortItem[T]) int {
			if a.v != b.v {
				if a.v > b.v {
					return -1
				}
				return 1
			}
			return int(a.i - b.i)
		})
	} else {
		slices.SortFunc(items, func(a, b sortItem[T]) int {
			if a.v != b.v {
				if a.v < b.v {
					return -1
				}
				return 1
			}
			return int(a.i - b.i)
		})
	}
	return sortedPositions(items, nulls, nullsFirst)
}

// splitNulls pairs the non-null values of arr with their positions and
// lists the positions of its NULLs apart.
func splitNulls[T any](arr arrow.Array, vals []T) ([]sortItem[T], []int32) {
	items := make([]sortItem[T], 0, len(vals))
	var nulls []int32
	for i, v := range vals {
		if arr.IsNull(i) {
			nulls = append(nulls, int32(i))
			continue
		}
		items = append(items, sortItem[T]{v, int32(i)})
	}
	return items, nulls
}

// sortedPositions lists the positions of the sorted items with the NULLs
// before or after them.
func sortedPositions[T any](items []sortItem[T], nulls []int32, nullsFirst bool) []int32 {
	out := make([]int32, 0, len(items)+len(nulls))
	if nullsFirst {
		out = append(out, nulls...)
	}
	for _, it := range items {
		out = append(out, it.i)
	}
	if !nullsFirst {
		out = append(out, nulls...)
	}
	return out
}
