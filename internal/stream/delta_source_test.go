package stream

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// appendEvents commits ids [from, to) to tbl as one file (one version).
func appendEvents(t *testing.T, tbl *delta.Table, mode delta.SaveMode, from, to int64) []event {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, eventSchema.ArrowSchema())
	defer b.Release()
	var out []event
	for id := from; id < to; id++ {
		e := eventOf(id)
		out = append(out, e)
		b.Field(0).(*array.Int64Builder).Append(e.id)
		b.Field(1).(*array.StringBuilder).Append(e.k)
		b.Field(2).(*array.Int64Builder).Append(e.v)
	}
	rec := b.NewRecordBatch()
	if _, err := tbl.Write(context.Background(), batch.FromSlice(rec.Schema(), rec), delta.WriteOptions{Mode: mode}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeltaSourceStream reads a Delta table as a stream: the starting
// snapshot file by file, then the commits made after, across a restart;
// a commit rewriting data fails unless skipChangeCommits.
func TestDeltaSourceStream(t *testing.T) {
	checkNoLeak(t)
	ctx := context.Background()
	root := t.TempDir()
	src := openTable(t, filepath.Join(root, "silver"))
	dst := openTable(t, filepath.Join(root, "copy"))
	cp := filepath.Join(root, "cp")
	var all []event
	all = append(all, appendEvents(t, src, delta.ModeAppend, 0, 10)...)
	all = append(all, appendEvents(t, src, delta.ModeAppend, 10, 25)...)
	cfg := func(opts map[string]string) Config {
		spec, err := NewDeltaSourceSpec(ctx, src, "spark_catalog.db.silver", opts)
		if err != nil {
			t.Fatal(err)
		}
		return Config{Checkpoint: localStore(t, cp), Plan: projectPlan3(spec), Sink: NewDeltaSink(dst, nil), Trigger: Trigger{Kind: AvailableNow}}
	}
	one := map[string]string{"maxFilesPerTrigger": "1"}
	q, err := run(t, cfg(one))
	if err != nil {
		t.Fatal(err)
	}
	ps := q.RecentProgress()
	if len(ps) != 2 {
		t.Fatalf("starting snapshot of 2 files read in %d batches, want 2", len(ps))
	}
	if got := string(ps[0].Sources[0].EndOffset); !strings.Contains(got, `"reservoirVersion":1,"index":0,"isStartingVersion":true`) {
		t.Errorf("first batch end offset %s: want inside the starting snapshot of version 1", got)
	}
	if got := string(ps[1].Sources[0].EndOffset); !strings.Contains(got, `"reservoirVersion":2,"index":-1,"isStartingVersion":false`) {
		t.Errorf("second batch end offset %s: want the start of version 2", got)
	}
	if want := "DeltaSource[file:" + filepath.ToSlash(filepath.Join(root, "silver")) + "]"; ps[0].Sources[0].Description != want {
		t.Errorf("description %q, want %q", ps[0].Sources[0].Description, want)
	}
	sameRows(t, "copy of the snapshot", tableRows(t, dst), eventRows(all))

	// Two more commits, read one per batch after a restart.
	all = append(all, appendEvents(t, src, delta.ModeAppend, 25, 30)...)
	all = append(all, appendEvents(t, src, delta.ModeAppend, 30, 32)...)
	q2, err := run(t, cfg(one))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(q2.RecentProgress()); n != 2 || inputRows(q2) != 7 {
		t.Errorf("restart: %d batches reading %d rows, want 2 batches of 7 rows", n, inputRows(q2))
	}
	sameRows(t, "copy after new commits", tableRows(t, dst), eventRows(all))

	// An overwrite removes data: the stream cannot follow...
	appendEvents(t, src, delta.ModeOverwrite, 100, 103)
	_, err = run(t, cfg(one))
	if !errors.Is(err, ErrDeltaSourceChange) || !strings.Contains(err.Error(), "[DELTA_SOURCE_TABLE_IGNORE_CHANGES]") {
		t.Fatalf("after an overwrite: err = %v, want DELTA_SOURCE_TABLE_IGNORE_CHANGES", err)
	}
	// ...unless told to skip such commits.
	q4, err := run(t, cfg(map[string]string{"skipChangeCommits": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if inputRows(q4) != 0 {
		t.Errorf("skipChangeCommits read %d rows, want 0", inputRows(q4))
	}
	sameRows(t, "copy after a skipped change commit", tableRows(t, dst), eventRows(all))
	appendEvents(t, src, delta.ModeAppend, 200, 204)
	q5, err := run(t, cfg(map[string]string{"skipChangeCommits": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if inputRows(q5) != 4 {
		t.Errorf("append after the skipped commit: read %d rows, want 4", inputRows(q5))
	}

	// A commit adding a column stops a stream that started before it.
	spec, err := NewDeltaSourceSpec(ctx, src, "silver", nil)
	if err != nil {
		t.Fatal(err)
	}
	wide := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(append(eventSchema.ArrowSchema().Fields(), arrow.Field{Name: "extra", Type: arrow.BinaryTypes.String, Nullable: true}), nil))
	defer wide.Release()
	wide.Field(0).(*array.Int64Builder).Append(300)
	wide.Field(1).(*array.StringBuilder).Append("a")
	wide.Field(2).(*array.Int64Builder).Append(1)
	wide.Field(3).(*array.StringBuilder).Append("x")
	rec := wide.NewRecordBatch()
	if _, err := src.Write(ctx, batch.FromSlice(rec.Schema(), rec), delta.WriteOptions{MergeSchema: true}); err != nil {
		t.Fatal(err)
	}
	cfg6 := Config{Checkpoint: localStore(t, cp), Plan: projectPlan3(spec), Sink: NewDeltaSink(dst, nil), Trigger: Trigger{Kind: AvailableNow}}
	if _, err := run(t, cfg6); !errors.Is(err, ErrDeltaSourceChange) || !strings.Contains(err.Error(), "[DELTA_SCHEMA_CHANGED]") {
		t.Errorf("after a schema change: err = %v, want DELTA_SCHEMA_CHANGED", err)
	}
}

// TestDeltaSourceOptions checks option validation and the whole-snapshot
// batch type.
func TestDeltaSourceOptions(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	src := openTable(t, filepath.Join(root, "t"))
	if _, err := NewDeltaSourceSpec(ctx, src, "t", nil); err == nil || !strings.Contains(err.Error(), "[DELTA_MISSING_DELTA_TABLE]") {
		t.Errorf("spec over a missing table: err = %v", err)
	}
	appendEvents(t, src, delta.ModeAppend, 0, 3)
	appendEvents(t, src, delta.ModeAppend, 3, 5)
	for _, tc := range []struct {
		name string
		opts map[string]string
		want string
	}{
		{"bad maxFilesPerTrigger", map[string]string{"maxFilesPerTrigger": "0"}, "maxFilesPerTrigger"},
		{"bad ignoreChanges", map[string]string{"ignoreChanges": "maybe"}, "not a boolean"},
		{"bad startingVersion", map[string]string{"startingVersion": "-2"}, "[DELTA_INVALID_STARTING_VERSION]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewDeltaSourceSpec(ctx, src, "t", tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name     string
		opts     map[string]string
		wantRows int64
		wantType string
	}{
		{"default limit reads the whole snapshot", nil, 5, "*source.DeltaSnapshot"},
		{"startingVersion 1 reads that commit's files", map[string]string{"startingVersion": "1"}, 2, "*source.DeltaFiles"},
		{"startingVersion latest reads nothing yet", map[string]string{"startingVersion": "latest"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := NewDeltaSourceSpec(ctx, src, "t", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			s, err := spec.Open(ctx, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			end, err := s.LatestOffset(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantType == "" {
				if end != nil {
					t.Fatalf("LatestOffset = %s, want no data (nil)", end)
				}
				return
			}
			b, err := s.GetBatch(ctx, nil, end)
			if err != nil {
				t.Fatal(err)
			}
			if got := typeName(b); got != tc.wantType {
				t.Errorf("GetBatch returned %s, want %s", got, tc.wantType)
			}
			r, err := b.Scan(ctx, planScanAll())
			if err != nil {
				t.Fatal(err)
			}
			if got := int64(len(readerRows(t, r))); got != tc.wantRows {
				t.Errorf("batch has %d rows, want %d", got, tc.wantRows)
			}
			again, err := s.LatestOffset(ctx, end)
			if err != nil || string(again) != string(end) {
				t.Errorf("LatestOffset(end) = %s, %v; want end again (no new data)", again, err)
			}
		})
	}
}

// TestGoldAggregationFromDelta is the seed notebook's gold query over a
// streaming Delta source: groupBy(k).agg(ceil(avg(v)) AS a, count(id) AS
// n).orderBy(desc(a)) in complete mode, fed in two runs.
func TestGoldAggregationFromDelta(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	src := openTable(t, filepath.Join(root, "silver"))
	gold := openTable(t, filepath.Join(root, "gold"))
	var all []event
	all = append(all, appendEvents(t, src, delta.ModeAppend, 0, 7)...)
	cfg := func() Config {
		spec, err := NewDeltaSourceSpec(ctx, src, "spark_catalog.db.silver", nil)
		if err != nil {
			t.Fatal(err)
		}
		p := &plan.Sort{
			Input: &plan.Aggregate{
				Input:   &plan.Scan{Source: &Leaf{Spec: spec}, Alias: "silver"},
				GroupBy: []expr.Expr{&expr.ColumnRef{Qualifier: "silver", Name: "k"}},
				Aggs: []expr.Expr{col("k"),
					&expr.Alias{Child: &expr.Call{Name: "ceil", Args: []expr.Expr{&expr.AggCall{Name: "avg", Args: []expr.Expr{col("v")}}}}, Name: "a"},
					aggCall("count", col("id"), "n")},
			},
			Orders: []*expr.SortOrder{{Child: col("a"), Desc: true}},
		}
		return Config{Checkpoint: localStore(t, filepath.Join(root, "cp")), Plan: p, Sink: NewDeltaSink(gold, nil), Trigger: Trigger{Kind: AvailableNow}, OutputMode: Complete}
	}
	want := func(es []event) []string {
		sum, n := map[string]int64{}, map[string]int64{}
		for _, e := range es {
			sum[e.k] += e.v
			n[e.k]++
		}
		var out []string
		for k := range sum {
			a := (sum[k] + n[k] - 1) / n[k] // ceil of a non-negative average
			out = append(out, fmt.Sprintf("k=%s a=%d n=%d", k, a, n[k]))
		}
		sort.Strings(out)
		return out
	}
	if _, err := run(t, cfg()); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "gold after the snapshot", tableRows(t, gold), want(all))
	all = append(all, appendEvents(t, src, delta.ModeAppend, 7, 20)...)
	q, err := run(t, cfg())
	if err != nil {
		t.Fatal(err)
	}
	if inputRows(q) != 13 {
		t.Errorf("second run read %d rows, want the 13 new ones", inputRows(q))
	}
	sameRows(t, "gold after a new commit", tableRows(t, gold), want(all))
}

// TestDeltaSourceFirstBatchReRun fails the first batch of a Delta stream
// before its sink commit, lets the source table move on, and restarts: the re-run reads the
// same starting snapshot, later commits follow, every row lands once.
func TestDeltaSourceFirstBatchReRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts map[string]string
	}{
		{"batch inside the starting snapshot", map[string]string{"maxFilesPerTrigger": "1"}},
		{"batch covering the whole snapshot", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			root := t.TempDir()
			src := openTable(t, filepath.Join(root, "silver"))
			dst := openTable(t, filepath.Join(root, "copy"))
			var all []event
			all = append(all, appendEvents(t, src, delta.ModeAppend, 0, 4)...)
			all = append(all, appendEvents(t, src, delta.ModeAppend, 4, 9)...)
			cfg := func() Config {
				spec, err := NewDeltaSourceSpec(ctx, src, "silver", tc.opts)
				if err != nil {
					t.Fatal(err)
				}
				return Config{Checkpoint: localStore(t, filepath.Join(root, "cp")), Plan: projectPlan3(spec), Sink: NewDeltaSink(dst, nil), Trigger: Trigger{Kind: AvailableNow}}
			}
			broken := cfg()
			broken.Sink = &failingSink{Sink: broken.Sink, failBatch: 0, before: true}
			if _, err := run(t, broken); !errors.Is(err, errInjected) {
				t.Fatalf("first run: %v, want the injected failure", err)
			}
			all = append(all, appendEvents(t, src, delta.ModeAppend, 9, 12)...)
			q, err := run(t, cfg())
			if err != nil {
				t.Fatal(err)
			}
			ps := q.RecentProgress()
			var firstRows int64 = 9
			if tc.opts != nil {
				firstRows = 4
			}
			if ps[0].BatchID != 0 || ps[0].NumInputRows != firstRows || ps[0].Sink.NumOutputRows != firstRows {
				t.Errorf("restart began with batch %d reading %d rows, writing %d; want batch 0 re-run over the same %d rows", ps[0].BatchID, ps[0].NumInputRows, ps[0].Sink.NumOutputRows, firstRows)
			}
			sameRows(t, "copy", tableRows(t, dst), eventRows(all))
		})
	}
}
