package plan

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/exec/exectest"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

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
	names := make([]string, r.Schema().NumFields())
	for i, f := range r.Schema().Fields() {
		names[i] = f.Name
	}
	rows, err := exectest.Rows(ctx, r, " | ")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, line := range append([]string{strings.Join(names, " | ")}, rows...) {
		b.WriteString(line + "\n")
	}
	return b.String(), nil
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
