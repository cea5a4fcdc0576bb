package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// table builds an in-memory batch from rows of Go values (nil is NULL).
func table(t testing.TB, mem memory.Allocator, st types.StructType, rows ...[]any) arrow.RecordBatch {
	t.Helper()
	schema := st.ArrowSchema()
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, row := range rows {
		for i, v := range row {
			fb := b.Field(i)
			if v == nil {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.Int32Builder:
				fb.Append(int32(v.(int)))
			case *array.Int64Builder:
				fb.Append(int64(v.(int)))
			case *array.Float64Builder:
				fb.Append(v.(float64))
			case *array.StringBuilder:
				fb.Append(v.(string))
			case *array.BooleanBuilder:
				fb.Append(v.(bool))
			default:
				t.Fatalf("table: unsupported builder %T", fb)
			}
		}
	}
	return b.NewRecordBatch()
}

// memSource is a Source over batches, recording the requests it gets.
type memSource struct {
	name    string
	schema  types.StructType
	batches []arrow.RecordBatch
	reqs    []ScanRequest
}

func (s *memSource) Name() string             { return s.name }
func (s *memSource) Schema() types.StructType { return s.schema }
func (s *memSource) Scan(ctx context.Context, req ScanRequest) (batch.Reader, error) {
	s.reqs = append(s.reqs, req)
	var out []arrow.RecordBatch
	schema := s.schema.ArrowSchema()
	if req.Columns != nil {
		fs := make([]types.StructField, len(req.Columns))
		for i, c := range req.Columns {
			fs[i] = s.schema.Fields[c]
		}
		schema = types.StructType{Fields: fs}.ArrowSchema()
	}
	for _, b := range s.batches {
		if req.Columns == nil {
			b.Retain()
			out = append(out, b)
			continue
		}
		cols := make([]arrow.Array, len(req.Columns))
		for i, c := range req.Columns {
			cols[i] = b.Column(c)
		}
		out = append(out, array.NewRecordBatch(schema, cols, b.NumRows()))
	}
	return batch.FromSlice(schema, out...), nil
}

func (s *memSource) release() { batch.Release(s.batches) }

func col(name string) expr.Expr { return &expr.ColumnRef{Name: name} }
func qcol(q, name string) expr.Expr {
	return &expr.ColumnRef{Qualifier: q, Name: name}
}
func alias(e expr.Expr, name string) expr.Expr { return &expr.Alias{Child: e, Name: name} }
func cast(e expr.Expr, t types.DataType) expr.Expr {
	return &expr.Cast{Child: e, To: t}
}
func agg(name string, args ...expr.Expr) expr.Expr { return &expr.AggCall{Name: name, Args: args} }
func call(name string, args ...expr.Expr) expr.Expr {
	return &expr.Call{Name: name, Args: args}
}
func bin(op expr.BinaryOperator, l, r expr.Expr) expr.Expr {
	return &expr.Binary{Op: op, Left: l, Right: r}
}
func desc(e expr.Expr) *expr.SortOrder { return &expr.SortOrder{Child: e, Desc: true} }
func asc(e expr.Expr) *expr.SortOrder  { return &expr.SortOrder{Child: e, NullsFirst: true} }

// formatRows renders a stream as text: a header of column names, then one
// line per row, values separated by " | ", NULL for nulls.
func formatRows(ctx context.Context, r batch.Reader) (string, error) {
	defer r.Close()
	var b strings.Builder
	names := make([]string, r.Schema().NumFields())
	for i, f := range r.Schema().Fields() {
		names[i] = f.Name
	}
	b.WriteString(strings.Join(names, " | ") + "\n")
	for {
		rec, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		for row := range int(rec.NumRows()) {
			vals := make([]string, rec.NumCols())
			for c := range vals {
				a := rec.Column(c)
				if a.IsNull(row) {
					vals[c] = "NULL"
				} else {
					vals[c] = a.ValueStr(row)
				}
			}
			b.WriteString(strings.Join(vals, " | ") + "\n")
		}
		rec.Release()
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return v
}

// relabel gives rec the Arrow schema of st, its columns unchanged in
// layout (a LONG column stands in for a TIMESTAMP one).
func relabel(rec arrow.RecordBatch, st types.StructType) arrow.RecordBatch {
	defer rec.Release()
	schema := st.ArrowSchema()
	cols := make([]arrow.Array, rec.NumCols())
	for i, c := range rec.Columns() {
		d := array.NewData(schema.Field(i).Type, c.Len(), c.Data().Buffers(), nil, c.NullN(), c.Data().Offset())
		cols[i] = array.MakeFromData(d)
		d.Release()
	}
	defer releaseAll(cols)
	return array.NewRecordBatch(schema, cols, rec.NumRows())
}

func releaseAll(as []arrow.Array) {
	for _, a := range as {
		a.Release()
	}
}
