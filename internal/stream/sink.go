package stream

import (
	"context"
	"fmt"
	"strings"

	"github.com/ingotdata/ingot/batch"
)

// OutputMode is what a sink receives each batch: the new rows (append), the
// whole result (complete) or the changed result rows (update).
type OutputMode string

const (
	Append   OutputMode = "append"
	Complete OutputMode = "complete"
	Update   OutputMode = "update"
)

// ParseOutputMode reads an output mode case-insensitively ("" is append).
func ParseOutputMode(s string) (OutputMode, error) {
	switch m := OutputMode(strings.ToLower(s)); m {
	case "":
		return Append, nil
	case Append, Complete, Update:
		return m, nil
	}
	return "", fmt.Errorf("stream: [INVALID_OUTPUT_MODE] unknown output mode %q; accepted output modes are 'append', 'complete', 'update'", s)
}

// Spark is the mode's name as Spark's OutputMode prints it ("Append").
func (m OutputMode) Spark() string {
	if m == "" {
		return "Append"
	}
	return strings.ToUpper(string(m[:1])) + string(m[1:])
}

// Sink receives the result of each micro-batch.
// ResumeChecker is implemented by sinks that can confirm, when a query
// resumes from its checkpoint, that they hold every batch the checkpoint
// says was committed. Without it a sink that was dropped or replaced while
// its checkpoint survived would silently receive only new data.
type ResumeChecker interface {
	CheckResume(ctx context.Context, queryID string, lastCommitted int64) error
}

type Sink interface {
	// Description names the sink in progress reports, e.g.
	// "DeltaSink[file:/abs/table]".
	Description() string
	// AddBatch writes one micro-batch idempotently: a batchID already
	// committed for queryID is skipped (0 rows). data is consumed and
	// closed on every path.
	AddBatch(ctx context.Context, queryID string, batchID int64, data batch.Reader, mode OutputMode) (numOutputRows int64, err error)
}

// modeChecker is implemented by sinks that accept only some output modes;
// Start asks before running anything.
type modeChecker interface {
	checkOutputMode(mode OutputMode) error
}
