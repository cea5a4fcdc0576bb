// Command ingot runs the ingot lakehouse engine: the seed medallion demo, a
// data generator, and a SQL shell over a warehouse of Delta tables.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	// Embed the time zone database: a static binary must resolve zone names
	// (TIMESTAMP literals, session time zones) on machines without zoneinfo.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}
