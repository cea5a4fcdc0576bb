package main

import (
	"github.com/ingotdata/ingot/internal/demo"
	"github.com/spf13/cobra"
)

func newDemoCmd() *cobra.Command {
	var (
		o       demo.Options
		timings bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the seed medallion pipeline (CSV + JSON stream -> bronze -> silver -> gold Delta tables)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Out = cmd.OutOrStdout()
			res, err := demo.Run(cmd.Context(), o)
			if err != nil || !timings {
				return err
			}
			return res.WriteTimings(o.Out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.DataDir, "data", "lab_data/healthcare", "data set directory (generated when absent)")
	f.StringVar(&o.Warehouse, "warehouse", "spark-warehouse", "warehouse directory")
	f.BoolVar(&o.Resume, "resume", false, "keep tables and checkpoints: process only files that arrived since the last run")
	f.IntVar(&o.Gen.Files, "files", 10, "files to generate when the data set is absent")
	f.IntVar(&o.Gen.RowsPerFile, "rows", 1000, "readings per generated file")
	f.Int64Var(&o.Gen.Seed, "seed", 1, "generator seed")
	f.BoolVar(&timings, "timings", false, "print each stage's wall time (session, database, patients, bronze, silver, gold, total)")
	return cmd
}
