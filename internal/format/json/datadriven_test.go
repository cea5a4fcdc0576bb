package json

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/datadriven"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/textread/textreadtest"
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
	textreadtest.RunDataDriven(t, func(t *testing.T, d *datadriven.TestData) string {
		opts := optionsFromArgs(t, d)
		switch d.Cmd {
		case "infer":
			st, err := Infer(strings.NewReader(d.Input), "in.json", opts)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			return st.TreeString()
		case "read":
			return textreadtest.ReadCommand(t, d, d.Input, false, func(body io.Reader, schema types.StructType, mem memory.Allocator) (batch.Reader, error) {
				opts.Allocator = mem
				return Read(body, "in.json", schema, opts)
			})
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
