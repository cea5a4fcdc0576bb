package ingot

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/types"
)

// maxShowRows caps show()'s row count as Spark does (the largest array it
// can allocate, less one), so n+1 cannot overflow.
const maxShowRows = 2147483632 - 1

// formatShow renders rows as Spark 3.5's Dataset.showString does: a boxed
// table, NULL for nulls, binary values as hex bytes, control characters
// escaped (escapeMetaCharacters) in names and values so that a value cannot
// break the box. With truncate > 0, values longer than truncate characters
// are cut to truncate-3 characters and "...", and cells are right-aligned;
// with truncate == 0 they are whole and left-aligned. Lengths are counted
// as Java does (UTF-16 units) and widths with Spark's half-width rule (an
// East Asian full-width character takes two columns). A footer says when
// more than n rows exist. Values are formatted by casting them to STRING,
// so show() prints what CAST(x AS STRING) gives.
func formatShow(ctx context.Context, schema types.StructType, bs []arrow.RecordBatch, n, truncate int) (string, error) {
	cells, more, err := showCells(ctx, schema, bs, n)
	if err != nil {
		return "", err
	}
	rows := make([][]string, 0, len(cells)+1)
	header := schema.Names()
	for i, h := range header {
		header[i] = escapeMetaCharacters(h)
	}
	rows = append(rows, header)
	for _, row := range cells {
		for i := range row {
			row[i] = truncateCell(row[i], truncate)
		}
		rows = append(rows, row)
	}
	widths := make([]int, len(header))
	for i := range widths {
		widths[i] = 3 // Spark's minimum column width
	}
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], halfWidth(c))
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
			pad := strings.Repeat(" ", widths[i]-halfWidth(v))
			if truncate > 0 {
				b.WriteString(pad)
				b.WriteString(v)
			} else {
				b.WriteString(v)
				b.WriteString(pad)
			}
			b.WriteByte('|')
		}
		b.WriteByte('\n')
	}
	sep()
	line(rows[0])
	sep()
	for _, row := range rows[1:] {
		line(row)
	}
	sep()
	if more {
		unit := "rows"
		if n == 1 {
			unit = "row"
		}
		fmt.Fprintf(&b, "only showing top %d %s\n", n, unit)
	}
	return b.String(), nil
}

// metaEscaper is Spark's SchemaUtils.escapeMetaCharacters.
var metaEscaper = strings.NewReplacer(
	"\n", `\n`, "\r", `\r`, "\t", `\t`, "\f", `\f`, "\b", `\b`, "\v", `\v`, "\a", `\a`)

func escapeMetaCharacters(s string) string { return metaEscaper.Replace(s) }

// javaLen is the length of s in UTF-16 code units, Java's String.length,
// which Spark's truncation and widths count in.
func javaLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// truncateCell cuts s as Spark's getRows does: beyond limit UTF-16 units,
// keep limit-3 and add "..." (just limit below 4). Java's substring may
// split a surrogate pair; Spark then prints the lone half as "?" (the
// replacement of Java's UTF-8 encoder), which we reproduce so widths agree.
func truncateCell(s string, limit int) string {
	if limit <= 0 || javaLen(s) <= limit {
		return s
	}
	keep, suffix := limit-3, "..."
	if limit < 4 {
		keep, suffix = limit, ""
	}
	var b strings.Builder
	units := 0
	for _, r := range s {
		w := utf16.RuneLen(r)
		if units+w > keep {
			if units < keep {
				b.WriteByte('?')
			}
			break
		}
		b.WriteRune(r)
		units += w
	}
	return b.String() + suffix
}

// halfWidth is Spark's Utils.stringHalfWidth: the Java length plus one for
// every full-width character (the ranges Spark lists), which a terminal
// draws two columns wide.
func halfWidth(s string) int {
	n := javaLen(s)
	for _, r := range s {
		if isFullWidth(r) {
			n++
		}
	}
	return n
}

func isFullWidth(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r <= 0x115F,
		0x2E80 <= r && r <= 0xA4CF,
		0xAC00 <= r && r <= 0xD7A3,
		0xF900 <= r && r <= 0xFAFF,
		0xFE10 <= r && r <= 0xFE19,
		0xFE30 <= r && r <= 0xFE6F,
		0xFF00 <= r && r <= 0xFF60,
		0xFFE0 <= r && r <= 0xFFE6:
		return true
	}
	return false
}

// showCells is stringCells for show(): NULL for nulls, binary values as
// Spark prints them ("[01 02]"), other values cast to STRING and escaped.
func showCells(ctx context.Context, schema types.StructType, bs []arrow.RecordBatch, n int) ([][]string, bool, error) {
	return formatCells(ctx, schema, bs, n, "NULL", true)
}

// stringCells casts every column to STRING and returns up to n rows of
// cells (null standing for NULL), and whether more rows exist.
func stringCells(ctx context.Context, schema types.StructType, bs []arrow.RecordBatch, n int, null string) ([][]string, bool, error) {
	return formatCells(ctx, schema, bs, n, null, false)
}

// byteValues is what binary arrays of every width have in common.
type byteValues interface {
	arrow.Array
	Value(int) []byte
}

func formatCells(ctx context.Context, schema types.StructType, bs []arrow.RecordBatch, n int, null string, pretty bool) ([][]string, bool, error) {
	evals := make([]expr.Evaluator, len(schema.Fields))
	for i, f := range schema.Fields {
		if _, ok := f.Type.(types.BinaryType); ok && pretty {
			continue // printed from the bytes, below
		}
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
		cols := make([]arrow.Array, len(evals))
		release := func() {
			for _, c := range cols {
				if c != nil {
					c.Release()
				}
			}
		}
		for i, ev := range evals {
			if ev == nil {
				cols[i] = b.Column(i)
				cols[i].Retain()
				if _, ok := cols[i].(byteValues); !ok {
					release()
					return nil, false, fmt.Errorf("ingot: show column %q: binary column held as %s", schema.Fields[i].Name, cols[i].DataType())
				}
				continue
			}
			arr, err := ev.Eval(ctx, b)
			if err != nil {
				release()
				return nil, false, err
			}
			cols[i] = arr
			if _, ok := arr.(*array.String); !ok {
				release()
				return nil, false, fmt.Errorf("ingot: show column %q: cast to STRING gave %s", schema.Fields[i].Name, arr.DataType())
			}
		}
		for r := 0; r < int(b.NumRows()); r++ {
			if n >= 0 && len(rows) == n {
				release()
				return rows, true, nil
			}
			row := make([]string, len(cols))
			for i, c := range cols {
				row[i] = cellString(c, r, null, pretty)
			}
			rows = append(rows, row)
		}
		release()
	}
	return rows, false, nil
}

// cellString formats value r of a column evaluated by formatCells: a
// STRING array, or for show() a binary column left as it is.
func cellString(c arrow.Array, r int, null string, pretty bool) string {
	if c.IsNull(r) {
		return null
	}
	switch c := c.(type) {
	case *array.String:
		if pretty {
			return escapeMetaCharacters(c.Value(r))
		}
		return c.Value(r)
	case byteValues:
		return hexBytes(c.Value(r))
	}
	return c.ValueStr(r) // not reached: formatCells checked the types
}

// hexBytes prints bytes as Spark's show() does: "[01 02 FF]".
func hexBytes(v []byte) string {
	const digits = "0123456789ABCDEF"
	b := make([]byte, 0, 2+3*len(v))
	b = append(b, '[')
	for i, x := range v {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, digits[x>>4], digits[x&0xF])
	}
	return string(append(b, ']'))
}
