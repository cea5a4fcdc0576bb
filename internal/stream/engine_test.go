package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/storage"
)

// TestExactlyOnceFileToDelta streams a JSON folder into a Delta table one
// file per batch, adds files, restarts: every row lands exactly once and
// the restarted run reads only the new files.
func TestExactlyOnceFileToDelta(t *testing.T) {
	checkNoLeak(t)
	root := t.TempDir()
	in, cp, out := filepath.Join(root, "in"), filepath.Join(root, "cp"), filepath.Join(root, "bronze")
	localStore(t, in)
	var all []event
	for i := range 3 {
		all = append(all, writeEvents(t, in, fmt.Sprintf("f%d.json", i), i, int64(i*100), int64(i*100+40))...)
	}
	tbl := openTable(t, out)
	cfg := func() Config {
		return Config{Name: "bronze", Checkpoint: localStore(t, cp), Plan: scanPlan(fileSpec(t, in, 1)), Sink: NewDeltaSink(tbl, nil), Trigger: Trigger{Kind: AvailableNow}}
	}
	q, err := run(t, cfg())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(q.RecentProgress()); got != 3 {
		t.Fatalf("first run: %d batches, want 3 (maxFilesPerTrigger=1)", got)
	}
	sameRows(t, "bronze after first run", tableRows(t, tbl), eventRows(all))

	var added []event
	for i := 3; i < 5; i++ {
		added = append(added, writeEvents(t, in, fmt.Sprintf("f%d.json", i), i, int64(i*100), int64(i*100+25))...)
	}
	all = append(all, added...)
	q2, err := run(t, cfg())
	if err != nil {
		t.Fatal(err)
	}
	if q2.ID() != q.ID() || q2.RunID() == q.RunID() {
		t.Errorf("restart: id %s run %s, first run id %s run %s: want same id, new run id", q2.ID(), q2.RunID(), q.ID(), q.RunID())
	}
	ps := q2.RecentProgress()
	if len(ps) != 2 || ps[0].BatchID != 3 || ps[1].BatchID != 4 {
		t.Fatalf("restart ran batches %v, want [3 4]", batchIDs(ps))
	}
	if got := inputRows(q2); got != int64(len(added)) {
		t.Errorf("restart read %d rows, want only the %d new ones", got, len(added))
	}
	sameRows(t, "bronze after restart", tableRows(t, tbl), eventRows(all))
	snap, err := tbl.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := snap.AppTransactionVersion(q.ID()); !ok || v != 4 {
		t.Errorf("txn version for the query = %d, %v; want 4", v, ok)
	}

	// A third run finds nothing new and commits nothing, but reports one
	// idle progress as Spark does on a first trigger without data.
	q3, err := run(t, cfg())
	if err != nil {
		t.Fatal(err)
	}
	ps = q3.RecentProgress()
	if len(ps) != 1 {
		t.Fatalf("run without new files has %d progress reports, want 1 idle one", len(ps))
	}
	idle := ps[0]
	if idle.BatchID != 5 || idle.NumInputRows != 0 || idle.Sink.NumOutputRows != -1 ||
		string(idle.Sources[0].StartOffset) != `{"logOffset":4}` || string(idle.Sources[0].EndOffset) != `{"logOffset":4}` {
		t.Errorf("idle progress = %s", idle)
	}
	if v := latestVersion(t, tbl); v != 4 {
		t.Errorf("table version %d after an idle run, want 4", v)
	}
}

func batchIDs(ps []QueryProgress) []int64 {
	var ids []int64
	for _, p := range ps {
		ids = append(ids, p.BatchID)
	}
	return ids
}

// TestCrashRecovery kills a run at the dangerous points of batch 1 and
// restarts: the batch is re-run with the offsets it recorded and the Delta
// txn turns a duplicate write into a no-op.
func TestCrashRecovery(t *testing.T) {
	for _, tc := range []struct {
		name string
		// breakRun makes the first run fail in batch 1.
		breakRun func(cfg *Config)
		// sinkCommitted: the Delta commit of batch 1 happened before the crash.
		sinkCommitted bool
	}{
		{"commit log write fails after the Delta commit", func(cfg *Config) {
			cfg.Checkpoint = &faultStore{Store: cfg.Checkpoint, failPut: func(k string) bool { return k == "commits/1" }}
		}, true},
		{"sink fails right after its Delta commit", func(cfg *Config) {
			cfg.Sink = &failingSink{Sink: cfg.Sink, failBatch: 1}
		}, true},
		{"offsets write fails after the file source logged the batch", func(cfg *Config) {
			cfg.Checkpoint = &faultStore{Store: cfg.Checkpoint, failPut: func(k string) bool { return k == "offsets/1" }}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkNoLeak(t)
			root := t.TempDir()
			in, cp, out := filepath.Join(root, "in"), filepath.Join(root, "cp"), filepath.Join(root, "bronze")
			localStore(t, in)
			var all []event
			for i := range 3 {
				all = append(all, writeEvents(t, in, fmt.Sprintf("f%d.json", i), i, int64(i*10), int64(i*10+7))...)
			}
			tbl := openTable(t, out)
			cfg := func() Config {
				return Config{Checkpoint: localStore(t, cp), Plan: scanPlan(fileSpec(t, in, 1)), Sink: NewDeltaSink(tbl, nil), Trigger: Trigger{Kind: AvailableNow}}
			}
			broken := cfg()
			tc.breakRun(&broken)
			q, err := run(t, broken)
			if !errors.Is(err, errInjected) {
				t.Fatalf("first run: err = %v, want the injected failure", err)
			}
			if !errors.Is(q.Exception(), errInjected) || q.IsActive() {
				t.Errorf("after failure: Exception %v, IsActive %v", q.Exception(), q.IsActive())
			}
			if st := q.Status(); !strings.HasPrefix(st.Message, "Terminated with exception: ") || st.IsTriggerActive {
				t.Errorf("status after failure = %s", st)
			}
			versionsBefore := latestVersion(t, tbl)
			wantBefore := 0
			if tc.sinkCommitted {
				wantBefore = 1
			}
			if versionsBefore != int64(wantBefore) {
				t.Fatalf("table version after the crash = %d, want %d", versionsBefore, wantBefore)
			}

			q2, err := run(t, cfg())
			if err != nil {
				t.Fatal(err)
			}
			ps := q2.RecentProgress()
			if len(ps) != 2 || ps[0].BatchID != 1 {
				t.Fatalf("restart ran batches %v, want [1 2]", batchIDs(ps))
			}
			if got, want := string(ps[0].Sources[0].StartOffset), `{"logOffset":0}`; got != want {
				t.Errorf("re-run start offset %s, want %s", got, want)
			}
			if got, want := string(ps[0].Sources[0].EndOffset), `{"logOffset":1}`; got != want {
				t.Errorf("re-run end offset %s, want %s", got, want)
			}
			wantOut := int64(7)
			if tc.sinkCommitted {
				wantOut = 0 // the txn says batch 1 already landed
			}
			if got := ps[0].Sink.NumOutputRows; got != wantOut {
				t.Errorf("re-run sink rows = %d, want %d", got, wantOut)
			}
			sameRows(t, "bronze after recovery", tableRows(t, tbl), eventRows(all))
			if v := latestVersion(t, tbl); v != 2 {
				t.Errorf("table version after recovery = %d, want 2 (one commit per batch)", v)
			}
		})
	}
}

func latestVersion(t *testing.T, tbl interface {
	LatestVersion(context.Context) (int64, error)
}) int64 {
	t.Helper()
	v, err := tbl.LatestVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestStatefulAggregation runs a complete-mode groupBy over several batches,
// restarts with new files and crashes once mid-way: the table always equals
// the batch computation over all input, and restarts load the state
// instead of re-reading old input.
func TestStatefulAggregation(t *testing.T) {
	checkNoLeak(t)
	root := t.TempDir()
	in, cp, out := filepath.Join(root, "in"), filepath.Join(root, "cp"), filepath.Join(root, "gold")
	localStore(t, in)
	var all []event
	for i := range 3 {
		all = append(all, writeEvents(t, in, fmt.Sprintf("f%d.json", i), i, int64(i*50), int64(i*50+20))...)
	}
	tbl := openTable(t, out)
	cfg := func() Config {
		return Config{Name: "gold", Checkpoint: localStore(t, cp), Plan: groupPlan(fileSpec(t, in, 1)), Sink: NewDeltaSink(tbl, nil),
			Trigger: Trigger{Kind: AvailableNow}, OutputMode: Complete}
	}
	q, err := run(t, cfg())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(q.RecentProgress()); n != 3 {
		t.Fatalf("%d batches, want 3", n)
	}
	sameRows(t, "gold after 3 batches", tableRows(t, tbl), groupRows(all))
	ops := q.LastProgress().StateOperators
	if len(ops) != 1 || ops[0].NumRowsTotal != 3 || ops[0].OperatorName != "stateStoreSave" {
		t.Errorf("state operators = %+v, want one stateStoreSave with 3 groups", ops)
	}

	// Two more files; the run crashes after the sink commit of its second
	// batch (batch 4), then a clean run re-runs batch 4.
	var added []event
	for i := 3; i < 5; i++ {
		added = append(added, writeEvents(t, in, fmt.Sprintf("f%d.json", i), i, int64(i*50), int64(i*50+15))...)
	}
	all = append(all, added...)
	broken := cfg()
	broken.Checkpoint = &faultStore{Store: broken.Checkpoint, failPut: func(k string) bool { return k == "commits/4" }}
	q2, err := run(t, broken)
	if !errors.Is(err, errInjected) {
		t.Fatalf("second run: err = %v, want the injected failure", err)
	}
	if got := inputRows(q2); got != 15 {
		t.Errorf("second run recorded %d input rows, want 15 (batch 3 only; old input comes from the state)", got)
	}
	q3, err := run(t, cfg())
	if err != nil {
		t.Fatal(err)
	}
	if ids := batchIDs(q3.RecentProgress()); len(ids) != 1 || ids[0] != 4 {
		t.Fatalf("third run ran batches %v, want [4]", ids)
	}
	if got := inputRows(q3); got != 15 {
		t.Errorf("third run read %d rows, want 15: the re-run batch's input only", got)
	}
	sameRows(t, "gold after crash and re-run", tableRows(t, tbl), groupRows(all))
	vs, err := NewStateStore(localStore(t, cp), aggOperatorID, 0).Versions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(vs) != "[1 2 3 4 5]" {
		t.Errorf("state versions %v, want [1 2 3 4 5]", vs)
	}
}

// TestStartValidation checks the errors Start returns before running.
func TestStartValidation(t *testing.T) {
	root := t.TempDir()
	in := filepath.Join(root, "in")
	localStore(t, in)
	spec := fileSpec(t, in, 0)
	tbl := openTable(t, filepath.Join(root, "out"))
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"complete without aggregation", Config{Plan: scanPlan(spec), OutputMode: Complete},
			"Complete output mode not supported when there are no streaming aggregations"},
		{"append with aggregation", Config{Plan: groupPlan(spec), OutputMode: Append},
			"Append output mode not supported when there are streaming aggregations"},
		{"update into delta", Config{Plan: scanPlan(spec), OutputMode: Update},
			"[DELTA_UNSUPPORTED_OUTPUT_MODE]"},
		{"unknown output mode", Config{Plan: scanPlan(spec), OutputMode: "upsert"}, "[INVALID_OUTPUT_MODE]"},
		{"sort without aggregation", Config{Plan: sortPlan(spec)}, "Sorting is not supported on streaming DataFrames"},
		{"no checkpoint", Config{Plan: scanPlan(spec), Checkpoint: nilStore()}, "[CHECKPOINT_LOCATION_REQUIRED]"},
		{"unknown column", Config{Plan: projectPlan(spec, "nope")}, "[UNRESOLVED_COLUMN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			if cfg.Checkpoint == nil {
				cfg.Checkpoint = storage.NewMemory()
			} else if cfg.Checkpoint == nilStore() {
				cfg.Checkpoint = nil
			}
			cfg.Sink = NewDeltaSink(tbl, nil)
			q, err := Start(context.Background(), cfg)
			if err == nil {
				q.Stop()
				t.Fatalf("Start succeeded, want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

var placeholder = storage.NewMemory()

func nilStore() storage.Store { return placeholder }

// TestConcurrentRunFails: a second run of the same checkpoint that writes
// offsets/0 first makes this run fail instead of writing the batch twice.
func TestConcurrentRunFails(t *testing.T) {
	checkNoLeak(t)
	root := t.TempDir()
	in := filepath.Join(root, "in")
	localStore(t, in)
	writeEvents(t, in, "a.json", 0, 0, 5)
	inner := localStore(t, filepath.Join(root, "cp"))
	fs := &faultStore{Store: inner}
	fs.beforePut = func(k string) {
		if k == "offsets/0" {
			inner.PutIfAbsent(context.Background(), k, []byte("v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":0,\"conf\":{}}\n{\"logOffset\":0}"))
		}
	}
	_, err := run(t, Config{Checkpoint: fs, Plan: scanPlan(fileSpec(t, in, 0)), Sink: NewDeltaSink(openTable(t, filepath.Join(root, "out")), nil), Trigger: Trigger{Kind: AvailableNow}})
	if !errors.Is(err, ErrConcurrentQuery) || !strings.Contains(err.Error(), "[CONCURRENT_QUERY]") {
		t.Fatalf("err = %v, want [CONCURRENT_QUERY]", err)
	}
}

// TestProcessingTimeStatusAndStop runs a ProcessingTime query: it processes
// the file, then waits for data; Stop ends it cleanly.
func TestProcessingTimeStatusAndStop(t *testing.T) {
	checkNoLeak(t)
	root := t.TempDir()
	in := filepath.Join(root, "in")
	localStore(t, in)
	writeEvents(t, in, "a.json", 0, 0, 12)
	tbl := openTable(t, filepath.Join(root, "out"))
	q, err := Start(context.Background(), Config{Name: "pt", Checkpoint: localStore(t, filepath.Join(root, "cp")), Plan: scanPlan(fileSpec(t, in, 0)),
		Sink: NewDeltaSink(tbl, nil), Trigger: Trigger{Kind: ProcessingTime, Interval: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first batch", func() bool { return len(q.RecentProgress()) == 1 })
	if _, err := Start(context.Background(), Config{Checkpoint: localStore(t, filepath.Join(root, "cp")), Plan: scanPlan(fileSpec(t, in, 0)),
		Sink: NewDeltaSink(tbl, nil)}); !errors.Is(err, ErrConcurrentQuery) {
		t.Errorf("second start of an active checkpoint: err = %v, want ErrConcurrentQuery", err)
	}
	waitFor(t, "waiting status", func() bool { return q.Status().Message == StatusWaitingForData })
	if st := q.Status(); st.IsDataAvailable || st.IsTriggerActive {
		t.Errorf("idle status = %s", st)
	}
	if !q.IsActive() {
		t.Error("query not active while waiting")
	}
	writeEvents(t, in, "b.json", 1, 100, 103)
	waitFor(t, "the second batch", func() bool { return len(q.RecentProgress()) == 2 })
	if err := q.Stop(); err != nil {
		t.Fatal(err)
	}
	if q.IsActive() || q.Exception() != nil {
		t.Errorf("after Stop: active %v, exception %v", q.IsActive(), q.Exception())
	}
	if got := q.Status().String(); got != "{'message': 'Stopped', 'isDataAvailable': False, 'isTriggerActive': False}" &&
		got != "{'message': 'Stopped', 'isDataAvailable': True, 'isTriggerActive': False}" {
		t.Errorf("status after Stop = %s", got)
	}
	if err := q.AwaitTermination(context.Background()); err != nil {
		t.Errorf("AwaitTermination after Stop = %v", err)
	}
	if got := len(tableRows(t, tbl)); got != 15 {
		t.Errorf("table has %d rows, want 15", got)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestProgressReport checks the fields of a batch's progress as Spark
// names them.
func TestProgressReport(t *testing.T) {
	root := t.TempDir()
	in := filepath.Join(root, "in")
	localStore(t, in)
	writeEvents(t, in, "a.json", 0, 0, 9)
	out := filepath.Join(root, "out")
	q, err := run(t, Config{Name: "bronze", Checkpoint: localStore(t, filepath.Join(root, "cp")), Plan: scanPlan(fileSpec(t, in, 0)),
		Sink: NewDeltaSink(openTable(t, out), nil), Trigger: Trigger{Kind: Once}})
	if err != nil {
		t.Fatal(err)
	}
	p := q.LastProgress()
	if p == nil {
		t.Fatal("no progress")
	}
	var m map[string]any
	b, _ := json.Marshal(p)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "runId", "name", "timestamp", "batchId", "numInputRows", "inputRowsPerSecond", "processedRowsPerSecond", "durationMs", "stateOperators", "sources", "sink"} {
		if _, ok := m[k]; !ok {
			t.Errorf("progress JSON has no %q: %s", k, b)
		}
	}
	for _, k := range []string{"addBatch", "getBatch", "latestOffset", "queryPlanning", "triggerExecution", "walCommit"} {
		if _, ok := p.DurationMs[k]; !ok {
			t.Errorf("durationMs has no %q: %v", k, p.DurationMs)
		}
	}
	if m["name"] != "bronze" || p.NumInputRows != 9 || p.Sink.NumOutputRows != 9 || p.BatchID != 0 {
		t.Errorf("progress = %s", b)
	}
	src := p.Sources[0]
	if want := "FileStreamSource[file:" + filepath.ToSlash(in) + "]"; src.Description != want {
		t.Errorf("source description %q, want %q", src.Description, want)
	}
	if src.StartOffset != nil || string(src.EndOffset) != `{"logOffset":0}` {
		t.Errorf("source offsets start %s end %s", src.StartOffset, src.EndOffset)
	}
	if want := "DeltaSink[file:" + filepath.ToSlash(out) + "]"; p.Sink.Description != want {
		t.Errorf("sink description %q, want %q", p.Sink.Description, want)
	}
	if !strings.Contains(p.String(), `"startOffset" : null`) {
		t.Errorf("pretty progress lacks a null startOffset:\n%s", p)
	}
	if got := q.Status().Message; got != StatusStopped {
		t.Errorf("status after Once = %q", got)
	}
}

// TestLeafScanFails: a streaming plan cannot run as a batch query, and
// IsStreaming tells the two apart.
func TestLeafScanFails(t *testing.T) {
	root := t.TempDir()
	localStore(t, root)
	spec := fileSpec(t, root, 0)
	if !IsStreaming(projectPlan(spec, "id")) {
		t.Error("IsStreaming(plan over a Leaf) = false")
	}
	if IsStreaming(&plan.LocalRelation{Struct: eventSchema}) {
		t.Error("IsStreaming(LocalRelation) = true")
	}
	_, err := plan.Execute(context.Background(), projectPlan(spec, "id"), plan.ExecOptions{})
	if !errors.Is(err, ErrStreamingNotExecutable) || !strings.Contains(err.Error(), "writeStream.start()") {
		if err == nil {
			t.Fatal("executing a streaming plan as a batch succeeded")
		}
		// Execution is lazy: the error may surface on the first Next.
		t.Fatalf("Execute error = %v", err)
	}
}

// TestEngineReleasesMemory runs the stateful path with a checked allocator
// on the query context: every buffer the engine and the operators under it
// allocate from it is released.
func TestEngineReleasesMemory(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	ctx := compute.WithAllocator(context.Background(), mem)
	root := t.TempDir()
	in := filepath.Join(root, "in")
	localStore(t, in)
	for i := range 3 {
		writeEvents(t, in, fmt.Sprintf("f%d.json", i), i, int64(i*10), int64(i*10+10))
	}
	q, err := Start(ctx, Config{Checkpoint: localStore(t, filepath.Join(root, "cp")), Plan: groupPlan(fileSpec(t, in, 1)),
		Sink: NewDeltaSink(openTable(t, filepath.Join(root, "out")), nil), Trigger: Trigger{Kind: AvailableNow}, OutputMode: Complete})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.AwaitTermination(ctx); err != nil {
		t.Fatal(err)
	}
	if len(q.RecentProgress()) != 3 {
		t.Fatalf("%d batches, want 3", len(q.RecentProgress()))
	}
	mem.AssertSize(t, 0)
}

// gateStore blocks List of offsets/ until open is closed: the query is
// then still initializing.
type gateStore struct {
	storage.Store
	open chan struct{}
}

func (g *gateStore) List(ctx context.Context, prefix string) ([]storage.FileInfo, error) {
	if prefix == OffsetsDir {
		<-g.open
	}
	return g.Store.List(ctx, prefix)
}

// blockingSink holds each batch until released or the context ends.
type blockingSink struct {
	Sink
	entered chan struct{}
	release chan struct{}
}

func (s *blockingSink) AddBatch(ctx context.Context, queryID string, batchID int64, data batch.Reader, mode OutputMode) (int64, error) {
	s.entered <- struct{}{}
	select {
	case <-s.release:
		return s.Sink.AddBatch(ctx, queryID, batchID, data, mode)
	case <-ctx.Done():
		data.Close()
		return 0, ctx.Err()
	}
}

// TestStatusTransitionsAndStopInsideBatch walks a query through its
// statuses and stops it in the middle of a batch: the batch is not
// committed, and the next run re-runs it.
func TestStatusTransitionsAndStopInsideBatch(t *testing.T) {
	checkNoLeak(t)
	root := t.TempDir()
	in, cp := filepath.Join(root, "in"), filepath.Join(root, "cp")
	localStore(t, in)
	all := writeEvents(t, in, "a.json", 0, 0, 6)
	tbl := openTable(t, filepath.Join(root, "out"))
	gate := &gateStore{Store: localStore(t, cp), open: make(chan struct{})}
	sink := &blockingSink{Sink: NewDeltaSink(tbl, nil), entered: make(chan struct{}, 1), release: make(chan struct{})}
	q, err := Start(context.Background(), Config{Checkpoint: gate, Plan: scanPlan(fileSpec(t, in, 0)), Sink: sink, Trigger: Trigger{Kind: ProcessingTime}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := q.Status().String(), "{'message': 'Initializing sources', 'isDataAvailable': False, 'isTriggerActive': False}"; got != want {
		t.Errorf("status while initializing = %s, want %s", got, want)
	}
	if q.LastProgress() != nil || !q.IsActive() {
		t.Errorf("while initializing: LastProgress %v, IsActive %v", q.LastProgress(), q.IsActive())
	}
	close(gate.open)
	<-sink.entered
	if got := q.Status(); got != (QueryStatus{Message: StatusProcessing, IsDataAvailable: true, IsTriggerActive: true}) {
		t.Errorf("status inside a batch = %s", got)
	}
	if err := q.Stop(); err != nil {
		t.Fatal(err)
	}
	if st := q.Status(); st.Message != StatusStopped || st.IsTriggerActive || q.IsActive() || q.Exception() != nil {
		t.Errorf("after Stop inside a batch: status %s, active %v, exception %v", st, q.IsActive(), q.Exception())
	}
	if _, err := NewCommitLog(gate.Store).Get(context.Background(), 0); !errors.Is(err, ErrBatchNotFound) {
		t.Fatalf("commits/0 after a stop inside batch 0: %v, want none", err)
	}

	q2, err := run(t, Config{Checkpoint: localStore(t, cp), Plan: scanPlan(fileSpec(t, in, 0)), Sink: NewDeltaSink(tbl, nil), Trigger: Trigger{Kind: Once}})
	if err != nil {
		t.Fatal(err)
	}
	if ids := batchIDs(q2.RecentProgress()); fmt.Sprint(ids) != "[0]" {
		t.Errorf("restart ran batches %v, want the interrupted batch 0", ids)
	}
	sameRows(t, "table after the re-run", tableRows(t, tbl), eventRows(all))
}

// TestTwoSourcesUnion streams two folders into one table: each source has
// its own id, log and offsets line, and only the folder with new files
// contributes to the next batch.
func TestTwoSourcesUnion(t *testing.T) {
	root := t.TempDir()
	a, b, cp := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "cp")
	localStore(t, a)
	localStore(t, b)
	var all []event
	all = append(all, writeEvents(t, a, "a0.json", 0, 0, 3)...)
	all = append(all, writeEvents(t, b, "b0.json", 1, 100, 104)...)
	tbl := openTable(t, filepath.Join(root, "out"))
	cfg := func() Config {
		p := &plan.Union{Inputs: []plan.Node{scanPlan(fileSpec(t, a, 0)), scanPlan(fileSpec(t, b, 0))}, All: true}
		return Config{Checkpoint: localStore(t, cp), Plan: p, Sink: NewDeltaSink(tbl, nil), Trigger: Trigger{Kind: AvailableNow}}
	}
	q, err := run(t, cfg())
	if err != nil {
		t.Fatal(err)
	}
	if p := q.LastProgress(); p == nil || len(p.Sources) != 2 || p.Sources[0].NumInputRows != 3 || p.Sources[1].NumInputRows != 4 {
		t.Fatalf("progress = %v, want two sources reading 3 and 4 rows", p)
	}
	all = append(all, writeEvents(t, b, "b1.json", 2, 200, 202)...)
	q2, err := run(t, cfg())
	if err != nil {
		t.Fatal(err)
	}
	p := q2.LastProgress()
	if p.BatchID != 1 || p.Sources[0].NumInputRows != 0 || p.Sources[1].NumInputRows != 2 ||
		string(p.Sources[0].StartOffset) != string(p.Sources[0].EndOffset) {
		t.Errorf("second run progress = %s", p)
	}
	seq, err := NewOffsetLog(localStore(t, cp)).Get(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%s %s", seq.Offsets[0], seq.Offsets[1]); got != `{"logOffset":0} {"logOffset":1}` {
		t.Errorf("offsets/1 sources = %s", got)
	}
	sameRows(t, "union table", tableRows(t, tbl), eventRows(all))
}
