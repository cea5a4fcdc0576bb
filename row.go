package ingot

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ingotdata/ingot/types"
)

// Row is one result row as Go values, in schema order: nil for NULL, bool,
// int8/int16/int32/int64, float32/float64, string, []byte, time.Time (UTC)
// for DATE and TIMESTAMP, a decimal's string form, []any for arrays,
// map[any]any for maps and Row for structs.
type Row []any

func isEOF(err error) bool { return errors.Is(err, io.EOF) }

func rowsOf(schema types.StructType, bs []arrow.RecordBatch) ([]Row, error) {
	var out []Row
	for _, b := range bs {
		for i := 0; i < int(b.NumRows()); i++ {
			r := make(Row, b.NumCols())
			for c := range r {
				v, err := valueAt(b.Column(c), i)
				if err != nil {
					return nil, fmt.Errorf("ingot: column %q: %w", b.ColumnName(c), err)
				}
				r[c] = v
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// valueAt converts one Arrow value to its Go form (see Row). It is for
// result delivery to users, never for operators' inner loops.
func valueAt(a arrow.Array, i int) (any, error) {
	if a.IsNull(i) {
		return nil, nil
	}
	switch a := a.(type) {
	case *array.Boolean:
		return a.Value(i), nil
	case *array.Int8:
		return a.Value(i), nil
	case *array.Int16:
		return a.Value(i), nil
	case *array.Int32:
		return a.Value(i), nil
	case *array.Int64:
		return a.Value(i), nil
	case *array.Float32:
		return a.Value(i), nil
	case *array.Float64:
		return a.Value(i), nil
	case *array.String:
		return a.Value(i), nil
	case *array.LargeString:
		return a.Value(i), nil
	case *array.Binary:
		return append([]byte(nil), a.Value(i)...), nil
	case *array.Date32:
		return time.Unix(int64(a.Value(i))*86400, 0).UTC(), nil
	case *array.Timestamp:
		return time.UnixMicro(int64(a.Value(i))).UTC(), nil
	case *array.Decimal128:
		dt := a.DataType().(*arrow.Decimal128Type)
		return a.Value(i).ToString(dt.Scale), nil
	case *array.List:
		start, end := a.ValueOffsets(i)
		vals := a.ListValues()
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			v, err := valueAt(vals, int(j))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case *array.Map:
		start, end := a.ValueOffsets(i)
		keys, items := a.Keys(), a.Items()
		out := make(map[any]any, end-start)
		for j := start; j < end; j++ {
			k, err := valueAt(keys, int(j))
			if err != nil {
				return nil, err
			}
			v, err := valueAt(items, int(j))
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case *array.Struct:
		r := make(Row, a.NumField())
		for f := range r {
			v, err := valueAt(a.Field(f), i)
			if err != nil {
				return nil, err
			}
			r[f] = v
		}
		return r, nil
	}
	return nil, fmt.Errorf("no Go form for Arrow type %s", a.DataType())
}
