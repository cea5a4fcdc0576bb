package exectest

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
)

// Rows reads r to the end, releasing each batch, and renders every row as
// its values joined by sep (NULL for nulls, arrow's ValueStr otherwise).
// It does not close r.
func Rows(ctx context.Context, r batch.Reader, sep string) ([]string, error) {
	var out []string
	for {
		rec, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		for i := range int(rec.NumRows()) {
			out = append(out, Row(rec, i, sep))
		}
		rec.Release()
	}
}

// Row renders row i of rec as its values joined by sep.
func Row(rec arrow.RecordBatch, i int, sep string) string {
	vals := make([]string, rec.NumCols())
	for c := range vals {
		if a := rec.Column(c); a.IsNull(i) {
			vals[c] = "NULL"
		} else {
			vals[c] = a.ValueStr(i)
		}
	}
	return strings.Join(vals, sep)
}
