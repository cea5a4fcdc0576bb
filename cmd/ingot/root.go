package main

import (
	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "ingot",
		Short:         "ingot is a lakehouse engine: DataFrames, SQL and streaming over Delta Lake tables",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newDemoCmd(), newGenCmd(), newSQLCmd())
	return root
}
