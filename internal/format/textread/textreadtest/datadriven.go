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

// Commands are one format's implementations of the two datadriven
// commands; d gives them the case's arguments (the format's options).
type Commands struct {
	// Infer infers the schema of a file's contents.
	Infer func(t *testing.T, d *datadriven.TestData, file io.Reader) (types.StructType, error)
	// Read opens a reader of a file's contents with schema, its buffers
	// from mem.
	Read func(t *testing.T, d *datadriven.TestData, file io.Reader, schema types.StructType, mem memory.Allocator) (batch.Reader, error)
	// Quote renders read values Go-quoted (to show spaces and escapes).
	Quote bool
	// Input, if set, rewrites each case's input first (e.g. escapes).
	Input func(string) string
}

// RunDataDriven runs every testdata/*.txt of the calling package (not the
// files under testdata/fuzz) as a subtest. Commands:
//
//	infer [format options]
//	<file contents>
//
//	read [format options]
//	<schema DDL, e.g. struct<a:bigint>>
//	<file contents>
//
// infer prints the schema tree; read prints Rows: one line per row
// (" | "-separated, NULL for nulls) and "-- batch" between batches. Errors
// print as "error: ...". A reader's buffers come from a checked allocator
// that must be empty once it is drained and closed.
func RunDataDriven(t *testing.T, cmds Commands) {
	t.Helper()
	paths, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
				input := d.Input
				if cmds.Input != nil {
					input = cmds.Input(input)
				}
				switch d.Cmd {
				case "infer":
					st, err := cmds.Infer(t, d, strings.NewReader(input))
					if err != nil {
						return "error: " + err.Error() + "\n"
					}
					return st.TreeString()
				case "read":
					return read(t, d, input, cmds)
				}
				d.Fatalf(t, "unknown command %s", d.Cmd)
				return ""
			})
		})
	}
}

func read(t *testing.T, d *datadriven.TestData, input string, cmds Commands) string {
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
	r, err := cmds.Read(t, d, strings.NewReader(body), st, mem)
	return Rows(r, err, cmds.Quote)
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
