package stream

import (
	"math"
	"testing"
	"time"
)

func TestProgressTracker(t *testing.T) {
	tr := NewProgressTracker(3)
	if _, ok := tr.Last(); ok {
		t.Fatal("last progress before any batch")
	}
	if got := tr.Status().Python(); got != "{'message': 'Initializing sources', 'isDataAvailable': False, 'isTriggerActive': False}" {
		t.Errorf("initial status %s", got)
	}
	for i := range int64(5) {
		tr.Record(QueryProgress{BatchID: i})
	}
	last, ok := tr.Last()
	recent := tr.Recent()
	if !ok || last.BatchID != 4 || len(recent) != 3 || recent[0].BatchID != 2 {
		t.Errorf("last %d, recent %v", last.BatchID, recent)
	}
	tr.SetStatus(QueryStatus{Message: StatusProcessing, IsDataAvailable: true, IsTriggerActive: true})
	if s := tr.Status(); !s.IsTriggerActive || s.Message != "Processing new data" {
		t.Errorf("status %+v", s)
	}
}

func TestProgressRates(t *testing.T) {
	at := func(ms int64) time.Time { return time.UnixMilli(1764090000000 + ms) }
	for _, tc := range []struct {
		name                    string
		rows                    int64
		last, start, end        time.Time
		wantInput, wantProcessd float64
	}{
		{"first trigger", 1000, time.Time{}, at(0), at(810), 0, 1000 / 0.81},
		{"later trigger", 500, at(0), at(2000), at(2500), 250, 1000},
		{"instant trigger counts 1ms", 3, at(0), at(1000), at(1000), 3, 3000},
		{"no rows", 0, at(0), at(1000), at(1100), 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, proc := ProgressRates(tc.rows, tc.last, tc.start, tc.end)
			if math.Abs(in-tc.wantInput) > 1e-9 || math.Abs(proc-tc.wantProcessd) > 1e-9 {
				t.Errorf("got %v, %v; want %v, %v", in, proc, tc.wantInput, tc.wantProcessd)
			}
		})
	}
}
