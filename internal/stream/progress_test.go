package stream

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
)

// TestProgressGolden reads progress JSON as Spark writes it and prints our
// three renderings: compact (must equal the input: Spark's own bytes round
// trip), Spark's prettyJson and PySpark's dict.
func TestProgressGolden(t *testing.T) {
	datadriven.RunTest(t, "testdata/progress.txt", func(t *testing.T, d *datadriven.TestData) string {
		switch d.Cmd {
		case "progress":
			var p QueryProgress
			if err := json.Unmarshal([]byte(d.Input), &p); err != nil {
				return "error: " + err.Error()
			}
			b, err := json.Marshal(p)
			if err != nil {
				return "error: " + err.Error()
			}
			if string(b) != strings.TrimSpace(d.Input) {
				t.Errorf("%s: compact JSON does not round-trip:\ngot  %s\nwant %s", d.Pos, b, d.Input)
			}
			return p.String() + "\n" + p.Python() + "\n"
		case "status":
			var s QueryStatus
			if err := json.Unmarshal([]byte(d.Input), &s); err != nil {
				return "error: " + err.Error()
			}
			b, _ := json.Marshal(s)
			if string(b) != strings.TrimSpace(d.Input) {
				t.Errorf("%s: status JSON does not round-trip: %s", d.Pos, b)
			}
			if s.String() != s.Python() {
				t.Errorf("%s: String %q is not the PySpark dict %q", d.Pos, s.String(), s.Python())
			}
			return s.PrettyJSON() + "\n" + s.Python() + "\n"
		}
		t.Fatalf("%s: unknown command %q", d.Pos, d.Cmd)
		return ""
	})
}

func TestProgressMarshal(t *testing.T) {
	ts := time.Date(2026, 11, 25, 17, 0, 0, 5_000_000, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		name string
		p    QueryProgress
		want string
	}{
		{"zero values: null name, empty maps omitted, 0.0 doubles",
			QueryProgress{ID: "q", RunID: "r", Timestamp: ts, Sink: SinkProgress{Description: "s", NumOutputRows: -1}},
			`{"id":"q","runId":"r","name":null,"timestamp":"2026-11-25T16:00:00.005Z","batchId":0,"numInputRows":0,"inputRowsPerSecond":0.0,"processedRowsPerSecond":0.0,"stateOperators":[],"sources":[],"sink":{"description":"s","numOutputRows":-1}}`},
		{"NaN and Inf omitted, Java double forms, sorted maps",
			QueryProgress{ID: "q", RunID: "r", Name: "n", Timestamp: ts, BatchID: 3, BatchDuration: 99, NumInputRows: 5,
				InputRowsPerSecond: math.NaN(), ProcessedRowsPerSecond: 12345678.5,
				DurationMs: map[string]int64{"walCommit": 1, "addBatch": 2},
				Sources: []SourceProgress{{Description: "d", StartOffset: json.RawMessage(`{"logOffset":1}`), EndOffset: json.RawMessage(`not json`),
					InputRowsPerSecond: math.Inf(1), ProcessedRowsPerSecond: 0.0001}},
				StateOperators: []StateOperatorProgress{{OperatorName: "stateStoreSave", NumRowsTotal: 2, CustomMetrics: map[string]int64{"b": 1, "a": 2}}},
				Sink:           SinkProgress{Description: "s", NumOutputRows: 5, Metrics: map[string]string{"k": "v"}}},
			`{"id":"q","runId":"r","name":"n","timestamp":"2026-11-25T16:00:00.005Z","batchId":3,"numInputRows":5,"processedRowsPerSecond":1.23456785E7,"durationMs":{"addBatch":2,"walCommit":1},` +
				`"stateOperators":[{"operatorName":"stateStoreSave","numRowsTotal":2,"numRowsUpdated":0,"allUpdatesTimeMs":0,"numRowsRemoved":0,"allRemovalsTimeMs":0,"commitTimeMs":0,"memoryUsedBytes":0,"numRowsDroppedByWatermark":0,"numShufflePartitions":0,"numStateStoreInstances":0,"customMetrics":{"a":2,"b":1}}],` +
				`"sources":[{"description":"d","startOffset":{"logOffset":1},"endOffset":"not json","latestOffset":null,"numInputRows":0,"processedRowsPerSecond":1.0E-4}],` +
				`"sink":{"description":"s","numOutputRows":5,"metrics":{"k":"v"}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.p)
			must(t, err)
			if string(b) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b, tc.want)
			}
		})
	}
}

func TestNumberForms(t *testing.T) {
	for _, tc := range []struct {
		f            float64
		java, python string
	}{
		{0, "0.0", "0.0"},
		{1, "1.0", "1.0"},
		{1234.567901234568, "1234.567901234568", "1234.567901234568"},
		{0.001, "0.001", "0.001"},
		{0.0001, "1.0E-4", "0.0001"},
		{0.00001234, "1.234E-5", "1.234e-05"},
		{1e7, "1.0E7", "10000000.0"},
		{-2.5e7, "-2.5E7", "-25000000.0"},
		{1e16, "1.0E16", "1e+16"},
		{1.5e300, "1.5E300", "1.5e+300"},
	} {
		t.Run(tc.java, func(t *testing.T) {
			if got := javaDouble(tc.f); got != tc.java {
				t.Errorf("java %q, want %q", got, tc.java)
			}
			if got := pyFloat(tc.f); got != tc.python {
				t.Errorf("python %q, want %q", got, tc.python)
			}
		})
	}
	for in, want := range map[string]string{`a`: `'a'`, `it's`: `"it's"`, `"it's"`: `'"it\'s"'`, "a\\b\n": `'a\\b\n'`} {
		if got := pyStr(in); got != want {
			t.Errorf("pyStr(%q) = %s, want %s", in, got, want)
		}
	}
}
