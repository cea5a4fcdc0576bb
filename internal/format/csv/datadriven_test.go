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

// TestDataDriven runs testdata/*.txt (see textreadtest.RunDataDriven) with
// these options:
//
//	infer [header] [infer] [delim=C] [null=S] [sample=N] [sampling=R] [tsformat=P] [mode=M]
//	read [header] [delim=C] [null=S] [mode=M] [batch=N] [tsformat=P]
//
// In inputs, "\t" stands for a tab and a trailing "⏎" for a "\r".
func TestDataDriven(t *testing.T) {
	textreadtest.RunDataDriven(t, textreadtest.Commands{
		Infer: func(t *testing.T, d *datadriven.TestData, file io.Reader) (types.StructType, error) {
			return Infer(file, "in.csv", optionsFromArgs(t, d))
		},
		Read: func(t *testing.T, d *datadriven.TestData, file io.Reader, schema types.StructType, mem memory.Allocator) (batch.Reader, error) {
			opts := optionsFromArgs(t, d)
			opts.Allocator = mem
			return Read(file, "in.csv", schema, opts)
		},
		Quote: true,
		Input: strings.NewReplacer(`\t`, "\t", "⏎", "\r").Replace,
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
