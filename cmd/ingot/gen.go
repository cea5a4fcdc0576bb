package main

import (
	"fmt"

	"github.com/ingotdata/ingot/internal/gen"
	"github.com/spf13/cobra"
)

func newGenCmd() *cobra.Command {
	var (
		out                string
		opts               gen.Options
		jsonLines, numbers bool
	)
	cmd := &cobra.Command{
		Use:   "gen --out DIR",
		Short: "Generate the seed workload's data set (patients CSV and heart-rate JSON files)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if jsonLines {
				opts.Layout = gen.JSONLines
			}
			opts.NumericValues = numbers
			sum, err := gen.Generate(out, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d patients and %d readings in %d files to %s\n", sum.Patients, sum.Readings, sum.Files, out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "lab_data/healthcare", "output directory")
	f.IntVar(&opts.Files, "files", 10, "number of JSON files")
	f.IntVar(&opts.RowsPerFile, "rows", 1000, "readings per file")
	f.IntVar(&opts.Patients, "patients", 34, "number of patients")
	f.Int64Var(&opts.Seed, "seed", 1, "random seed (same seed, same data)")
	f.IntVar(&opts.StartIndex, "start", 0, "index of the first file (to add files to an existing set)")
	f.BoolVar(&jsonLines, "json-lines", false, "write JSON Lines instead of multi-line JSON arrays")
	f.BoolVar(&numbers, "numbers", false, "write values as JSON numbers instead of strings")
	return cmd
}
