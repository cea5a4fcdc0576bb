package stream

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/storage"
)

// Config is everything a streaming query needs to start.
type Config struct {
	Name       string        // QueryName, "" for none
	Checkpoint storage.Store // the checkpoint directory
	// Plan is the query's logical plan, unanalyzed, reading its streaming
	// sources through Leaf scans.
	Plan       plan.Node
	Sink       Sink
	Trigger    Trigger
	OutputMode OutputMode // "" is append
	Exec       plan.ExecOptions
	// Logf, when set, receives the engine's warnings and batch summaries.
	Logf func(format string, args ...any)
}

// Query is a running (or finished) streaming query. Its methods are safe
// for concurrent use.
type Query struct {
	cfg     Config
	runID   string
	cp      *Checkpoint
	leaves  []*Leaf
	sources []Source
	tracker *ProgressTracker

	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	err    error
	active bool
}

// Start validates the query, opens (or creates) its checkpoint and sources
// and runs its micro-batches on a goroutine until the trigger says stop,
// Stop is called, ctx is cancelled or a batch fails. Analysis and
// unsupported-operation errors are returned here, as Spark raises them
// from start().
func Start(ctx context.Context, cfg Config) (*Query, error) {
	if cfg.Checkpoint == nil {
		return nil, errors.New("stream: [CHECKPOINT_LOCATION_REQUIRED] a streaming query needs a checkpoint location")
	}
	if cfg.Sink == nil {
		return nil, errors.New("stream: start: no sink")
	}
	if cfg.Plan == nil {
		return nil, errors.New("stream: start: no plan")
	}
	mode, err := ParseOutputMode(string(cfg.OutputMode))
	if err != nil {
		return nil, err
	}
	cfg.OutputMode = mode
	if err := cfg.Trigger.validate(); err != nil {
		return nil, err
	}
	ls := leaves(cfg.Plan)
	if len(ls) == 0 {
		return nil, errors.New("stream: [WRITE_STREAM_NOT_ALLOWED] writeStream can be called only on a streaming Dataset/DataFrame")
	}
	analyzed, err := plan.Analyze(cfg.Plan)
	if err != nil {
		return nil, err
	}
	if err := checkStreamingPlan(analyzed, mode); err != nil {
		return nil, err
	}
	if mc, ok := cfg.Sink.(modeChecker); ok {
		if err := mc.checkOutputMode(mode); err != nil {
			return nil, err
		}
	}
	cp, err := OpenCheckpoint(ctx, cfg.Checkpoint)
	if err != nil {
		return nil, err
	}
	if err := activeQueries.add(cp.QueryID); err != nil {
		return nil, err
	}
	q := &Query{cfg: cfg, runID: uuid.NewString(), cp: cp, leaves: ls, tracker: NewProgressTracker(DefaultRecentProgress), done: make(chan struct{}), active: true}
	for i, l := range ls {
		src, err := l.Spec.Open(ctx, cp.Store, i)
		if err != nil {
			activeQueries.remove(cp.QueryID)
			return nil, fmt.Errorf("stream: open source %d (%s): %w", i, l.Spec.Description(), err)
		}
		q.sources = append(q.sources, src)
	}
	runCtx, cancel := context.WithCancel(ctx)
	q.cancel = cancel
	go q.run(runCtx)
	return q, nil
}

// ID is the query id, kept in the checkpoint across restarts.
func (q *Query) ID() string { return q.cp.QueryID }

// RunID is unique to this start of the query.
func (q *Query) RunID() string { return q.runID }

// Name is the query name given in Config ("" for none).
func (q *Query) Name() string { return q.cfg.Name }

// Status is what the query is doing now.
func (q *Query) Status() QueryStatus { return q.tracker.Status() }

// LastProgress is the report of the last batch, nil before the first.
func (q *Query) LastProgress() *QueryProgress {
	p, ok := q.tracker.Last()
	if !ok {
		return nil
	}
	return &p
}

// RecentProgress returns the reports of the last (up to 100) batches,
// oldest first.
func (q *Query) RecentProgress() []QueryProgress { return q.tracker.Recent() }

// IsActive reports whether the query is still running.
func (q *Query) IsActive() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.active
}

// Exception is the failure that ended the query, nil if it is running or
// ended normally.
func (q *Query) Exception() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

// AwaitTermination waits until the query ends and returns its failure, or
// ctx's error if ctx ends first.
func (q *Query) AwaitTermination(ctx context.Context) error {
	select {
	case <-q.done:
		return q.Exception()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stop ends the query, interrupting a running batch (which a restart will
// re-run), and waits for its goroutine to exit.
func (q *Query) Stop() error {
	q.cancel()
	<-q.done
	return nil
}

func (q *Query) logf(format string, args ...any) {
	if q.cfg.Logf != nil {
		q.cfg.Logf(format, args...)
	}
}

// run is the query goroutine: the batch loop, then the final status.
// Cancellation (Stop or the Start context) ends the query without error.
func (q *Query) run(ctx context.Context) {
	defer close(q.done)
	defer q.cancel()
	defer activeQueries.remove(q.ID())
	err := q.loopSafely(ctx)
	if ctx.Err() != nil {
		// Stopped (Stop or the Start context): whatever the interrupted
		// batch returned is not a failure; a restart re-runs that batch.
		err = nil
	}
	q.mu.Lock()
	q.err, q.active = err, false
	q.mu.Unlock()
	st := q.tracker.Status()
	st.IsTriggerActive = false
	st.Message = StatusStopped
	if err != nil {
		st.Message = fmt.Sprintf(StatusTerminatedError, err)
		q.logf("stream: query %s (id %s, run %s) failed: %v", q.cfg.Name, q.ID(), q.runID, err)
	}
	q.tracker.SetStatus(st)
}

// loopSafely runs the loop, turning a panic in a lower layer into the
// query's failure instead of crashing the process.
func (q *Query) loopSafely(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("stream: internal error: %v", r)
		}
	}()
	return q.loop(ctx)
}

// activeQueries are the query ids running in this process: a second start
// of the same checkpoint fails at once instead of racing the first one
// (across processes, put-if-absent of offsets/N catches the race).
var activeQueries = &queryRegistry{ids: map[string]bool{}}

type queryRegistry struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (r *queryRegistry) add(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids[id] {
		return fmt.Errorf("stream: [CONCURRENT_QUERY] Cannot start query with id %s as another query with same id is already active. Perhaps you are attempting to restart a query from checkpoint that is already active: %w", id, ErrConcurrentQuery)
	}
	r.ids[id] = true
	return nil
}

func (r *queryRegistry) remove(id string) {
	r.mu.Lock()
	delete(r.ids, id)
	r.mu.Unlock()
}
