package ingot

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// formatShow renders rows like Spark's Dataset.show: a boxed table, values
// right-aligned, NULL for nulls, long values cut to 20 characters, and a
// footer when more than n rows exist. Values are formatted by casting them
// to STRING, so show() prints exactly what CAST(x AS STRING) gives.
func formatShow(ctx context.Context, schema types.StructType, bs []arrow.RecordBatch, n int, truncate bool) (string, error) {
	cells, more, err := stringCells(ctx, schema, bs, n, "NULL")
	if err != nil {
		return "", err
	}
	header := schema.Names()
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = max(3, utf8.RuneCountInString(h))
	}
	for _, row := range cells {
		for i := range row {
			if truncate && utf8.RuneCountInString(row[i]) > 20 {
				row[i] = string([]rune(row[i])[:17]) + "..."
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(row[i]))
		}
	}
	var b strings.Builder
	sep := func() {
		b.WriteByte('+')
		for _, w := range widths {
			b.WriteString(strings.Repeat("-", w))
			b.WriteByte('+')
		}
		b.WriteByte('\n')
	}
	line := func(vals []string) {
		b.WriteByte('|')
		for i, v := range vals {
			b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(v)))
			b.WriteString(v)
			b.WriteByte('|')
		}
		b.WriteByte('\n')
	}
	sep()
	line(header)
	sep()
	for _, row := range cells {
		line(row)
	}
	sep()
	if more {
		fmt.Fprintf(&b, "only showing top %d rows\n", n)
	}
	return b.String(), nil
}

// stringCells casts every column to STRING and returns up to n rows of
// cells (null standing for NULL), and whether more rows exist.
func stringCells(ctx context.Context, schema types.StructType, bs []arrow.RecordBatch, n int, null string) ([][]string, bool, error) {
	evals := make([]expr.Evaluator, len(schema.Fields))
	for i, f := range schema.Fields {
		var e expr.Expr = &expr.BoundRef{Index: i, Name: f.Name, Type: f.Type, Nullable: f.Nullable}
		if _, ok := f.Type.(types.StringType); !ok {
			e = &expr.Cast{Child: e, To: types.String}
		}
		ev, err := expr.Compile(e)
		if err != nil {
			return nil, false, fmt.Errorf("ingot: show column %q: %w", f.Name, err)
		}
		evals[i] = ev
	}
	var rows [][]string
	for _, b := range bs {
		cols := make([]*array.String, len(evals))
		for i, ev := range evals {
			arr, err := ev.Eval(ctx, b)
			if err != nil {
				for _, c := range cols[:i] {
					c.Release()
				}
				return nil, false, err
			}
			cols[i] = arr.(*array.String)
		}
		for r := 0; r < int(b.NumRows()); r++ {
			if len(rows) == n {
				for _, c := range cols {
					c.Release()
				}
				return rows, true, nil
			}
			row := make([]string, len(cols))
			for i, c := range cols {
				if c.IsNull(r) {
					row[i] = null
				} else {
					row[i] = c.Value(r)
				}
			}
			rows = append(rows, row)
		}
		for _, c := range cols {
			c.Release()
		}
	}
	return rows, false, nil
}
