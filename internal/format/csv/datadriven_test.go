package csv

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
//	infer [header] [infer] [delim=C] [null=S] [sample=N] [sampling=R] [tsformat=P] [mode=M]
//	<file contents>
//
//	read [header] [delim=C] [null=S] [mode=M] [batch=N] [tsformat=P]
//	<schema DDL>
//	<file contents>
//
// infer prints the schema tree; read prints one line per row ("|"-separated,
// NULL for nulls) and "-- batch" between batches. Errors print as "error: ...".
// In inputs, "\t" stands for a tab and a trailing "⏎" for a "\r".
func TestDataDriven(t *testing.T) {
	textreadtest.RunDataDriven(t, func(t *testing.T, d *datadriven.TestData) string {
		opts := optionsFromArgs(t, d)
		input := strings.NewReplacer(`\t`, "\t", "⏎", "\r").Replace(d.Input)
		switch d.Cmd {
		case "infer":
			st, err := Infer(strings.NewReader(input), "in.csv", opts)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			return st.TreeString()
		case "read":
			return textreadtest.ReadCommand(t, d, input, true, func(body io.Reader, schema types.StructType, mem memory.Allocator) (batch.Reader, error) {
				opts.Allocator = mem
				return Read(body, "in.csv", schema, opts)
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
		case "header":
			o.Header = true
		case "infer":
			o.InferSchema = true
		case "delim":
			if val == `\t` {
				val = "\t"
			}
			o.Delimiter = val[0]
		case "null":
			o.NullValue = val
		case "sample":
			fmt.Sscan(val, &o.SampleRows)
		case "sampling":
			fmt.Sscan(val, &o.SamplingRatio)
		case "batch":
			fmt.Sscan(val, &o.BatchSize)
		case "tsformat":
			o.TimestampFormat = strings.ReplaceAll(val, "_", " ")
		case "mode":
			m, err := ParseMode(val)
			if err != nil {
				d.Fatalf(t, "%v", err)
			}
			o.Mode = m
		default:
			d.Fatalf(t, "unknown argument %s", a.Key)
		}
	}
	return o
}
