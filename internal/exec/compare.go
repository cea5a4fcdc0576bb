package exec

import (
	"bytes"
	"cmp"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ingotdata/ingot/internal/expr"
)

// rowCompare compares two non-null values of one array by position.
type rowCompare func(i, j int) int

// newRowCompare returns the comparison of arr's values in Spark's ordering:
// numbers by value with NaN above every other double and -0.0 equal to 0.0,
// strings and binaries by unsigned bytes (UTF-8 order), false before true.
func newRowCompare(arr arrow.Array) (rowCompare, error) {
	switch a := arr.(type) {
	case *array.Int8:
		return fixedCompare(a.Int8Values()), nil
	case *array.Int16:
		return fixedCompare(a.Int16Values()), nil
	case *array.Int32:
		return fixedCompare(a.Int32Values()), nil
	case *array.Int64:
		return fixedCompare(a.Int64Values()), nil
	case *array.Uint8:
		return fixedCompare(a.Uint8Values()), nil
	case *array.Uint16:
		return fixedCompare(a.Uint16Values()), nil
	case *array.Uint32:
		return fixedCompare(a.Uint32Values()), nil
	case *array.Uint64:
		return fixedCompare(a.Uint64Values()), nil
	case *array.Date32:
		return fixedCompare(a.Date32Values()), nil
	case *array.Timestamp:
		return fixedCompare(a.TimestampValues()), nil
	case *array.Float32:
		return floatCompare(a.Float32Values()), nil
	case *array.Float64:
		return floatCompare(a.Float64Values()), nil
	case *array.Decimal128:
		vs := arrow.GetValues[decimal128.Num](a.Data(), 1)
		return func(i, j int) int { return vs[i].Cmp(vs[j]) }, nil
	case *array.Boolean:
		return func(i, j int) int {
			x, y := a.Value(i), a.Value(j)
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}, nil
	case *array.String:
		return bytesCompare(a), nil
	case *array.Binary:
		return bytesCompare(a), nil
	case *array.Null:
		return func(int, int) int { return 0 }, nil
	}
	return nil, fmt.Errorf("exec: cannot order values of type %s", arr.DataType())
}

func fixedCompare[T cmp.Ordered](vs []T) rowCompare {
	return func(i, j int) int { return cmp.Compare(vs[i], vs[j]) }
}

func floatCompare[T float32 | float64](vs []T) rowCompare {
	return func(i, j int) int { return expr.CompareFloat(vs[i], vs[j]) }
}

func bytesCompare(a offsetsAndBytes) rowCompare {
	offs, data := a.ValueOffsets(), a.ValueBytes()
	base := offs[0]
	return func(i, j int) int {
		return bytes.Compare(data[offs[i]-base:offs[i+1]-base], data[offs[j]-base:offs[j+1]-base])
	}
}
