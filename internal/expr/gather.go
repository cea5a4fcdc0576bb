package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// gather builds an array of type t whose row i is row i of srcs[pick[i]],
// or NULL when pick[i] < 0. CASE, IF, COALESCE, GREATEST and NULLIF are
// all "compute which input wins per row, then gather".
func gather(mem memory.Allocator, t types.DataType, n int, srcs []arrow.Array, pick []int) (arrow.Array, error) {
	at := types.ToArrow(t)
	switch t.(type) {
	case types.ByteType:
		return gatherFixed[int8](mem, at, n, srcs, pick), nil
	case types.ShortType:
		return gatherFixed[int16](mem, at, n, srcs, pick), nil
	case types.IntegerType, dateT:
		return gatherFixed[int32](mem, at, n, srcs, pick), nil
	case types.LongType, tsT, tsNTZT:
		return gatherFixed[int64](mem, at, n, srcs, pick), nil
	case types.FloatType:
		return gatherFixed[float32](mem, at, n, srcs, pick), nil
	case types.DoubleType:
		return gatherFixed[float64](mem, at, n, srcs, pick), nil
	case types.NullType:
		return array.MakeArrayOfNull(mem, at, n), nil
	case types.BooleanType:
		vals, valid := newBitmap(mem, n, false), newBitmap(mem, n, false)
		for i, p := range pick {
			if p >= 0 && srcs[p].IsValid(i) {
				valid.set(i)
				vals.setTo(i, srcs[p].(*array.Boolean).Value(i))
			}
		}
		return boolOut(n, vals, valid), nil
	case types.StringType:
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.Reserve(n)
		for i, p := range pick {
			if p >= 0 && srcs[p].IsValid(i) {
				b.Append(srcs[p].(*array.String).Value(i))
			} else {
				b.AppendNull()
			}
		}
		return b.NewArray(), nil
	case types.BinaryType:
		b := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
		defer b.Release()
		for i, p := range pick {
			if p >= 0 && srcs[p].IsValid(i) {
				b.Append(srcs[p].(*array.Binary).Value(i))
			} else {
				b.AppendNull()
			}
		}
		return b.NewArray(), nil
	case decT:
		b := array.NewDecimal128Builder(mem, at.(*arrow.Decimal128Type))
		defer b.Release()
		for i, p := range pick {
			if p >= 0 && srcs[p].IsValid(i) {
				b.Append(decValues(srcs[p])[i])
			} else {
				b.AppendNull()
			}
		}
		return b.NewArray(), nil
	}
	return nil, fmt.Errorf("expr: select rows of %s: %w", t.SQL(), ErrUnsupported)
}

func gatherFixed[T physical](mem memory.Allocator, at arrow.DataType, n int, srcs []arrow.Array, pick []int) arrow.Array {
	vs := make([][]T, len(srcs))
	for j, s := range srcs {
		vs[j] = values[T](s)
	}
	o := newFixedOut[T](mem, n, newBitmap(mem, n, false))
	for i, p := range pick {
		if p >= 0 && srcs[p].IsValid(i) {
			o.valid.set(i)
			o.vals[i] = vs[p][i]
		}
	}
	return o.finish(at)
}

// truth reads a boolean array's row as SQL truth: NULL counts as false.
func truth(a arrow.Array, i int) bool {
	return a.IsValid(i) && a.(*array.Boolean).Value(i)
}
