package expr

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// cmpFunc fills out[i] with -1, 0 or 1 comparing a[i] with b[i] (values
// under NULL slots are compared too and ignored later).
type cmpFunc func(a, b arrow.Array, out []int8)

func cmpOrdered[T int8 | int16 | int32 | int64](a, b arrow.Array, out []int8) {
	av, bv := values[T](a), values[T](b)
	if scalarOf(a, b) {
		y := bv[0]
		for i, x := range av {
			out[i] = compareInt(x, y)
		}
		return
	}
	for i := range out {
		out[i] = compareInt(av[i], bv[i])
	}
}

// compareInt is small enough to inline into cmpOrdered's loops.
func compareInt[T int8 | int16 | int32 | int64](x, y T) int8 {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// cmpFloat orders NaN above every other value and equal to itself, as
// Spark does (so NaN = NaN is true).
func cmpFloat[T float32 | float64](a, b arrow.Array, out []int8) {
	av, bv := values[T](a), values[T](b)
	if scalarOf(a, b) {
		y := bv[0]
		if y != y {
			for i, x := range av {
				out[i] = int8(CompareFloat(x, y))
			}
			return
		}
		for i, x := range av {
			switch {
			case x < y:
				out[i] = -1
			case x > y:
				out[i] = 1
			case x == y:
				out[i] = 0
			default: // x is NaN
				out[i] = 1
			}
		}
		return
	}
	for i := range out {
		out[i] = int8(CompareFloat(av[i], bv[i]))
	}
}

// CompareFloat is Spark's total order of floating-point values, used by
// comparisons, min/max and sorting alike: NaN is above every other value
// and equal to itself, and -0.0 equals 0.0.
func CompareFloat[T float32 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	case x == y:
		return 0
	}
	// At least one side is NaN (the only value not equal to itself).
	xn, yn := x != x, y != y
	switch {
	case xn && yn:
		return 0
	case xn:
		return 1
	}
	return -1
}

// comparer returns the three-way comparison for values of type t.
func comparer(t types.DataType) (cmpFunc, error) {
	switch t.(type) {
	case types.ByteType:
		return cmpOrdered[int8], nil
	case types.ShortType:
		return cmpOrdered[int16], nil
	case types.IntegerType, types.DateType:
		return cmpOrdered[int32], nil
	case types.LongType, types.TimestampType, types.TimestampNTZType:
		return cmpOrdered[int64], nil
	case types.FloatType:
		return cmpFloat[float32], nil
	case types.DoubleType:
		return cmpFloat[float64], nil
	case types.StringType:
		return func(a, b arrow.Array, out []int8) {
			as, bs := a.(*array.String), b.(*array.String)
			for i := range out {
				out[i] = int8(strings.Compare(as.Value(i), bs.Value(bi(a, b, i))))
			}
		}, nil
	case types.BinaryType:
		return func(a, b arrow.Array, out []int8) {
			as, bs := a.(*array.Binary), b.(*array.Binary)
			for i := range out {
				out[i] = int8(bytes.Compare(as.Value(i), bs.Value(bi(a, b, i))))
			}
		}, nil
	case types.BooleanType:
		return func(a, b arrow.Array, out []int8) {
			as, bs := a.(*array.Boolean), b.(*array.Boolean)
			for i := range out {
				x, y := as.Value(i), bs.Value(bi(a, b, i))
				switch {
				case x == y:
					out[i] = 0
				case y:
					out[i] = -1
				default:
					out[i] = 1
				}
			}
		}, nil
	case decT:
		return func(a, b arrow.Array, out []int8) {
			av, bv := decValues(a), decValues(b)
			for i := range out {
				out[i] = int8(av[i].Cmp(bv[bi(a, b, i)]))
			}
		}, nil
	case types.NullType:
		return func(a, b arrow.Array, out []int8) {}, nil
	}
	return nil, fmt.Errorf("comparison of %s: %w", t.SQL(), ErrUnsupported)
}

// bi is the row of b matching row i of a: 0 when b is broadcast.
func bi(a, b arrow.Array, i int) int {
	if scalarOf(a, b) {
		return 0
	}
	return i
}

func compareKernel(mem memory.Allocator, op BinaryOperator, cmp cmpFunc, a, b arrow.Array) arrow.Array {
	n := a.Len()
	c := make([]int8, n)
	cmp(a, b, c)
	vals := newBitmap(mem, n, false)
	var valid bitmap
	if op == OpNullSafe {
		valid = newBitmap(mem, n, true)
		for i := 0; i < n; i++ {
			an, bn := a.IsNull(i), b.IsNull(bi(a, b, i))
			vals.setTo(i, (an && bn) || (!an && !bn && c[i] == 0))
		}
		return boolOut(n, vals, valid)
	}
	valid = validityOf(mem, n, a, b)
	var pred func(int8) bool
	switch op {
	case OpEq:
		pred = func(x int8) bool { return x == 0 }
	case OpNotEq:
		pred = func(x int8) bool { return x != 0 }
	case OpLt:
		pred = func(x int8) bool { return x < 0 }
	case OpLtEq:
		pred = func(x int8) bool { return x <= 0 }
	case OpGt:
		pred = func(x int8) bool { return x > 0 }
	default:
		pred = func(x int8) bool { return x >= 0 }
	}
	for i, x := range c {
		if pred(x) {
			vals.set(i)
		}
	}
	return boolOut(n, vals, valid)
}

// logicKernel is SQL's three-valued AND/OR: FALSE AND NULL is FALSE,
// TRUE OR NULL is TRUE, otherwise NULL propagates.
func logicKernel(mem memory.Allocator, and bool, a, b arrow.Array) arrow.Array {
	n := a.Len()
	as, bs := a.(*array.Boolean), b.(*array.Boolean)
	vals := newBitmap(mem, n, false)
	valid := newBitmap(mem, n, true)
	for i := 0; i < n; i++ {
		an, bn := as.IsNull(i), bs.IsNull(i)
		x, y := !an && as.Value(i), !bn && bs.Value(i)
		if and {
			switch {
			case (!an && !x) || (!bn && !y):
				// definitely false
			case an || bn:
				valid.clear(i)
			default:
				vals.set(i)
			}
		} else {
			switch {
			case x || y:
				vals.set(i)
			case an || bn:
				valid.clear(i)
			}
		}
	}
	return boolOut(n, vals, valid)
}
