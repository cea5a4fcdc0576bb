package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ingotdata/ingot/batch"
)

// Rows are compared as sorted tuples of canonical strings, one format per
// type, so that values from three independent sources (the Go values a test
// wrote, ingot's Arrow batches, DuckDB's database/sql values) meet in one
// representation without trusting any engine's own printing.
const (
	nullText   = "NULL"
	dateLayout = "2006-01-02"
	tsLayout   = "2006-01-02T15:04:05.000000Z"
)

type tuple []string

func (t tuple) key() string { return strings.Join(t, "\x1f") }

func sortTuples(ts []tuple) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].key() < ts[j].key() })
}

func canonFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// canonDecimal prints unscaled/10^scale with exactly scale fraction digits.
func canonDecimal(unscaled *big.Int, scale int) string {
	neg := unscaled.Sign() < 0
	digits := new(big.Int).Abs(unscaled).String()
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// canonSQL formats one value scanned from DuckDB; deltaType says how to read
// a time.Time (date or timestamp).
func canonSQL(deltaType string, v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return nullText, nil
	case bool:
		return strconv.FormatBool(v), nil
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return fmt.Sprint(v), nil
	case *big.Int:
		return v.String(), nil
	case float32:
		return canonFloat(float64(v)), nil
	case float64:
		return canonFloat(v), nil
	case string:
		return v, nil
	case duckdb.Decimal:
		return canonDecimal(v.Value, int(v.Scale)), nil
	case time.Time:
		if deltaType == "date" {
			return v.Format(dateLayout), nil
		}
		return v.UTC().Format(tsLayout), nil
	}
	return "", fmt.Errorf("tuples: %s value of Go type %T has no canonical form", deltaType, v)
}

// queryTuples runs q on DuckDB and returns its rows as canonical tuples;
// colTypes gives each output column's Delta type name.
func queryTuples(tb testing.TB, db *sql.DB, colTypes []string, q string, args ...any) []tuple {
	tb.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		tb.Fatalf("duckdb: %v\nquery: %s", err, q)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		tb.Fatal(err)
	}
	if len(cols) != len(colTypes) {
		tb.Fatalf("duckdb: query returned %d columns %v, want %d", len(cols), cols, len(colTypes))
	}
	var out []tuple
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		t := make(tuple, len(vals))
		for i, v := range vals {
			if t[i], err = canonSQL(colTypes[i], v); err != nil {
				tb.Fatalf("column %s: %v", cols[i], err)
			}
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("duckdb: %v\nquery: %s", err, q)
	}
	sortTuples(out)
	return out
}

// canonArrow formats row i of an Arrow column.
func canonArrow(col arrow.Array, i int) (string, error) {
	if col.IsNull(i) {
		return nullText, nil
	}
	switch a := col.(type) {
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i)), nil
	case *array.Int8:
		return strconv.FormatInt(int64(a.Value(i)), 10), nil
	case *array.Int16:
		return strconv.FormatInt(int64(a.Value(i)), 10), nil
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10), nil
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10), nil
	case *array.Float32:
		return canonFloat(float64(a.Value(i))), nil
	case *array.Float64:
		return canonFloat(a.Value(i)), nil
	case *array.String:
		return a.Value(i), nil
	case *array.LargeString:
		return a.Value(i), nil
	case *array.Date32:
		return a.Value(i).ToTime().Format(dateLayout), nil
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format(tsLayout), nil
	case *array.Decimal128:
		return canonDecimal(a.Value(i).BigInt(), int(a.DataType().(*arrow.Decimal128Type).Scale)), nil
	}
	return "", fmt.Errorf("tuples: Arrow type %s has no canonical form", col.DataType())
}

// readerTuples drains r (closing it) into canonical tuples.
func readerTuples(tb testing.TB, ctx context.Context, r batch.Reader) []tuple {
	tb.Helper()
	defer r.Close()
	var out []tuple
	for {
		rec, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatalf("scan: %v", err)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			t := make(tuple, rec.NumCols())
			for c := range t {
				if t[c], err = canonArrow(rec.Column(c), i); err != nil {
					rec.Release()
					tb.Fatalf("column %s: %v", rec.Schema().Field(c).Name, err)
				}
			}
			out = append(out, t)
		}
		rec.Release()
	}
	sortTuples(out)
	return out
}

// diffTuples reports the first differences between two sorted tuple lists,
// or "" when they are equal.
func diffTuples(got, want []tuple) string {
	var b strings.Builder
	gi, wi, shown := 0, 0, 0
	for (gi < len(got) || wi < len(want)) && shown < 10 {
		switch {
		case wi == len(want) || (gi < len(got) && got[gi].key() < want[wi].key()):
			fmt.Fprintf(&b, "  unexpected %q\n", []string(got[gi]))
			gi++
			shown++
		case gi == len(got) || got[gi].key() > want[wi].key():
			fmt.Fprintf(&b, "  missing    %q\n", []string(want[wi]))
			wi++
			shown++
		default:
			gi++
			wi++
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return fmt.Sprintf("got %d rows, want %d:\n%s", len(got), len(want), b.String())
}
