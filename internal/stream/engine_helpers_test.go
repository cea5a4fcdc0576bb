package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/format"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// eventSchema is the schema of the test JSON files: {"id":N,"k":"g","v":N}.
var eventSchema = types.NewStruct(types.Field("id", types.Long), types.Field("k", types.String), types.Field("v", types.Long))

// event is one input row; rows are generated from their id.
type event struct {
	id int64
	k  string
	v  int64
}

func eventOf(id int64) event { return event{id: id, k: fmt.Sprintf("g%d", id%3), v: id * 10} }

// writeEvents writes a JSON Lines file holding ids [from, to) into dir,
// dated seq seconds after a fixed time so files sort in creation order.
func writeEvents(t testing.TB, dir, name string, seq int, from, to int64) []event {
	t.Helper()
	var b strings.Builder
	var out []event
	for id := from; id < to; id++ {
		e := eventOf(id)
		out = append(out, e)
		fmt.Fprintf(&b, "{\"id\":%d,\"k\":%q,\"v\":%d}\n", e.id, e.k, e.v)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	touch(t, p, seq)
	return out
}

// touch dates a file seq seconds after a fixed time.
func touch(t testing.TB, p string, seq int) {
	t.Helper()
	at := time.Unix(1764000000+int64(seq), 0)
	if err := os.Chtimes(p, at, at); err != nil {
		t.Fatal(err)
	}
}

func localStore(t testing.TB, dir string) *storage.Local {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := storage.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fileSpec(t testing.TB, dir string, maxFiles int) *FileSourceSpec {
	t.Helper()
	set, err := format.Open(context.Background(), dir, "json", format.NewOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	return &FileSourceSpec{Set: set, Schema: eventSchema, MaxFilesPerTrigger: maxFiles}
}

func openTable(t testing.TB, dir string) *delta.Table {
	t.Helper()
	tbl, err := delta.Open(context.Background(), localStore(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// tableRows reads a Delta table's rows as sorted "col=val ..." strings.
func tableRows(t *testing.T, tbl *delta.Table) []string {
	t.Helper()
	ctx := context.Background()
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := snap.Scan(ctx, delta.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return readerRows(t, r)
}

func readerRows(t *testing.T, r batch.Reader) []string {
	t.Helper()
	defer r.Close()
	var out []string
	for {
		rec, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			var parts []string
			for c := 0; c < int(rec.NumCols()); c++ {
				col := rec.Column(c)
				v := "NULL"
				if !col.IsNull(i) {
					v = col.ValueStr(i)
					if f, ok := col.(*array.Float64); ok {
						v = fmt.Sprintf("%g", f.Value(i))
					}
				}
				parts = append(parts, rec.Schema().Field(c).Name+"="+v)
			}
			out = append(out, strings.Join(parts, " "))
		}
		rec.Release()
	}
	sort.Strings(out)
	return out
}

func eventRows(es []event) []string {
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("id=%d k=%s v=%d", e.id, e.k, e.v))
	}
	sort.Strings(out)
	return out
}

func sameRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s: got %d rows, want %d\ngot:  %v\nwant: %v", what, len(got), len(want), head(got), head(want))
	}
}

func head(rows []string) []string {
	if len(rows) > 8 {
		return append(rows[:8:8], "...")
	}
	return rows
}

func col(name string) expr.Expr { return &expr.ColumnRef{Name: name} }

func aggCall(name string, arg expr.Expr, as string) expr.Expr {
	return &expr.Alias{Child: &expr.AggCall{Name: name, Args: []expr.Expr{arg}}, Name: as}
}

// groupPlan is SELECT k, sum(v) AS total, count(id) AS n FROM stream GROUP BY k ORDER BY k.
func groupPlan(spec SourceSpec) plan.Node {
	return &plan.Sort{
		Input: &plan.Aggregate{
			Input:   &plan.Scan{Source: &Leaf{Spec: spec}},
			GroupBy: []expr.Expr{col("k")},
			Aggs:    []expr.Expr{col("k"), aggCall("sum", col("v"), "total"), aggCall("count", col("id"), "n")},
		},
		Orders: []*expr.SortOrder{{Child: col("k")}},
	}
}

// groupRows is what groupPlan's output table holds for es.
func groupRows(es []event) []string {
	type acc struct{ sum, n int64 }
	m := map[string]*acc{}
	for _, e := range es {
		a := m[e.k]
		if a == nil {
			a = &acc{}
			m[e.k] = a
		}
		a.sum += e.v
		a.n++
	}
	var out []string
	for k, a := range m {
		out = append(out, fmt.Sprintf("k=%s total=%d n=%d", k, a.sum, a.n))
	}
	sort.Strings(out)
	return out
}

// run starts a query and waits for it to end, returning it and its error.
func run(t *testing.T, cfg Config) (*Query, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q, err := Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return q, q.AwaitTermination(ctx)
}

// inputRows sums numInputRows over a query's progress reports.
func inputRows(q *Query) int64 {
	var n int64
	for _, p := range q.RecentProgress() {
		n += p.NumInputRows
	}
	return n
}

// checkNoLeak fails if goroutines started during the test are still
// running when it ends.
func checkNoLeak(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(3 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<16)
			t.Errorf("goroutine leak: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
		}
	})
}

// faultStore wraps a checkpoint store and fails or intercepts chosen
// writes, to inject crashes and concurrent runs.
type faultStore struct {
	storage.Store
	mu sync.Mutex
	// failPut fails PutIfAbsent/Put of a key for which it returns true.
	failPut func(key string) bool
	// beforePut runs before PutIfAbsent of each key.
	beforePut func(key string)
}

var errInjected = errors.New("injected failure")

func (f *faultStore) check(key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.beforePut != nil {
		f.beforePut(key)
	}
	if f.failPut != nil && f.failPut(key) {
		return fmt.Errorf("put %s: %w", key, errInjected)
	}
	return nil
}

func (f *faultStore) PutIfAbsent(ctx context.Context, key string, data []byte) error {
	if err := f.check(key); err != nil {
		return err
	}
	return f.Store.PutIfAbsent(ctx, key, data)
}

func (f *faultStore) Put(ctx context.Context, key string, data []byte) error {
	if err := f.check(key); err != nil {
		return err
	}
	return f.Store.Put(ctx, key, data)
}

// failingSink commits through its inner sink and then fails, as a process
// dying right after the Delta commit would.
type failingSink struct {
	Sink
	failBatch int64
	before    bool // fail before committing instead
}

func (s *failingSink) AddBatch(ctx context.Context, queryID string, batchID int64, data batch.Reader, mode OutputMode) (int64, error) {
	if s.before && batchID == s.failBatch {
		data.Close()
		return 0, fmt.Errorf("sink batch %d: %w", batchID, errInjected)
	}
	n, err := s.Sink.AddBatch(ctx, queryID, batchID, data, mode)
	if err == nil && batchID == s.failBatch {
		return n, fmt.Errorf("sink batch %d: %w", batchID, errInjected)
	}
	return n, err
}

func scanPlan(spec SourceSpec) plan.Node { return &plan.Scan{Source: &Leaf{Spec: spec}} }

func projectPlan(spec SourceSpec, column string) plan.Node {
	return &plan.Project{Input: scanPlan(spec), Exprs: []expr.Expr{col(column)}}
}

func sortPlan(spec SourceSpec) plan.Node {
	return &plan.Sort{Input: scanPlan(spec), Orders: []*expr.SortOrder{{Child: col("id")}}}
}

// projectPlan3 selects the event columns by name from a stream.
func projectPlan3(spec SourceSpec) plan.Node {
	return &plan.Project{Input: scanPlan(spec), Exprs: []expr.Expr{col("id"), col("k"), col("v")}}
}

func planScanAll() plan.ScanRequest { return plan.ScanRequest{} }

func typeName(v any) string { return fmt.Sprintf("%T", v) }
