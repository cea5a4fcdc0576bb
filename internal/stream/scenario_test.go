package stream

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// TestScenarios runs the scripts in testdata/engine.txt: files arrive,
// queries run (optionally crashing at a chosen write), and the output
// table and the checkpoint files are printed. Commands:
//
//	reset                                  fresh input, table and checkpoint
//	write file=NAME                        input lines become a JSON file
//	run plan=scan|group|global [maxFiles=N] [trigger=availableNow|once]
//	    [mode=append|complete] [fail=CHECKPOINT_KEY] [failsink=BATCH]
//	table                                  the output table's rows, sorted
//	checkpoint                             the checkpoint's files
func TestScenarios(t *testing.T) {
	var root string
	var seq int
	reset := func() {
		root = t.TempDir()
		seq = 0
		localStore(t, filepath.Join(root, "in"))
	}
	reset()
	mask := func(s string) string {
		s = strings.ReplaceAll(s, filepath.ToSlash(root), "<root>")
		s = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`).ReplaceAllString(s, "<uuid>")
		s = regexp.MustCompile(`"(batchTimestampMs|timestamp)":\d+`).ReplaceAllString(s, `"$1":<ms>`)
		return s
	}
	datadriven.RunTest(t, "testdata/engine.txt", func(t *testing.T, d *datadriven.TestData) string {
		switch d.Cmd {
		case "reset":
			reset()
			return ""
		case "write":
			var name string
			d.ScanArgs(t, "file", &name)
			p := filepath.Join(root, "in", name)
			if err := os.WriteFile(p, []byte(d.Input+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			seq++
			touch(t, p, seq)
			return ""
		case "run":
			return mask(runScenario(t, d, root))
		case "table":
			return strings.Join(tableRows(t, openTable(t, filepath.Join(root, "out"))), "\n") + "\n"
		case "checkpoint":
			return mask(dumpCheckpoint(t, filepath.Join(root, "cp")))
		}
		t.Fatalf("%s: unknown command %q", d.Pos, d.Cmd)
		return ""
	})
}

func runScenario(t *testing.T, d *datadriven.TestData, root string) string {
	var planName, trig, mode, failKey string
	maxFiles := 0
	failSink := int64(-1)
	d.ScanArgs(t, "plan", &planName)
	d.MaybeScanArgs(t, "maxFiles", &maxFiles)
	d.MaybeScanArgs(t, "trigger", &trig)
	d.MaybeScanArgs(t, "mode", &mode)
	d.MaybeScanArgs(t, "fail", &failKey)
	if d.HasArg("failsink") {
		var s string
		d.ScanArgs(t, "failsink", &s)
		failSink, _ = strconv.ParseInt(s, 10, 64)
	}
	spec := fileSpec(t, filepath.Join(root, "in"), maxFiles)
	var p plan.Node
	switch planName {
	case "scan":
		p = scanPlan(spec)
	case "group":
		p = groupPlan(spec)
	case "global":
		p = &plan.Aggregate{Input: scanPlan(spec), Aggs: []expr.Expr{aggCall("count", col("id"), "n"), aggCall("sum", col("v"), "total")}}
	default:
		t.Fatalf("unknown plan %q", planName)
	}
	cfg := Config{Checkpoint: localStore(t, filepath.Join(root, "cp")), Plan: p, Sink: NewDeltaSink(openTable(t, filepath.Join(root, "out")), nil),
		Trigger: Trigger{Kind: AvailableNow}, OutputMode: OutputMode(mode)}
	if trig == "once" {
		cfg.Trigger.Kind = Once
	}
	if failKey != "" {
		cfg.Checkpoint = &faultStore{Store: cfg.Checkpoint, failPut: func(k string) bool { return k == failKey }}
	}
	if failSink >= 0 {
		cfg.Sink = &failingSink{Sink: cfg.Sink, failBatch: failSink}
	}
	q, err := run(t, cfg)
	var b strings.Builder
	if q == nil {
		fmt.Fprintf(&b, "start error: %v\n", err)
		return b.String()
	}
	for _, pr := range q.RecentProgress() {
		src := pr.Sources[0]
		fmt.Fprintf(&b, "batch %d: in=%d out=%d offsets %s -> %s", pr.BatchID, pr.NumInputRows, pr.Sink.NumOutputRows, orDash(src.StartOffset), orDash(src.EndOffset))
		for _, op := range pr.StateOperators {
			fmt.Fprintf(&b, " state(total=%d updated=%d)", op.NumRowsTotal, op.NumRowsUpdated)
		}
		b.WriteByte('\n')
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	fmt.Fprintf(&b, "status: %s\n", q.Status())
	return b.String()
}

func orDash(raw []byte) string {
	if raw == nil {
		return "-"
	}
	return string(raw)
}

// dumpCheckpoint prints every checkpoint file: text files with their
// lines, state snapshots as their row count.
func dumpCheckpoint(t *testing.T, dir string) string {
	store := localStore(t, dir)
	files, err := store.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f.Path, snapshotSuffix) {
			parts := strings.Split(strings.TrimSuffix(f.Path, snapshotSuffix), "/")
			v, _ := strconv.ParseInt(parts[len(parts)-1], 10, 64)
			rec, err := NewStateStore(store, aggOperatorID, 0).Load(context.Background(), v)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s: %d state rows\n", f.Path, rec.NumRows())
			rec.Release()
			continue
		}
		data, err := store.Get(context.Background(), f.Path)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s\n", f.Path)
		for _, line := range strings.Split(string(data), "\n") {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	return b.String()
}
