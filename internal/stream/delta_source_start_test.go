package stream

import (
	"context"
	"errors"
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
