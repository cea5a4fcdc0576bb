package json

import (
	"fmt"
	"io"
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
//	infer [multiline] [primitives-as-string] [prefers-decimal] [mode=M] [sampling=R]
//	read [multiline] [mode=M] [batch=N] [numbers-as-strings]
func TestDataDriven(t *testing.T) {
	textreadtest.RunDataDriven(t, textreadtest.Commands{
		Infer: func(t *testing.T, d *datadriven.TestData, file io.Reader) (types.StructType, error) {
			return Infer(file, "in.json", optionsFromArgs(t, d))
		},
		Read: func(t *testing.T, d *datadriven.TestData, file io.Reader, schema types.StructType, mem memory.Allocator) (batch.Reader, error) {
			opts := optionsFromArgs(t, d)
			opts.Allocator = mem
			return Read(file, "in.json", schema, opts)
		},
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
