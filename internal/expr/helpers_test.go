package expr

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// column is test input: a name, a Spark type and Go values (nil = NULL).
type column struct {
	name string
	t    types.DataType
	vals []any
}

func col(name string, t types.DataType, vals ...any) column { return column{name, t, vals} }

// newBatch builds a record batch from test columns (a test-only []any path).
func newBatch(t testing.TB, mem memory.Allocator, cols ...column) arrow.RecordBatch {
	t.Helper()
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	n := -1
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: types.ToArrow(c.t), Nullable: true}
		b := array.NewBuilder(mem, types.ToArrow(c.t))
		for _, v := range c.vals {
			appendValue(t, b, c.t, v)
		}
		arrs[i] = b.NewArray()
		b.Release()
		if n >= 0 && arrs[i].Len() != n {
			t.Fatalf("column %s has %d rows, want %d", c.name, arrs[i].Len(), n)
		}
		n = arrs[i].Len()
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), arrs, int64(max(n, 0)))
	releaseAll(arrs)
	return rec
}

func appendValue(t testing.TB, b array.Builder, dt types.DataType, v any) {
	t.Helper()
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.Int8Builder:
		b.Append(int8(litInt(v)))
	case *array.Int16Builder:
		b.Append(int16(litInt(v)))
	case *array.Int32Builder:
		b.Append(int32(litInt(v)))
	case *array.Int64Builder:
		b.Append(litInt(v))
	case *array.Float32Builder:
		b.Append(float32(litFloat(v)))
	case *array.Float64Builder:
		b.Append(litFloat(v))
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.Date32Builder:
		if s, ok := v.(string); ok {
			d, ok := parseDate(s)
			if !ok {
				t.Fatalf("bad test date %q", s)
			}
			b.Append(arrow.Date32(d))
		} else {
			b.Append(arrow.Date32(litInt(v)))
		}
	case *array.TimestampBuilder:
		switch v := v.(type) {
		case string:
			us, ok := parseTimestamp(v)
			if !ok {
				t.Fatalf("bad test timestamp %q", v)
			}
			b.Append(arrow.Timestamp(us))
		case time.Time:
			b.Append(arrow.Timestamp(v.UnixMicro()))
		default:
			b.Append(arrow.Timestamp(litInt(v)))
		}
	case *array.Decimal128Builder:
		d := dt.(types.DecimalType)
		num, err := litDecimal(v, d)
		if err != nil {
			t.Fatal(err)
		}
		b.Append(num)
	default:
		t.Fatalf("no test builder for %T", b)
	}
}

// ref binds a column of the batch by name.
func ref(rec arrow.RecordBatch, name string) *BoundRef {
	idx := rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		panic("no column " + name)
	}
	st, err := types.FromArrow(rec.Schema().Field(idx[0]).Type)
	if err != nil {
		panic(err)
	}
	return &BoundRef{Index: idx[0], Name: name, Type: st, Nullable: true}
}

// render shows each value as CAST(v AS STRING) does, NULL for nulls.
func render(t testing.TB, mem memory.Allocator, a arrow.Array, typ types.DataType) []string {
	t.Helper()
	s, err := CastArray(mem, a, typ, types.String)
	if err != nil {
		t.Fatalf("render %s: %v", typ.SQL(), err)
	}
	defer s.Release()
	out := make([]string, s.Len())
	for i := range out {
		if s.IsNull(i) {
			out[i] = "NULL"
		} else {
			out[i] = s.(*array.String).Value(i)
		}
	}
	return out
}

// evalExpr coerces, compiles and evaluates e over rec, returning the
// result type and rendered values.
func evalExpr(t testing.TB, mem memory.Allocator, e Expr, rec arrow.RecordBatch) (types.DataType, []string, error) {
	t.Helper()
	ce, err := Coerce(e)
	if err != nil {
		return nil, nil, err
	}
	ev, err := Compile(ce)
	if err != nil {
		return nil, nil, err
	}
	out, err := ev.Eval(WithAllocator(context.Background(), mem), rec)
	if err != nil {
		return nil, nil, err
	}
	defer out.Release()
	if out.Len() != int(rec.NumRows()) {
		t.Fatalf("%s: %d rows out of %d", e, out.Len(), rec.NumRows())
	}
	return ev.Type(), render(t, mem, out, ev.Type()), nil
}

func checked(t testing.TB) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

func bin(op BinaryOperator, l, r Expr) *Binary { return &Binary{Op: op, Left: l, Right: r} }
func call(name string, args ...Expr) *Call     { return &Call{Name: name, Args: args} }

func joinRow(vals []string) string {
	out := ""
	for i, v := range vals {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out
}

func nanValue() any { return math.NaN() }
func negZero() any  { return math.Copysign(0, -1) }
