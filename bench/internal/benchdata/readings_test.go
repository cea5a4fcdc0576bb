package benchdata

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The JSON files and the Arrow batches must describe the same readings, or
// the JSON and Parquet benchmarks would not be comparable.
func TestJSONMatchesArrow(t *testing.T) {
	for _, tc := range []struct {
		name        string
		files, rows int
	}{
		{"one-file", 1, 10},
		{"several-files", 3, 7},
		{"across-a-batch", 2, BatchRows/2 + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			if _, err := WriteTrackerJSON(dir, tc.files, tc.rows); err != nil {
				t.Fatal(err)
			}
			recs := MakeReadings(mem, tc.files*tc.rows)
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			var total int
			for _, r := range recs {
				total += int(r.NumRows())
			}
			if total != tc.files*tc.rows {
				t.Fatalf("MakeReadings made %d rows, want %d", total, tc.files*tc.rows)
			}
			i := 0
			for f := 0; f < tc.files; f++ {
				data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%05d.json", f)))
				if err != nil {
					t.Fatal(err)
				}
				var rows []map[string]string
				if err := json.Unmarshal(data, &rows); err != nil {
					t.Fatalf("file %d: %v", f, err)
				}
				if len(rows) != tc.rows {
					t.Fatalf("file %d has %d rows, want %d", f, len(rows), tc.rows)
				}
				for _, row := range rows {
					rec, j := recs[i/BatchRows], i%BatchRows
					if got, want := row["heartrate"], strconv.FormatFloat(rec.Column(3).(*array.Float64).Value(j), 'f', -1, 64); got != want {
						t.Fatalf("row %d: heartrate %q in JSON, %q in Arrow", i, got, want)
					}
					if got, want := row["mrn"], rec.Column(1).(*array.Int64).ValueStr(j); got != want {
						t.Fatalf("row %d: mrn %q in JSON, %q in Arrow", i, got, want)
					}
					i++
				}
			}
		})
	}
}
