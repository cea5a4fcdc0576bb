package stream

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ingotdata/ingot/delta"
)

// deltaStartCase is a Delta source's starting option with the ids of the
// three appends (ids 0-2 before the query starts, 3-5 while it runs, 6-8
// after its first run) that the stream must deliver.
var deltaStartCases = []struct {
	name string
	opts map[string]string
	want func(before, during, after []event) []event
}{
	{"startingVersion latest", map[string]string{"startingVersion": "latest"},
		func(_, during, after []event) []event { return append(append([]event(nil), during...), after...) }},
	{"default snapshot at start", nil,
		func(before, during, after []event) []event {
			return append(append(append([]event(nil), before...), during...), after...)
		}},
	{"startingVersion 0", map[string]string{"startingVersion": "0"},
		func(before, during, after []event) []event {
			return append(append(append([]event(nil), before...), during...), after...)
		}},
	{"startingTimestamp before the first commit", map[string]string{"startingTimestamp": "2000-01-01"},
		func(before, during, after []event) []event {
			return append(append(append([]event(nil), before...), during...), after...)
		}},
}

// TestDeltaSourceFirstBatchFailsThenRestarts is the reviewer's scenario:
// the query fixes its start, data lands, batch 0 is planned (offsets/0)
// but its sink fails, more data lands, and the restart re-runs batch 0.
// The re-run must start where the first run did, not at the table's
// latest version as of the restart, or the rows in between are lost.
func TestDeltaSourceFirstBatchFailsThenRestarts(t *testing.T) {
	for _, tc := range deltaStartCases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			root := t.TempDir()
			src := openTable(t, filepath.Join(root, "src"))
			dst := openTable(t, filepath.Join(root, "dst"))
			before := appendEvents(t, src, delta.ModeAppend, 0, 3) // version 0
			spec, err := NewDeltaSourceSpec(ctx, src, "src", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			cfg := func(trigger TriggerKind) Config {
				return Config{Checkpoint: localStore(t, filepath.Join(root, "cp")), Plan: projectPlan3(spec), Sink: NewDeltaSink(dst, nil), Trigger: Trigger{Kind: trigger}}
			}
			broken := cfg(ProcessingTime)
			broken.Sink = &failingSink{Sink: broken.Sink, failBatch: 0, before: true}
			runCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			q, err := Start(runCtx, broken)
			if err != nil {
				t.Fatal(err)
			}
			// The first trigger fixes the start: an idle report for
			// "latest", the failing batch 0 when there is data already.
			waitFor(t, "the first trigger", func() bool { return q.LastProgress() != nil || !q.IsActive() })
			during := appendEvents(t, src, delta.ModeAppend, 3, 6) // version 1
			if err := q.AwaitTermination(runCtx); !errors.Is(err, errInjected) {
				t.Fatalf("first run: %v, want the injected sink failure", err)
			}
			after := appendEvents(t, src, delta.ModeAppend, 6, 9) // version 2
			q2, err := run(t, cfg(AvailableNow))
			if err != nil {
				t.Fatal(err)
			}
			if ps := q2.RecentProgress(); len(ps) == 0 || ps[0].BatchID != 0 {
				t.Errorf("restart did not re-run batch 0: progress %+v", ps)
			}
			sameRows(t, "dst", tableRows(t, dst), eventRows(tc.want(before, during, after)))
		})
	}
}

// TestDeltaSourceRestartAfterFirstBatch: batch 0 commits, the query stops,
// data lands, and the restart reads only the new commits, each row once.
func TestDeltaSourceRestartAfterFirstBatch(t *testing.T) {
	for _, tc := range deltaStartCases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			root := t.TempDir()
			src := openTable(t, filepath.Join(root, "src"))
			dst := openTable(t, filepath.Join(root, "dst"))
			before := appendEvents(t, src, delta.ModeAppend, 0, 3)
			spec, err := NewDeltaSourceSpec(ctx, src, "src", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			cfg := func(trigger TriggerKind) Config {
				return Config{Checkpoint: localStore(t, filepath.Join(root, "cp")), Plan: projectPlan3(spec), Sink: NewDeltaSink(dst, nil), Trigger: Trigger{Kind: trigger}}
			}
			runCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			q, err := Start(runCtx, cfg(ProcessingTime))
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the first trigger", func() bool { return q.LastProgress() != nil || !q.IsActive() })
			during := appendEvents(t, src, delta.ModeAppend, 3, 6)
			waitFor(t, "a batch reading version 1", func() bool {
				p := q.LastProgress()
				return p != nil && strings.Contains(string(p.Sources[0].EndOffset), `"reservoirVersion":2`)
			})
			if err := q.Stop(); err != nil {
				t.Fatal(err)
			}
			if err := q.Exception(); err != nil {
				t.Fatalf("first run: %v", err)
			}
			after := appendEvents(t, src, delta.ModeAppend, 6, 9)
			q2, err := run(t, cfg(AvailableNow))
			if err != nil {
				t.Fatal(err)
			}
			if got := inputRows(q2); got != int64(len(after)) {
				t.Errorf("restart read %d rows, want only the %d appended after the stop", got, len(after))
			}
			sameRows(t, "dst", tableRows(t, dst), eventRows(tc.want(before, during, after)))
		})
	}
}

// TestDeltaSourceStartRecorded: the start fixed by a first run that found
// nothing is recorded in sources/0/0 and used by the next run, so
// "latest" means the table as of the query's first start.
func TestDeltaSourceStartRecorded(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	src := openTable(t, filepath.Join(root, "src"))
	dst := openTable(t, filepath.Join(root, "dst"))
	appendEvents(t, src, delta.ModeAppend, 0, 3)
	appendEvents(t, src, delta.ModeAppend, 3, 5) // latest is version 1
	spec, err := NewDeltaSourceSpec(ctx, src, "src", map[string]string{"startingVersion": "latest"})
	if err != nil {
		t.Fatal(err)
	}
	cp := localStore(t, filepath.Join(root, "cp"))
	cfg := Config{Checkpoint: cp, Plan: projectPlan3(spec), Sink: NewDeltaSink(dst, nil), Trigger: Trigger{Kind: AvailableNow}}
	q, err := run(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := inputRows(q); n != 0 {
		t.Fatalf("first run read %d rows, want none", n)
	}
	snap, err := src.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cp.Get(ctx, "sources/0/0")
	if err != nil {
		t.Fatal(err)
	}
	want := "v1\n" + `{"sourceVersion":1,"reservoirId":"` + snap.Metadata().ID + `","reservoirVersion":2,"index":-1,"isStartingVersion":false}`
	if string(b) != want {
		t.Errorf("sources/0/0 =\n%s\nwant\n%s", b, want)
	}
	added := appendEvents(t, src, delta.ModeAppend, 5, 8) // version 2
	if _, err := run(t, cfg); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "dst", tableRows(t, dst), eventRows(added))

	for _, tc := range []struct{ name, content, want string }{
		{"another table", "v1\n" + `{"sourceVersion":1,"reservoirId":"other","reservoirVersion":2,"index":-1,"isStartingVersion":false}`, "[DIFFERENT_DELTA_TABLE_READ_BY_STREAMING_SOURCE]"},
		{"no offset line", "v1", "want one Delta source offset"},
		{"newer format", "v2\n{}", "unsupported log version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp := localStore(t, filepath.Join(t.TempDir(), "cp"))
			if err := cp.Put(ctx, "sources/0/0", []byte(tc.content)); err != nil {
				t.Fatal(err)
			}
			s, err := spec.Open(ctx, cp, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.LatestOffset(ctx, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LatestOffset over a bad sources/0/0: err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestDeltaSourceStartingTimestamp: startingTimestamp starts the stream
// with the first commit made at or after it, as Delta's source does.
func TestDeltaSourceStartingTimestamp(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dir := filepath.Join(root, "t")
	src := openTable(t, dir)
	var commits [][]event
	for v := int64(0); v < 3; v++ {
		commits = append(commits, appendEvents(t, src, delta.ModeAppend, 10*v, 10*v+2))
		// Commit times are the log files' modification times: 01:00, 02:00, 03:00.
		at := time.Date(2026, 1, 1, int(v)+1, 0, 0, 0, time.UTC)
		if err := os.Chtimes(filepath.Join(dir, "_delta_log", fmt.Sprintf("%020d.json", v)), at, at); err != nil {
			t.Fatal(err)
		}
	}
	from := func(v int) []event {
		var out []event
		for _, c := range commits[v:] {
			out = append(out, c...)
		}
		return out
	}
	for _, tc := range []struct {
		name, ts string
		want     []event
		wantErr  string
	}{
		{"before every commit", "2025-12-31", from(0), ""},
		{"exactly a commit's time", "2026-01-01 02:00:00", from(1), ""},
		{"between two commits", "2026-01-01T02:30:00Z", from(2), ""},
		{"with a zone offset", "2026-01-01T03:30:00+01:00", from(2), ""},
		{"after the latest commit", "2026-01-01 03:00:01", nil, "[DELTA_TIMESTAMP_GREATER_THAN_COMMIT]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := NewDeltaSourceSpec(ctx, src, "t", map[string]string{"startingTimestamp": tc.ts})
			if err != nil {
				t.Fatal(err)
			}
			s, err := spec.Open(ctx, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			end, err := s.LatestOffset(ctx, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("LatestOffset: err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.GetBatch(ctx, nil, end)
			if err != nil {
				t.Fatal(err)
			}
			r, err := b.Scan(ctx, planScanAll())
			if err != nil {
				t.Fatal(err)
			}
			sameRows(t, "batch", readerRows(t, r), eventRows(tc.want))
		})
	}
	for _, tc := range []struct {
		name string
		opts map[string]string
		want string
	}{
		{"not a timestamp", map[string]string{"startingTimestamp": "yesterday"}, "[DELTA_INVALID_TIMESTAMP_FORMAT]"},
		{"with startingVersion", map[string]string{"startingTimestamp": "2026-01-01", "startingVersion": "1"}, "[DELTA_STARTING_VERSION_AND_TIMESTAMP_BOTH_SET]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewDeltaSourceSpec(ctx, src, "t", tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
