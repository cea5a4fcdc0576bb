package stream

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ProgressTimeFormat is Spark's progress timestamp: ISO-8601 UTC, millis.
const ProgressTimeFormat = "2006-01-02T15:04:05.000Z"

// QueryProgress reports one trigger of a streaming query, with Spark's
// StreamingQueryProgress fields. It marshals to the same JSON as Spark's
// progress.json (field order, "0.0" doubles, NaN and empty maps omitted,
// a nil Name as null); String is Spark's prettyJson and Python the dict
// PySpark prints for query.lastProgress.
type QueryProgress struct {
	ID            string    `json:"id"`    // query id, stable across restarts
	RunID         string    `json:"runId"` // new per start
	Name          string    `json:"name"`  // "" prints as null (unnamed)
	Timestamp     time.Time `json:"timestamp"`
	BatchID       int64     `json:"batchId"`
	BatchDuration int64     `json:"-"` // ms; Spark keeps it out of the JSON too
	// NumInputRows and the two rates are the sums over Sources (SumSources).
	NumInputRows           int64                      `json:"numInputRows"`
	InputRowsPerSecond     float64                    `json:"inputRowsPerSecond"`
	ProcessedRowsPerSecond float64                    `json:"processedRowsPerSecond"`
	DurationMs             map[string]int64           `json:"durationMs,omitempty"` // addBatch, getBatch, latestOffset, queryPlanning, triggerExecution, walCommit
	EventTime              map[string]string          `json:"eventTime,omitempty"`  // avg, max, min, watermark
	StateOperators         []StateOperatorProgress    `json:"stateOperators"`
	Sources                []SourceProgress           `json:"sources"`
	Sink                   SinkProgress               `json:"sink"`
	ObservedMetrics        map[string]json.RawMessage `json:"observedMetrics,omitempty"`
}

// StateOperatorProgress reports one stateful operator in a trigger.
type StateOperatorProgress struct {
	OperatorName              string           `json:"operatorName"`
	NumRowsTotal              int64            `json:"numRowsTotal"`
	NumRowsUpdated            int64            `json:"numRowsUpdated"`
	AllUpdatesTimeMs          int64            `json:"allUpdatesTimeMs"`
	NumRowsRemoved            int64            `json:"numRowsRemoved"`
	AllRemovalsTimeMs         int64            `json:"allRemovalsTimeMs"`
	CommitTimeMs              int64            `json:"commitTimeMs"`
	MemoryUsedBytes           int64            `json:"memoryUsedBytes"`
	NumRowsDroppedByWatermark int64            `json:"numRowsDroppedByWatermark"`
	NumShufflePartitions      int64            `json:"numShufflePartitions"`
	NumStateStoreInstances    int64            `json:"numStateStoreInstances"`
	CustomMetrics             map[string]int64 `json:"customMetrics,omitempty"`
}

// SourceProgress reports one source in a trigger. Offsets are the source's
// raw JSON; nil prints as null (no offset yet).
type SourceProgress struct {
	Description            string            `json:"description"`
	StartOffset            json.RawMessage   `json:"startOffset"`
	EndOffset              json.RawMessage   `json:"endOffset"`
	LatestOffset           json.RawMessage   `json:"latestOffset"`
	NumInputRows           int64             `json:"numInputRows"`
	InputRowsPerSecond     float64           `json:"inputRowsPerSecond"`
	ProcessedRowsPerSecond float64           `json:"processedRowsPerSecond"`
	Metrics                map[string]string `json:"metrics,omitempty"`
}

// SinkProgress reports the sink in a trigger; NumOutputRows is -1 when the
// sink cannot count.
type SinkProgress struct {
	Description   string            `json:"description"`
	NumOutputRows int64             `json:"numOutputRows"`
	Metrics       map[string]string `json:"metrics,omitempty"`
}

// SumSources sets NumInputRows and the rates to the sums over Sources, as
// Spark derives them.
func (p *QueryProgress) SumSources() {
	p.NumInputRows, p.InputRowsPerSecond, p.ProcessedRowsPerSecond = 0, 0, 0
	for _, s := range p.Sources {
		p.NumInputRows += s.NumInputRows
		p.InputRowsPerSecond += s.InputRowsPerSecond
		p.ProcessedRowsPerSecond += s.ProcessedRowsPerSecond
	}
}

func (p QueryProgress) tree() jobj {
	var name any
	if p.Name != "" {
		name = p.Name
	}
	ops := make([]any, len(p.StateOperators))
	for i, o := range p.StateOperators {
		ops[i] = o.tree()
	}
	srcs := make([]any, len(p.Sources))
	for i, s := range p.Sources {
		srcs[i] = s.tree()
	}
	var observed any = omit
	if len(p.ObservedMetrics) > 0 {
		o := jobj{}
		for _, k := range sortedKeys(p.ObservedMetrics) {
			o = append(o, jfield{k, jraw(p.ObservedMetrics[k])})
		}
		observed = o
	}
	return jobj{
		{"id", p.ID},
		{"runId", p.RunID},
		{"name", name},
		{"timestamp", p.Timestamp.UTC().Format(ProgressTimeFormat)},
		{"batchId", p.BatchID},
		{"numInputRows", p.NumInputRows},
		{"inputRowsPerSecond", jdouble(p.InputRowsPerSecond)},
		{"processedRowsPerSecond", jdouble(p.ProcessedRowsPerSecond)},
		{"durationMs", jlongMap(p.DurationMs)},
		{"eventTime", jstringMap(p.EventTime)},
		{"stateOperators", ops},
		{"sources", srcs},
		{"sink", p.Sink.tree()},
		{"observedMetrics", observed},
	}
}

func (o StateOperatorProgress) tree() jobj {
	return jobj{
		{"operatorName", o.OperatorName},
		{"numRowsTotal", o.NumRowsTotal},
		{"numRowsUpdated", o.NumRowsUpdated},
		{"allUpdatesTimeMs", o.AllUpdatesTimeMs},
		{"numRowsRemoved", o.NumRowsRemoved},
		{"allRemovalsTimeMs", o.AllRemovalsTimeMs},
		{"commitTimeMs", o.CommitTimeMs},
		{"memoryUsedBytes", o.MemoryUsedBytes},
		{"numRowsDroppedByWatermark", o.NumRowsDroppedByWatermark},
		{"numShufflePartitions", o.NumShufflePartitions},
		{"numStateStoreInstances", o.NumStateStoreInstances},
		{"customMetrics", jlongMap(o.CustomMetrics)},
	}
}

func (s SourceProgress) tree() jobj {
	return jobj{
		{"description", s.Description},
		{"startOffset", jraw(s.StartOffset)},
		{"endOffset", jraw(s.EndOffset)},
		{"latestOffset", jraw(s.LatestOffset)},
		{"numInputRows", s.NumInputRows},
		{"inputRowsPerSecond", jdouble(s.InputRowsPerSecond)},
		{"processedRowsPerSecond", jdouble(s.ProcessedRowsPerSecond)},
		{"metrics", jstringMap(s.Metrics)},
	}
}

func (s SinkProgress) tree() jobj {
	return jobj{
		{"description", s.Description},
		{"numOutputRows", s.NumOutputRows},
		{"metrics", jstringMap(s.Metrics)},
	}
}

func compact(v jobj) string {
	var b strings.Builder
	writeJSON(&b, v, -1)
	return b.String()
}

func pretty(v jobj) string {
	var b strings.Builder
	writeJSON(&b, v, 0)
	return b.String()
}

func python(v jobj) string {
	var b strings.Builder
	writePython(&b, v)
	return b.String()
}

// MarshalJSON is Spark's progress.json.
func (p QueryProgress) MarshalJSON() ([]byte, error) { return []byte(compact(p.tree())), nil }

// String is Spark's progress.prettyJson (what Scala's toString prints).
func (p QueryProgress) String() string { return pretty(p.tree()) }

// Python is the dict PySpark prints for query.lastProgress.
func (p QueryProgress) Python() string { return python(p.tree()) }

// UnmarshalJSON reads Spark's progress JSON (ours or Spark's).
func (p *QueryProgress) UnmarshalJSON(b []byte) error {
	type plain QueryProgress
	var aux struct {
		plain
		Name      *string `json:"name"`
		Timestamp string  `json:"timestamp"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("stream: progress: %w", err)
	}
	*p = QueryProgress(aux.plain)
	if aux.Name != nil {
		p.Name = *aux.Name
	}
	if aux.Timestamp != "" {
		t, err := time.Parse(time.RFC3339Nano, aux.Timestamp)
		if err != nil {
			return fmt.Errorf("stream: progress timestamp %q: %w", aux.Timestamp, err)
		}
		p.Timestamp = t
	}
	return nil
}

// MarshalJSON is Spark's StateOperatorProgress.json.
func (o StateOperatorProgress) MarshalJSON() ([]byte, error) { return []byte(compact(o.tree())), nil }

// MarshalJSON is Spark's SourceProgress.json.
func (s SourceProgress) MarshalJSON() ([]byte, error) { return []byte(compact(s.tree())), nil }

// MarshalJSON is Spark's SinkProgress.json.
func (s SinkProgress) MarshalJSON() ([]byte, error) { return []byte(compact(s.tree())), nil }

// QueryStatus is what a query is doing now (Spark's StreamingQueryStatus).
type QueryStatus struct {
	Message         string `json:"message"`
	IsDataAvailable bool   `json:"isDataAvailable"`
	IsTriggerActive bool   `json:"isTriggerActive"`
}

// Status messages Spark shows.
const (
	StatusInitializing    = "Initializing sources"
	StatusWaitingForData  = "Waiting for data to arrive"
	StatusGettingOffsets  = "Getting offsets from %s"
	StatusProcessing      = "Processing new data"
	StatusWaitingTrigger  = "Waiting for next trigger"
	StatusStopped         = "Stopped"
	StatusTerminatedError = "Terminated with exception: %s"
)

func (s QueryStatus) tree() jobj {
	return jobj{{"message", s.Message}, {"isDataAvailable", s.IsDataAvailable}, {"isTriggerActive", s.IsTriggerActive}}
}

// MarshalJSON is Spark's StreamingQueryStatus.json.
func (s QueryStatus) MarshalJSON() ([]byte, error) { return []byte(compact(s.tree())), nil }

// PrettyJSON is Spark's StreamingQueryStatus.prettyJson.
func (s QueryStatus) PrettyJSON() string { return pretty(s.tree()) }

// String is the dict PySpark prints for query.status (the same as Python),
// so that printing a status with %s reads as the notebook shows it:
// {'message': 'Initializing sources', 'isDataAvailable': False, 'isTriggerActive': False}.
func (s QueryStatus) String() string { return s.Python() }

// Python is the dict PySpark prints for query.status.
func (s QueryStatus) Python() string { return python(s.tree()) }
