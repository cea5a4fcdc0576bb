package delta

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/parquetfile"
	"github.com/ingotdata/ingot/storage"
)

// corpusDir is the shared Delta compatibility corpus (see its MANIFEST.md).
var corpusDir = filepath.Join("..", "..", "shared", "testdata", "delta")

type corpusCase struct {
	Case   string `json:"case"`
	Checks []struct {
		Kind               string          `json:"kind"`
		Version            json.RawMessage `json:"version"`
		ExpectedParquetDir string          `json:"expected_parquet_dir"`
		RowCount           *int64          `json:"row_count"`
		Operation          string          `json:"operation"`
		Columns            []string        `json:"columns"`
		Rows               [][]any         `json:"rows"`
		CellFormat         string          `json:"cell_format"`
		Filter             string          `json:"filter"`
		Reason             string          `json:"reason"`
	} `json:"checks"`
}

// TestDAT runs every scan check of the DAT suite: each version's rows must
// equal Spark's expected parquet as a multiset.
func TestDAT(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(corpusDir, "dat", "*", "expected.json"))
	if len(dirs) == 0 {
		t.Skipf("corpus not found at %s", corpusDir)
	}
	for _, ej := range dirs {
		dir := filepath.Dir(ej)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			n, err := runScanChecks(t.Context(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatal("no parquet-backed scan checks ran")
			}
		})
	}
}

// runScanChecks runs a case's parquet-backed scan checks and returns how
// many it ran.
func runScanChecks(ctx context.Context, dir string) (n int, _ error) {
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		return 0, err
	}
	var c corpusCase
	if err := json.Unmarshal(raw, &c); err != nil {
		return 0, err
	}
	store, err := storage.NewLocal(filepath.Join(dir, "delta"))
	if err != nil {
		return 0, err
	}
	tbl, err := Open(ctx, store)
	if err != nil {
		return 0, err
	}
	for _, chk := range c.Checks {
		if chk.Kind == "error" && strings.Contains(chk.Operation, "load latest snapshot") {
			n++
			if _, err := tbl.Snapshot(ctx); err == nil {
				return n, fmt.Errorf("snapshot succeeded; want error (%s)", chk.Reason)
			}
			continue
		}
		if chk.Kind == "scan" && chk.Rows != nil && chk.Filter == "" {
			n++
			if err := inlineCheck(ctx, tbl, chk.Version, chk.Columns, chk.Rows, chk.CellFormat); err != nil {
				return n, err
			}
			continue
		}
		if chk.Kind != "scan" || chk.ExpectedParquetDir == "" {
			continue
		}
		n++
		var snap *Snapshot
		var v int64
		if json.Unmarshal(chk.Version, &v) == nil {
			snap, err = tbl.SnapshotAt(ctx, v)
		} else {
			snap, err = tbl.Snapshot(ctx)
		}
		if err != nil {
			return n, fmt.Errorf("version %s: %w", chk.Version, err)
		}
		r, err := snap.Scan(ctx, ScanOptions{})
		if err != nil {
			return n, fmt.Errorf("version %s: %w", chk.Version, err)
		}
		got, err := rowStrings(ctx, r)
		if err != nil {
			return n, fmt.Errorf("version %s: scan: %w", chk.Version, err)
		}
		want, err := expectedRows(ctx, filepath.Join(dir, chk.ExpectedParquetDir), r.Schema())
		if err != nil {
			return n, fmt.Errorf("version %s: expected: %w", chk.Version, err)
		}
		if chk.RowCount != nil && int64(len(want)) != *chk.RowCount {
			return n, fmt.Errorf("version %s: expected parquet has %d rows, check says %d", chk.Version, len(want), *chk.RowCount)
		}
		if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
			return n, fmt.Errorf("version %s: rows differ\n got:\n%s\nwant:\n%s", chk.Version, g, w)
		}
	}
	return n, nil
}

func expectedRows(ctx context.Context, dir string, schema *arrow.Schema) ([]string, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.parquet"))
	var rows []string
	for _, p := range files {
		st, err := storage.NewLocal(filepath.Dir(p))
		if err != nil {
			return nil, err
		}
		f, err := st.Open(ctx, filepath.Base(p))
		if err != nil {
			return nil, err
		}
		r, err := parquetfile.Open(ctx, f, parquetfile.ReadOptions{Schema: schema})
		if err != nil {
			return nil, err
		}
		rs, err := rowStrings(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		rows = append(rows, rs...)
	}
	sort.Strings(rows)
	return rows, nil
}

// rowStrings renders each row as text, sorted, for multiset comparison.
func rowStrings(ctx context.Context, r batch.Reader) ([]string, error) {
	bs, err := batch.ReadAll(ctx, r)
	if err != nil {
		return nil, err
	}
	defer batch.Release(bs)
	var rows []string
	for _, b := range bs {
		for i := 0; i < int(b.NumRows()); i++ {
			cells := make([]string, b.NumCols())
			for j := range cells {
				cells[j] = cellString(b.Column(j), i)
			}
			rows = append(rows, strings.Join(cells, " | "))
		}
	}
	sort.Strings(rows)
	return rows, nil
}

// cellString renders one cell; decimals bypass ValueStr, which goes through
// big.Float and made the decimal corpus cases take seconds.
func cellString(col arrow.Array, i int) string {
	if d, ok := col.(*array.Decimal128); ok && d.IsValid(i) {
		return d.Value(i).ToString(d.DataType().(*arrow.Decimal128Type).Scale)
	}
	return col.ValueStr(i)
}

// inlineCheck compares a scan with rows written inline in expected.json,
// rendering both sides as text.
func inlineCheck(ctx context.Context, tbl *Table, version json.RawMessage, columns []string, rows [][]any, format string) error {
	snap, err := snapshotFor(ctx, tbl, version)
	if err != nil {
		return fmt.Errorf("version %s: %w", version, err)
	}
	// Inline rows list the asserted columns in the test's order; scan them
	// one by one in that order.
	var got []string
	cols := make([][]string, len(columns))
	for j, c := range columns {
		r, err := snap.Scan(ctx, ScanOptions{Columns: []string{c}})
		if err != nil {
			return fmt.Errorf("version %s: %w", version, err)
		}
		bs, err := batch.ReadAll(ctx, r)
		if err != nil {
			return fmt.Errorf("version %s: %w", version, err)
		}
		for _, b := range bs {
			for i := 0; i < int(b.NumRows()); i++ {
				cell := cellString(b.Column(0), i)
				// Arrow's pretty printer shows an empty string and NULL
				// alike; the corpus writes both as "".
				if cell == "" && format == "arrow-pretty" {
					cell = "(null)"
				}
				cols[j] = append(cols[j], cell)
			}
		}
		batch.Release(bs)
	}
	if len(cols) > 0 {
		for i := range cols[0] {
			cells := make([]string, len(cols))
			for j := range cols {
				cells[j] = cols[j][i]
			}
			got = append(got, strings.Join(cells, " | "))
		}
	}
	sort.Strings(got)
	if err := compareRows(got, expectedInline(rows, format)); err != nil {
		return fmt.Errorf("version %s: inline %w", version, err)
	}
	return nil
}
