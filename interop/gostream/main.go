// Command gostream runs one ingot Structured Streaming query for the interop
// suite: the commits of a Delta table (-source) streamed into another Delta
// table (-sink) through ingot's Delta source and Delta sink, with the
// query's progress kept in -checkpoint. With -trigger available-now (the
// default) it processes what the source holds and exits; with
// -trigger processing-time it runs micro-batches every -interval until it is
// killed, which the suite uses to restart ingot mid-stream. Each finished
// batch is printed as one JSON line {"batchId":N,"numInputRows":M}.
//
// It is its own main package, built by interop/run; nothing in the main
// module imports it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ingotdata/ingot"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gostream:", err)
		os.Exit(1)
	}
}

func run() error {
	source := flag.String("source", "", "Delta table directory to stream from (required)")
	sink := flag.String("sink", "", "Delta table directory to stream into (required)")
	checkpoint := flag.String("checkpoint", "", "checkpoint directory of the query (required)")
	maxFiles := flag.Int("max-files", 0, "maxFilesPerTrigger of the Delta source; 0 keeps ingot's default")
	trigger := flag.String("trigger", "available-now", "available-now or processing-time")
	interval := flag.Duration("interval", 200*time.Millisecond, "micro-batch interval of -trigger processing-time")
	flag.Parse()
	if *source == "" || *sink == "" || *checkpoint == "" {
		return fmt.Errorf("-source, -sink and -checkpoint are required")
	}
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	var trig ingot.Trigger
	switch *trigger {
	case "available-now":
		trig = ingot.AvailableNow()
	case "processing-time":
		trig = ingot.ProcessingTime(*interval)
	default:
		return fmt.Errorf("-trigger must be available-now or processing-time, not %q", *trigger)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := ingot.NewSession(ctx, ingot.Config{Warehouse: filepath.Join(*checkpoint, "warehouse"), AppName: "gostream"})
	if err != nil {
		return err
	}
	defer s.Close()
	r := s.ReadStream().Format("delta")
	if *maxFiles > 0 {
		r = r.Option("maxFilesPerTrigger", *maxFiles)
	}
	df, err := r.Load(ctx, *source)
	if err != nil {
		return fmt.Errorf("source %s: %w", *source, err)
	}
	q, err := df.WriteStream().Format("delta").
		Option("checkpointLocation", *checkpoint).
		Trigger(trig).
		Start(ctx, *sink)
	if err != nil {
		return fmt.Errorf("sink %s: %w", *sink, err)
	}
	err = q.AwaitTermination(ctx)
	if ctx.Err() != nil { // interrupted: stop the query, as a killed driver would not
		err = q.Stop()
	}
	enc := json.NewEncoder(os.Stdout)
	for _, p := range q.RecentProgress() {
		if e := enc.Encode(map[string]any{"batchId": p.BatchID, "numInputRows": p.NumInputRows}); e != nil {
			return e
		}
	}
	return err
}
