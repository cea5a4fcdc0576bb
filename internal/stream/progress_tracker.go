package stream

import (
	"math"
	"sync"
	"time"
)

// DefaultRecentProgress is how many progress reports a query keeps, as
// Spark's spark.sql.streaming.numRecentProgressUpdates.
const DefaultRecentProgress = 100

// ProgressTracker holds what a running query reports to its users: its
// current status and the last few progress reports (query.status,
// query.lastProgress, query.recentProgress). The engine goroutine writes;
// any goroutine reads. It is safe for concurrent use.
type ProgressTracker struct {
	mu     sync.Mutex
	max    int
	recent []QueryProgress
	status QueryStatus
}

// NewProgressTracker keeps the last max reports (<= 0: DefaultRecentProgress),
// starting with Spark's initial status "Initializing sources".
func NewProgressTracker(max int) *ProgressTracker {
	if max <= 0 {
		max = DefaultRecentProgress
	}
	return &ProgressTracker{max: max, status: QueryStatus{Message: StatusInitializing}}
}

// Record appends a report, dropping the oldest beyond the limit.
func (t *ProgressTracker) Record(p QueryProgress) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.recent = append(t.recent, p)
	if over := len(t.recent) - t.max; over > 0 {
		t.recent = append(t.recent[:0:0], t.recent[over:]...)
	}
}

// Last returns the newest report; ok is false before the first (PySpark's
// lastProgress is then None).
func (t *ProgressTracker) Last() (p QueryProgress, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.recent) == 0 {
		return QueryProgress{}, false
	}
	return t.recent[len(t.recent)-1], true
}

// Recent returns a copy of the kept reports, oldest first.
func (t *ProgressTracker) Recent() []QueryProgress {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]QueryProgress(nil), t.recent...)
}

// SetStatus replaces the current status.
func (t *ProgressTracker) SetStatus(s QueryStatus) {
	t.mu.Lock()
	t.status = s
	t.mu.Unlock()
}

// Status returns the current status.
func (t *ProgressTracker) Status() QueryStatus {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.status
}

// ProgressRates computes a trigger's rates as Spark does: input rate over
// the time since the previous trigger started (zero lastStart: no previous
// trigger, so the rate is 0), processing rate over this trigger's duration
// (at least 1 ms). A zero interval gives NaN or +Inf, which the JSON omits.
func ProgressRates(numRows int64, lastStart, start, end time.Time) (inputRowsPerSecond, processedRowsPerSecond float64) {
	inputSec := math.Inf(1)
	if !lastStart.IsZero() {
		inputSec = float64(start.Sub(lastStart).Milliseconds()) / 1000
	}
	procMs := max(end.Sub(start).Milliseconds(), 1)
	return float64(numRows) / inputSec, float64(numRows) / (float64(procMs) / 1000)
}
