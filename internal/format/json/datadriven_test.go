package json

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/datadriven"

	"github.com/ingotdata/ingot/types"
)

// TestDataDriven runs testdata/*.txt. Commands:
//
//	infer [multiline] [primitives-as-string] [prefers-decimal] [mode=M] [sampling=R]
//	<file contents>
//
//	read [multiline] [mode=M] [batch=N] [numbers-as-strings]
//	<schema DDL, e.g. struct<a:bigint>>
//	<file contents>
//
// infer prints the schema tree; read prints one line per row ("|"-separated,
// NULL for nulls) and "-- batch" between batches. Errors print as "error: ...".
func TestDataDriven(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txt") // not testdata/fuzz
	if err != nil || len(paths) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) { runFile(t, path) })
	}
}

func runFile(t *testing.T, path string) {
	datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
		opts := optionsFromArgs(t, d)
		switch d.Cmd {
		case "infer":
			st, err := Infer(strings.NewReader(d.Input), "in.json", opts)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			return st.TreeString()
		case "read":
			ddl, body, _ := strings.Cut(d.Input, "\n")
			dt, err := types.ParseSQLType(ddl)
			if err != nil {
				d.Fatalf(t, "schema: %v", err)
			}
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)
			opts.Allocator = mem
			return readAllText(t, strings.NewReader(body), dt.(types.StructType), opts)
		}
		d.Fatalf(t, "unknown command %s", d.Cmd)
		return ""
	})
}

func optionsFromArgs(t *testing.T, d *datadriven.TestData) Options {
	var o Options
	for _, a := range d.CmdArgs {
		val := ""
		if len(a.Vals) > 0 {
			val = a.Vals[0]
		}
		switch a.Key {
		case "multiline":
			o.MultiLine = true
		case "primitives-as-string":
			o.PrimitivesAsString = true
		case "prefers-decimal":
			o.PrefersDecimal = true
		case "numbers-as-strings":
			o.AllowNumbersAsStrings = true
		case "mode":
			m, err := ParseMode(val)
			if err != nil {
				d.Fatalf(t, "%v", err)
			}
			o.Mode = m
		case "batch":
			fmt.Sscan(val, &o.BatchSize)
		case "sampling":
			fmt.Sscan(val, &o.SamplingRatio)
		default:
			d.Fatalf(t, "unknown argument %s", a.Key)
		}
	}
	return o
}

func readAllText(t *testing.T, in io.Reader, schema types.StructType, opts Options) string {
	r, err := Read(in, "in.json", schema, opts)
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
		writeRows(&b, rec)
		rec.Release()
	}
	return b.String()
}

func writeRows(b *strings.Builder, rec arrow.RecordBatch) {
	for i := 0; i < int(rec.NumRows()); i++ {
		for j, col := range rec.Columns() {
			if j > 0 {
				b.WriteString(" | ")
			}
			if col.IsNull(i) {
				b.WriteString("NULL")
			} else {
				b.WriteString(col.ValueStr(i))
			}
		}
		b.WriteString("\n")
	}
}
