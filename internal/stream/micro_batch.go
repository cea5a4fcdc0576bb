package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// ErrConcurrentQuery: another run of the same checkpoint wrote the batch
// this run was about to write.
var ErrConcurrentQuery = errors.New("stream: concurrent run of the same checkpoint")

// idlePoll is how long a ProcessingTime query with a zero interval waits
// before asking its sources again after finding no new data.
const idlePoll = 100 * time.Millisecond

// loop runs micro-batches until the trigger is satisfied or ctx ends.
//
// Recovery argument. Each batch N goes through four durable steps, in
// order: (1) the sources' own logs (a file source writes sources/<id>/K,
// the files of its next batch, inside LatestOffset); (2) offsets/N, the
// write-ahead record of exactly which data batch N reads, written with
// put-if-absent; (3) the state (state/0/0/N+1) and then the sink's commit,
// which for Delta carries txn(appId = query id, version = N) in the same
// atomic log entry as the data; (4) commits/N. A crash can stop the run
// between any two steps, and a restart looks at the latest offsets N and
// commits M (Recover):
//
//   - crash before (2): nothing of batch N is recorded but perhaps a source
//     log entry; the restart plans batch N afresh (N = M+1 from the start
//     offsets of M), and a file source hands out its unprocessed log entry
//     first, so its files are neither skipped nor planned twice.
//   - crash after (2), before (4): N == M+1, so batch N is re-run with the
//     offsets recorded in offsets/N (start = offsets/N-1), reading the same
//     data. State is loaded from version N, which batch N did not touch, so
//     re-aggregation is exact; version N+1 is overwritten. If the sink had
//     committed, its txn version for the query is already >= N and it
//     writes nothing: the table holds batch N exactly once.
//   - crash after (4): N == M, batch N is done; the next batch starts from
//     offsets/N.
//
// Partial files cannot mislead the restart: logs and offsets are written
// with put-if-absent of the whole content and state with an atomic put, so
// a file either exists complete or not at all. Two runs on one checkpoint
// race on offsets/N; the loser fails with ErrConcurrentQuery instead of
// writing the batch twice.
func (q *Query) loop(ctx context.Context) error {
	rec, err := q.cp.Recover(ctx)
	if err != nil {
		return err
	}
	if rec.Warning != "" {
		q.logf("stream: %s", rec.Warning)
	}
	if last := rec.NextBatchID - 1; last >= 0 && (rec.Rerun || rec.HasOffsets) {
		if rc, ok := q.cfg.Sink.(ResumeChecker); ok {
			if err := rc.CheckResume(ctx, q.ID(), last); err != nil {
				return err
			}
		}
	}
	n := len(q.sources)
	committed := make([]json.RawMessage, n) // end offsets of the last batch run
	batchID := rec.NextBatchID
	ran := false
	var lastStart, lastIdle time.Time
	if rec.Rerun {
		if batchID > 0 {
			prev, err := q.cp.Offsets.Get(ctx, batchID-1)
			if err != nil {
				return fmt.Errorf("stream: re-run batch %d: start offsets: %w", batchID, err)
			}
			copy(committed, prev.Offsets)
		}
		if len(rec.Offsets.Offsets) != n {
			return fmt.Errorf("stream: re-run batch %d: offsets/%d has %d sources, the query has %d (the checkpoint belongs to another query): %w", batchID, batchID, len(rec.Offsets.Offsets), n, ErrCorruptCheckpoint)
		}
		q.logf("stream: re-running batch %d with its recorded offsets", batchID)
		t := &trigger{start: time.Now(), durations: map[string]int64{"latestOffset": 0, "walCommit": 0}}
		if err := q.runBatch(ctx, t, batchID, committed, rec.Offsets, lastStart); err != nil {
			return err
		}
		lastStart, lastIdle = t.start, t.start
		copy(committed, rec.Offsets.Offsets)
		batchID++
		ran = true
	} else if rec.HasOffsets {
		if len(rec.Offsets.Offsets) != n {
			return fmt.Errorf("stream: offsets/%d has %d sources, the query has %d (the checkpoint belongs to another query): %w", batchID-1, len(rec.Offsets.Offsets), n, ErrCorruptCheckpoint)
		}
		copy(committed, rec.Offsets.Offsets)
	}
	if q.cfg.Trigger.Kind == AvailableNow {
		for _, s := range q.sources {
			if p, ok := s.(availableNowSource); ok {
				if err := p.prepareForAvailableNow(ctx); err != nil {
					return err
				}
			}
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if q.cfg.Trigger.Kind == Once && ran {
			return nil
		}
		t := &trigger{start: time.Now(), durations: map[string]int64{}}
		ends, hasData, err := q.latestOffsets(ctx, t, committed)
		if err != nil {
			return err
		}
		if !hasData {
			q.idleProgress(t, batchID, committed, &lastIdle)
			if q.cfg.Trigger.Kind != ProcessingTime {
				return nil
			}
			q.tracker.SetStatus(QueryStatus{Message: StatusWaitingForData})
			if err := q.waitNext(ctx, t.start, true); err != nil {
				return err
			}
			continue
		}
		seq := OffsetSeq{Metadata: OffsetSeqMetadata{BatchTimestampMs: t.start.UnixMilli()}, Offsets: ends}
		walStart := time.Now()
		if err := q.cp.Offsets.Add(ctx, batchID, seq); err != nil {
			if errors.Is(err, ErrBatchExists) {
				return fmt.Errorf("stream: [CONCURRENT_QUERY] Another instance of this query was just started by a concurrent session (offsets/%d appeared in %s while this run was planning it): %w", batchID, q.cp.Store.URL(), ErrConcurrentQuery)
			}
			return err
		}
		t.durations["walCommit"] = time.Since(walStart).Milliseconds()
		crashPoint(q.cfg.Name, "offsets", batchID)
		if err := q.runBatch(ctx, t, batchID, committed, seq, lastStart); err != nil {
			return err
		}
		lastStart, lastIdle = t.start, t.start
		committed = ends
		batchID++
		ran = true
		if q.cfg.Trigger.Kind == ProcessingTime {
			st := q.tracker.Status()
			st.Message, st.IsTriggerActive = StatusWaitingTrigger, false
			q.tracker.SetStatus(st)
			if err := q.waitNext(ctx, t.start, false); err != nil {
				return err
			}
		}
	}
}

// trigger collects one trigger's timings.
type trigger struct {
	start     time.Time
	durations map[string]int64
}

// latestOffsets asks every source for its next end offset.
func (q *Query) latestOffsets(ctx context.Context, t *trigger, start []json.RawMessage) ([]json.RawMessage, bool, error) {
	begin := time.Now()
	ends := make([]json.RawMessage, len(q.sources))
	hasData := false
	for i, s := range q.sources {
		st := q.tracker.Status()
		st.Message, st.IsTriggerActive = fmt.Sprintf(StatusGettingOffsets, s.Description()), true
		q.tracker.SetStatus(st)
		end, err := s.LatestOffset(ctx, start[i])
		if err != nil {
			if errors.Is(err, ErrBatchExists) {
				// The source's own log entry was taken: another run plans too.
				return nil, false, fmt.Errorf("stream: [CONCURRENT_QUERY] Another instance of this query was just started by a concurrent session (%s: %v): %w", s.Description(), err, ErrConcurrentQuery)
			}
			return nil, false, fmt.Errorf("stream: %s: latest offset: %w", s.Description(), err)
		}
		ends[i] = end
		if !sameOffset(end, start[i]) {
			hasData = true
		}
	}
	t.durations["latestOffset"] = time.Since(begin).Milliseconds()
	return ends, hasData, nil
}

func sameOffset(a, b json.RawMessage) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

// waitNext sleeps until the next ProcessingTime trigger (at least idlePoll
// after a trigger without data).
func (q *Query) waitNext(ctx context.Context, start time.Time, idle bool) error {
	d := time.Until(start.Add(q.cfg.Trigger.Interval))
	if idle && d < idlePoll {
		d = idlePoll
	}
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// runBatch runs batch batchID over (start, seq.Offsets], commits it to
// the sink and the commit log, and records its progress.
func (q *Query) runBatch(ctx context.Context, t *trigger, batchID int64, start []json.RawMessage, seq OffsetSeq, lastStart time.Time) error {
	q.tracker.SetStatus(QueryStatus{Message: StatusProcessing, IsDataAvailable: true, IsTriggerActive: true})
	end := seq.Offsets
	// current_timestamp() is the batch's timestamp, as in Spark: the same
	// for every plan the batch runs, and the same again if it is re-run.
	ctx = expr.WithQueryTime(ctx, time.UnixMilli(seq.Metadata.BatchTimestampMs))

	begin := time.Now()
	srcs := make(map[*Leaf]plan.Source, len(q.leaves))
	counted := make([]*countingSource, len(q.sources))
	for i, s := range q.sources {
		b, err := s.GetBatch(ctx, start[i], end[i])
		if err != nil {
			return fmt.Errorf("stream: batch %d: %s: %w", batchID, s.Description(), err)
		}
		counted[i] = &countingSource{name: q.leaves[i].Name(), inner: b}
		srcs[q.leaves[i]] = counted[i]
	}
	t.durations["getBatch"] = time.Since(begin).Milliseconds()

	begin = time.Now()
	p, err := plan.Analyze(substituteLeaves(q.cfg.Plan, srcs))
	if err != nil {
		return fmt.Errorf("stream: batch %d: %w", batchID, err)
	}
	p = plan.Optimize(p)
	t.durations["queryPlanning"] = time.Since(begin).Milliseconds()

	begin = time.Now()
	var ops []StateOperatorProgress
	release := func() {}
	if aggs := streamingAggregates(p); len(aggs) == 1 {
		var op StateOperatorProgress
		p, release, op, err = q.runAggregate(ctx, p, aggs[0], batchID)
		if err != nil {
			return err
		}
		ops = append(ops, op)
	}
	out, err := plan.Execute(ctx, p, q.cfg.Exec)
	if err != nil {
		release()
		return fmt.Errorf("stream: batch %d: %w", batchID, err)
	}
	rows, err := q.cfg.Sink.AddBatch(ctx, q.ID(), batchID, out, q.cfg.OutputMode)
	release()
	if err != nil {
		return fmt.Errorf("stream: batch %d: %s: %w", batchID, q.cfg.Sink.Description(), err)
	}
	t.durations["addBatch"] = time.Since(begin).Milliseconds()
	crashPoint(q.cfg.Name, "sink", batchID)

	begin = time.Now()
	if err := q.cp.Commits.Add(ctx, batchID, CommitMetadata{}); err != nil {
		if errors.Is(err, ErrBatchExists) {
			return fmt.Errorf("stream: [CONCURRENT_QUERY] Another instance of this query committed batch %d in %s: %w", batchID, q.cp.Store.URL(), ErrConcurrentQuery)
		}
		return err
	}
	if keep := batchID - DefaultMinBatchesToRetain + 1; keep > 0 {
		// Recovery needs only the last batches' offsets and commits; Spark
		// keeps minBatchesToRetain of them.
		if err := q.cp.Offsets.Purge(ctx, keep); err != nil {
			return err
		}
		if err := q.cp.Commits.Purge(ctx, keep); err != nil {
			return err
		}
	}
	t.durations["commitOffsets"] = time.Since(begin).Milliseconds()
	crashPoint(q.cfg.Name, "commit", batchID)
	now := time.Now()
	t.durations["triggerExecution"] = now.Sub(t.start).Milliseconds()

	prog := QueryProgress{
		ID: q.ID(), RunID: q.runID, Name: q.cfg.Name, Timestamp: t.start.UTC(), BatchID: batchID,
		BatchDuration: now.Sub(t.start).Milliseconds(), DurationMs: t.durations,
		StateOperators: ops, Sink: SinkProgress{Description: q.cfg.Sink.Description(), NumOutputRows: rows},
	}
	if prog.StateOperators == nil {
		prog.StateOperators = []StateOperatorProgress{}
	}
	for i, s := range q.sources {
		sp := SourceProgress{Description: s.Description(), StartOffset: start[i], EndOffset: end[i], LatestOffset: end[i], NumInputRows: counted[i].rows.Load()}
		sp.InputRowsPerSecond, sp.ProcessedRowsPerSecond = ProgressRates(sp.NumInputRows, lastStart, t.start, now)
		prog.Sources = append(prog.Sources, sp)
	}
	prog.SumSources()
	q.tracker.Record(prog)
	q.logf("stream: query %s batch %d: %d input rows, %d output rows in %d ms", q.displayName(), batchID, prog.NumInputRows, rows, prog.BatchDuration)
	return nil
}

func (q *Query) displayName() string {
	if q.cfg.Name != "" {
		return q.cfg.Name
	}
	return q.ID()
}

// noDataProgressInterval is how often a query finding no new data reports
// an idle progress, as Spark's spark.sql.streaming.noDataProgressEventInterval.
const noDataProgressInterval = 10 * time.Second

// idleProgress records the progress of a trigger that found no new data, as
// Spark does on the first such trigger and then every
// noDataProgressInterval: batchId is the next batch's, no rows, offsets
// unchanged, the sink's row count unknown (-1). A notebook waiting for
// recentProgress of a query with nothing to do thus still sees a report.
func (q *Query) idleProgress(t *trigger, batchID int64, committed []json.RawMessage, lastIdle *time.Time) {
	if !lastIdle.IsZero() && t.start.Sub(*lastIdle) < noDataProgressInterval {
		return
	}
	*lastIdle = t.start
	now := time.Now()
	t.durations["triggerExecution"] = now.Sub(t.start).Milliseconds()
	prog := QueryProgress{
		ID: q.ID(), RunID: q.runID, Name: q.cfg.Name, Timestamp: t.start.UTC(), BatchID: batchID,
		BatchDuration: now.Sub(t.start).Milliseconds(), DurationMs: t.durations,
		StateOperators: []StateOperatorProgress{}, Sink: SinkProgress{Description: q.cfg.Sink.Description(), NumOutputRows: -1},
	}
	for i, s := range q.sources {
		prog.Sources = append(prog.Sources, SourceProgress{Description: s.Description(), StartOffset: committed[i], EndOffset: committed[i], LatestOffset: committed[i]})
	}
	prog.SumSources()
	q.tracker.Record(prog)
}
