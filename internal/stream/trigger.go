package stream

import (
	"fmt"
	"time"
)

// TriggerKind says when a query runs its micro-batches.
type TriggerKind int

const (
	// ProcessingTime runs a batch every Interval (0: back to back) until
	// the query is stopped. It is the zero value, Spark's default trigger.
	ProcessingTime TriggerKind = iota
	// Once runs at most one batch over the data available, then stops.
	Once
	// AvailableNow processes the data available when the query starts, in
	// as many batches as the sources' read limits need, then stops.
	AvailableNow
)

func (k TriggerKind) String() string {
	switch k {
	case ProcessingTime:
		return "ProcessingTime"
	case Once:
		return "Once"
	case AvailableNow:
		return "AvailableNow"
	}
	return fmt.Sprintf("TriggerKind(%d)", int(k))
}

// Trigger is a query's trigger; Interval applies to ProcessingTime.
type Trigger struct {
	Kind     TriggerKind
	Interval time.Duration
}

func (t Trigger) validate() error {
	switch t.Kind {
	case ProcessingTime:
		if t.Interval < 0 {
			return fmt.Errorf("stream: [INVALID_TRIGGER] processing time interval %s is negative", t.Interval)
		}
	case Once, AvailableNow:
	default:
		return fmt.Errorf("stream: [INVALID_TRIGGER] unknown trigger kind %d", int(t.Kind))
	}
	return nil
}
