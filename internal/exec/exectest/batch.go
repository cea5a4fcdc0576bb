package exectest

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/types"
)

// Batch builds a record batch of schema st from rows of Go values, one
// value per column: int for INT and BIGINT, float64, string, bool, and nil
// for NULL. A value of another kind fails the test.
func Batch(t testing.TB, mem memory.Allocator, st types.StructType, rows ...[]any) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(mem, st.ArrowSchema())
	defer b.Release()
	for r, row := range rows {
		if len(row) != len(st.Fields) {
			t.Fatalf("exectest: row %d has %d values, schema has %d columns", r, len(row), len(st.Fields))
		}
		for i, v := range row {
			fb := b.Field(i)
			if v == nil {
				fb.AppendNull()
				continue
			}
			ok := true
			switch fb := fb.(type) {
			case *array.Int32Builder:
				var x int
				x, ok = v.(int)
				fb.Append(int32(x))
			case *array.Int64Builder:
				var x int
				x, ok = v.(int)
				fb.Append(int64(x))
			case *array.Float64Builder:
				var x float64
				x, ok = v.(float64)
				fb.Append(x)
			case *array.StringBuilder:
				var x string
				x, ok = v.(string)
				fb.Append(x)
			case *array.BooleanBuilder:
				var x bool
				x, ok = v.(bool)
				fb.Append(x)
			default:
				t.Fatalf("exectest: column %s: unsupported builder %T", st.Fields[i].Name, fb)
			}
			if !ok {
				t.Fatalf("exectest: row %d column %s: value %#v does not fit %s", r, st.Fields[i].Name, v, st.Fields[i].Type.SQL())
			}
		}
	}
	return b.NewRecordBatch()
}
