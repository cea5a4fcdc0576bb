package ingot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/format"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/internal/stream"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// DataStreamReader defines a streaming source, as pyspark's
// DataStreamReader does: ReadStream().Option("maxFilesPerTrigger", 1).JSON(ctx, dir).
type DataStreamReader struct {
	s       *Session
	format  string
	options map[string]string
	schema  *types.StructType
}

// ReadStream starts a streaming read.
func (s *Session) ReadStream() *DataStreamReader {
	return &DataStreamReader{s: s, format: "parquet", options: map[string]string{}}
}

// Format names the source format: "json", "csv", "parquet" or "delta".
func (r *DataStreamReader) Format(f string) *DataStreamReader {
	r.format = strings.ToLower(f)
	return r
}

// Option sets a source option (maxFilesPerTrigger, multiLine, ...).
func (r *DataStreamReader) Option(k string, v any) *DataStreamReader {
	r.options[strings.ToLower(k)] = fmt.Sprint(v)
	return r
}

// Options sets several options.
func (r *DataStreamReader) Options(opts map[string]string) *DataStreamReader {
	for k, v := range opts {
		r.Option(k, v)
	}
	return r
}

// Schema sets the source schema. File sources need one unless
// spark.sql.streaming.schemaInference is true, as in Spark.
func (r *DataStreamReader) Schema(st types.StructType) *DataStreamReader { r.schema = &st; return r }

// Load defines a stream over the files arriving in a directory (for delta,
// over the commits of the table at path).
func (r *DataStreamReader) Load(ctx context.Context, path string) (*DataFrame, error) {
	if r.format == "delta" {
		t, err := openDelta(ctx, path)
		if err != nil {
			return nil, err
		}
		return r.deltaStream(ctx, t, "delta.`"+path+"`", "")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("ingot: stream source %s: %w", abs, err)
	}
	opts := format.NewOptions(r.options)
	set, err := format.Open(ctx, abs, r.format, opts)
	if err != nil {
		return nil, err
	}
	var schema types.StructType
	switch {
	case r.schema != nil:
		schema = *r.schema
	case r.format == "parquet" || r.s.confBool("spark.sql.streaming.schemaInference", false):
		if schema, err = set.Infer(ctx); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("ingot: [UNABLE_TO_INFER_SCHEMA] Schema must be specified when creating a streaming source DataFrame from %s files; set spark.sql.streaming.schemaInference=true to infer it", strings.ToUpper(r.format))
	}
	maxFiles := 0
	if v, ok := opts["maxfilespertrigger"]; ok {
		if maxFiles, err = strconv.Atoi(v); err != nil || maxFiles < 1 {
			return nil, fmt.Errorf("ingot: maxFilesPerTrigger=%q must be a positive integer", v)
		}
	}
	spec := &stream.FileSourceSpec{Set: set, Schema: schema, MaxFilesPerTrigger: maxFiles}
	return r.s.newDataFrame(&plan.Scan{Source: &stream.Leaf{Spec: spec}}), nil
}

// JSON, CSV and Parquet are Format(...).Load(dir).
func (r *DataStreamReader) JSON(ctx context.Context, dir string) (*DataFrame, error) {
	return r.Format("json").Load(ctx, dir)
}
func (r *DataStreamReader) CSV(ctx context.Context, dir string) (*DataFrame, error) {
	return r.Format("csv").Load(ctx, dir)
}
func (r *DataStreamReader) Parquet(ctx context.Context, dir string) (*DataFrame, error) {
	return r.Format("parquet").Load(ctx, dir)
}

// Table streams the commits of a catalog Delta table.
func (r *DataStreamReader) Table(ctx context.Context, name string) (*DataFrame, error) {
	ct, t, err := r.s.lookupTable(ctx, name)
	if err != nil {
		return nil, err
	}
	return r.deltaStream(ctx, t, "spark_catalog."+ct.Database+"."+ct.Name, ct.Name)
}

func (r *DataStreamReader) deltaStream(ctx context.Context, t *delta.Table, label, alias string) (*DataFrame, error) {
	spec, err := stream.NewDeltaSourceSpec(ctx, t, label, r.options)
	if err != nil {
		return nil, err
	}
	return r.s.newDataFrame(&plan.Scan{Source: &stream.Leaf{Spec: spec}, Alias: alias}), nil
}

// isStreamingPlan reports whether a plan reads a streaming source.
func isStreamingPlan(n plan.Node) bool { return stream.IsStreaming(n) }

// Trigger says when a streaming query runs its micro-batches.
type Trigger = stream.Trigger

// AvailableNow processes everything available when the query starts, in
// as many batches as the sources' limits need, then stops.
func AvailableNow() Trigger { return stream.Trigger{Kind: stream.AvailableNow} }

// Once processes one batch of what is available, then stops.
func Once() Trigger { return stream.Trigger{Kind: stream.Once} }

// ProcessingTime runs a batch every interval until stopped.
func ProcessingTime(interval time.Duration) Trigger {
	return stream.Trigger{Kind: stream.ProcessingTime, Interval: interval}
}

// DataStreamWriter starts a streaming query, as pyspark's DataStreamWriter.
type DataStreamWriter struct {
	df         *DataFrame
	format     string
	outputMode string
	name       string
	trigger    Trigger
	options    map[string]string
}

// WriteStream starts defining the sink of a streaming DataFrame.
func (df *DataFrame) WriteStream() *DataStreamWriter {
	return &DataStreamWriter{df: df, format: "delta", outputMode: "append", trigger: ProcessingTime(0), options: map[string]string{}}
}

// Format names the sink format; only "delta" is supported.
func (w *DataStreamWriter) Format(f string) *DataStreamWriter {
	w.format = strings.ToLower(f)
	return w
}

// OutputMode is "append" (default) or "complete" (for aggregations).
func (w *DataStreamWriter) OutputMode(m string) *DataStreamWriter {
	w.outputMode = strings.ToLower(m)
	return w
}

// PartitionBy lays the sink table out in Hive-style directories by these
// columns (when the query creates it; an existing table keeps its own).
func (w *DataStreamWriter) PartitionBy(cols ...string) *DataStreamWriter {
	w.options["partitionby"] = strings.Join(cols, ",")
	return w
}

// QueryName names the query (StreamingQuery.Name).
func (w *DataStreamWriter) QueryName(n string) *DataStreamWriter { w.name = n; return w }

// Trigger sets when batches run (default: ProcessingTime(0), back to back).
func (w *DataStreamWriter) Trigger(t Trigger) *DataStreamWriter { w.trigger = t; return w }

// Option sets a sink option; "checkpointLocation" is required.
func (w *DataStreamWriter) Option(k string, v any) *DataStreamWriter {
	w.options[strings.ToLower(k)] = fmt.Sprint(v)
	return w
}

// ToTable starts the query writing into a catalog Delta table, creating a
// managed one when absent.
func (w *DataStreamWriter) ToTable(ctx context.Context, name string) (*StreamingQuery, error) {
	if err := w.check(); err != nil {
		return nil, err
	}
	ct, _, err := w.df.s.ensureTable(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := w.createIfAbsent(ctx, ct.Location); err != nil {
		return nil, err
	}
	return w.start(ctx, ct.Location)
}

// createIfAbsent creates the sink table with the query's schema before the
// query starts, as Spark's toTable does, so the table can be queried (empty)
// while the first batch runs. Every column is nullable, as Spark makes the
// columns of a table a stream creates.
func (w *DataStreamWriter) createIfAbsent(ctx context.Context, location string) error {
	t, err := openDelta(ctx, location)
	if err != nil {
		return err
	}
	if exists, err := t.Exists(ctx); err != nil || exists {
		return err
	}
	schema := w.df.Schema()
	for i := range schema.Fields {
		schema.Fields[i].Nullable = true
	}
	var partitionBy []string
	if p := strings.TrimSpace(w.options["partitionby"]); p != "" {
		for _, c := range strings.Split(p, ",") {
			partitionBy = append(partitionBy, strings.TrimSpace(c))
		}
	}
	_, err = t.Write(ctx, batch.FromSlice(schema.ArrowSchema()), delta.WriteOptions{
		Mode: delta.ModeIgnore, Operation: "CREATE TABLE", PartitionBy: partitionBy,
	})
	if err != nil {
		return fmt.Errorf("ingot: create streaming sink table %s: %w", location, err)
	}
	return nil
}

// Start starts the query writing a Delta table at path.
func (w *DataStreamWriter) Start(ctx context.Context, path string) (*StreamingQuery, error) {
	if err := w.check(); err != nil {
		return nil, err
	}
	return w.start(ctx, path)
}

func (w *DataStreamWriter) check() error {
	if w.df.err != nil {
		return w.df.err
	}
	if !w.df.IsStreaming() {
		return errors.New("ingot: [WRITE_STREAM_NOT_ALLOWED] WriteStream can be called only on a streaming DataFrame")
	}
	if w.format != "delta" {
		return fmt.Errorf("ingot: [UNSUPPORTED_DATA_SOURCE_FOR_WRITE] streaming sink format %q: ingot writes only delta", w.format)
	}
	return nil
}

func (w *DataStreamWriter) start(ctx context.Context, location string) (*StreamingQuery, error) {
	cp := w.options["checkpointlocation"]
	if cp == "" {
		// Spark's session default: <spark.sql.streaming.checkpointLocation>/<query name>.
		if root := w.df.s.GetConf("spark.sql.streaming.checkpointLocation", ""); root != "" && w.name != "" {
			cp = filepath.Join(root, w.name)
		}
	}
	if cp == "" {
		return nil, errors.New("ingot: [CHECKPOINT_LOCATION_REQUIRED] checkpointLocation must be specified either through option(\"checkpointLocation\", ...) or spark.sql.streaming.checkpointLocation with a query name")
	}
	cpStore, err := storage.Open(ctx, cp)
	if err != nil {
		return nil, fmt.Errorf("ingot: checkpointLocation: %w", err)
	}
	t, err := openDelta(ctx, location)
	if err != nil {
		return nil, err
	}
	sink := stream.NewDeltaSink(t, w.options).(*stream.DeltaSink)
	schema := w.df.Schema()
	sink.Check = func(ctx context.Context, data batch.Reader) (batch.Reader, bool, error) {
		return constrain(ctx, t, schema, data)
	}
	// The query outlives the call that starts it: it ends by itself
	// (AvailableNow, Once), by Stop, or by Session.Close — not when the
	// caller's context is cancelled, which would end it looking like a
	// finished query.
	q, err := stream.Start(context.WithoutCancel(ctx), stream.Config{
		Name:       w.name,
		Checkpoint: cpStore,
		Plan:       w.df.node,
		Sink:       sink,
		Trigger:    w.trigger,
		OutputMode: stream.OutputMode(w.outputMode),
		Exec:       w.df.s.execOptions(),
	})
	if err != nil {
		return nil, err
	}
	sq := &StreamingQuery{q: q}
	w.df.s.streams.add(sq)
	return sq, nil
}

// QueryStatus is what a streaming query is doing now; its String is the
// dict PySpark prints ({'message': ..., 'isDataAvailable': ..., ...}).
type QueryStatus = stream.QueryStatus

// QueryProgress describes one micro-batch with Spark's field names; it
// marshals to the same JSON as Spark's StreamingQueryProgress.
type QueryProgress = stream.QueryProgress

// SourceProgress, SinkProgress and StateOperatorProgress are the parts of a
// QueryProgress.
type (
	SourceProgress        = stream.SourceProgress
	SinkProgress          = stream.SinkProgress
	StateOperatorProgress = stream.StateOperatorProgress
)

// ErrConcurrentQuery: another run of the same checkpoint is active.
var ErrConcurrentQuery = stream.ErrConcurrentQuery

// StreamingQuery is a running streaming query, as pyspark's StreamingQuery.
type StreamingQuery struct {
	q *stream.Query
}

// ID is the query's id, kept across restarts in the checkpoint.
func (q *StreamingQuery) ID() string { return q.q.ID() }

// RunID is unique to this run of the query.
func (q *StreamingQuery) RunID() string { return q.q.RunID() }

// Name is the QueryName given, or "".
func (q *StreamingQuery) Name() string { return q.q.Name() }

// Status is what the query is doing now.
func (q *StreamingQuery) Status() QueryStatus { return q.q.Status() }

// LastProgress is the progress of the last batch, or nil before the first.
func (q *StreamingQuery) LastProgress() *QueryProgress { return q.q.LastProgress() }

// RecentProgress is the progress of the recent batches, oldest first.
func (q *StreamingQuery) RecentProgress() []QueryProgress { return q.q.RecentProgress() }

// IsActive reports whether the query is still running.
func (q *StreamingQuery) IsActive() bool { return q.q.IsActive() }

// AwaitTermination waits for the query to end (AvailableNow and Once
// queries end by themselves) and returns its failure, if any.
func (q *StreamingQuery) AwaitTermination(ctx context.Context) error {
	return q.q.AwaitTermination(ctx)
}

// Stop stops the query and waits for it to end.
func (q *StreamingQuery) Stop() error { return q.q.Stop() }

// Exception is the error that ended the query, or nil.
func (q *StreamingQuery) Exception() error { return q.q.Exception() }

// StreamingQueryManager tracks a session's streaming queries.
type StreamingQueryManager struct {
	mu      sync.Mutex
	queries []*StreamingQuery
}

func newStreamingQueryManager() *StreamingQueryManager { return &StreamingQueryManager{} }

func (m *StreamingQueryManager) add(q *StreamingQuery) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queries = append(m.queries, q)
}

// Active lists the queries still running.
func (m *StreamingQueryManager) Active() []*StreamingQuery {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*StreamingQuery
	for _, q := range m.queries {
		if q.IsActive() {
			out = append(out, q)
		}
	}
	return out
}

// AwaitAnyTermination waits until any query started since the last
// ResetTerminated has ended (returning at once if one already has), and
// returns that query's failure, if any.
func (m *StreamingQueryManager) AwaitAnyTermination(ctx context.Context) error {
	m.mu.Lock()
	qs := append([]*StreamingQuery(nil), m.queries...)
	m.mu.Unlock()
	if len(qs) == 0 {
		return nil
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, len(qs))
	for _, q := range qs {
		go func() { done <- q.AwaitTermination(wctx) }()
	}
	select {
	case err := <-done:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ResetTerminated forgets the queries that have ended, so that
// AwaitAnyTermination waits for a new termination.
func (m *StreamingQueryManager) ResetTerminated() {
	m.mu.Lock()
	defer m.mu.Unlock()
	active := m.queries[:0]
	for _, q := range m.queries {
		if q.IsActive() {
			active = append(active, q)
		}
	}
	m.queries = active
}

func (m *StreamingQueryManager) stopAll() error {
	var first error
	for _, q := range m.Active() {
		if err := q.Stop(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
