package textreadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/datadriven"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/types"
)

// RunDataDriven runs every testdata/*.txt of the calling package (not the
// files under testdata/fuzz) as a subtest, with run as the command handler.
func RunDataDriven(t *testing.T, run func(t *testing.T, d *datadriven.TestData) string) {
	t.Helper()
	paths, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) { datadriven.RunTest(t, path, run) })
	}
}

// Open opens a reader of one file's body with schema, its buffers from mem.
type Open func(body io.Reader, schema types.StructType, mem memory.Allocator) (batch.Reader, error)

// ReadCommand runs a datadriven "read" command whose input is a schema DDL
// line (e.g. struct<a:bigint>) followed by the file's contents. The reader's
// buffers come from a checked allocator that must be empty once the reader
// is drained and closed. The output is Rows'.
func ReadCommand(t *testing.T, d *datadriven.TestData, input string, quote bool, open Open) string {
	t.Helper()
	ddl, body, _ := strings.Cut(input, "\n")
	dt, err := types.ParseSQLType(ddl)
	if err != nil {
		d.Fatalf(t, "schema: %v", err)
	}
	st, ok := dt.(types.StructType)
	if !ok {
		d.Fatalf(t, "schema %s is not a struct", ddl)
	}
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	r, err := open(strings.NewReader(body), st, mem)
	return Rows(r, err, quote)
}

// Rows renders the batches of r (or the error that opening it returned):
// one line per row, values joined by " | " (Go-quoted when quote is set),
// NULL for nulls, "-- batch" between batches and "error: ..." where reading
// stopped on an error. r is closed.
func Rows(r batch.Reader, err error, quote bool) string {
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	defer r.Close()
	var b strings.Builder
	for n := 0; ; n++ {
		rec, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.WriteString("error: " + err.Error() + "\n")
			break
		}
		if n > 0 {
			b.WriteString("-- batch\n")
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			for j, col := range rec.Columns() {
				if j > 0 {
					b.WriteString(" | ")
				}
				switch {
				case col.IsNull(i):
					b.WriteString("NULL")
				case quote:
					fmt.Fprintf(&b, "%q", col.ValueStr(i))
				default:
					b.WriteString(col.ValueStr(i))
				}
			}
			b.WriteString("\n")
		}
		rec.Release()
	}
	return b.String()
}
