package delta

import (
	"strconv"
	"testing"
	"time"

	"github.com/ingotdata/ingot/storage"
)

func ictOf(t *testing.T, c commitActions) int64 {
	t.Helper()
	ts, ok := inCommitTimestamp(c.info)
	if !ok {
		t.Fatalf("commitInfo %v has no inCommitTimestamp", c.info)
	}
	return ts.UnixMilli()
}

// TestInCommitTimestampsAtCreate: a table created with in-commit
// timestamps lists the writer feature, carries a timestamp in every
// commitInfo, increasing strictly, and needs no enablement properties.
func TestInCommitTimestampsAtCreate(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, ids(0, 1), WriteOptions{Properties: map[string]string{"delta.enableInCommitTimestamps": "true"}}); err != nil {
		t.Fatal(err)
	}
	c := commitOf(t, st, 0)
	wantProtocol(t, c.protocol, `{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["inCommitTimestamp"]}`)
	if _, ok := c.metadata.Configuration[ictEnablementVersionKey]; ok {
		t.Fatalf("created table records an enablement version: %v", c.metadata.Configuration)
	}
	prev := ictOf(t, c)
	for v := int64(1); v <= 3; v++ {
		if _, err := tbl.Write(ctx, ids(v, v+1), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		ts := ictOf(t, commitOf(t, st, v))
		if ts <= prev {
			t.Fatalf("version %d inCommitTimestamp %d not after %d", v, ts, prev)
		}
		prev = ts
	}
	hist, err := tbl.History(ctx, 1)
	if err != nil || hist[0].Timestamp.UnixMilli() != prev {
		t.Fatalf("history %v, %v; want timestamp %d", hist, err, prev)
	}
}

// TestInCommitTimestampsEnableLater: enabling on a table with history
// upgrades the protocol, records the enablement version and timestamp
// in the same commit, and stays after a previous timestamp from a
// clock ahead of ours.
func TestInCommitTimestampsEnableLater(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, ids(0, 1), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Write(ctx, ids(1, 2), WriteOptions{Properties: map[string]string{"delta.enableInCommitTimestamps": "true"}}); err != nil {
		t.Fatal(err)
	}
	c := commitOf(t, st, 1)
	wantProtocol(t, c.protocol, `{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["appendOnly","inCommitTimestamp","invariants"]}`)
	ts := ictOf(t, c)
	conf := c.metadata.Configuration
	if conf[ictEnablementVersionKey] != "1" || conf[ictEnablementTimestampKey] != strconv.FormatInt(ts, 10) {
		t.Fatalf("enablement properties %v, want version 1 and timestamp %d", conf, ts)
	}
	// Another writer's clock ran an hour ahead.
	future := time.Now().Add(time.Hour).UnixMilli()
	body, _ := MarshalActions([]Action{{CommitInfo: map[string]any{"inCommitTimestamp": future, "operation": "WRITE"}}})
	if err := st.PutIfAbsent(ctx, commitPath(2), body); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Write(ctx, ids(2, 3), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := ictOf(t, commitOf(t, st, 3)); got != future+1 {
		t.Fatalf("inCommitTimestamp %d, want %d (previous + 1ms)", got, future+1)
	}
	// The transaction API does not stamp timestamps yet: it must refuse.
	if tx, err := tbl.Begin(ctx); err == nil {
		if _, err := tx.WriteFiles(ctx, ids(9, 10), nil); err == nil {
			t.Fatalf("transaction wrote to an in-commit-timestamp table without stamping")
		}
		tx.Abort(ctx)
	}
}

// TestInCommitTimestampRetry: a blind append that loses the race to a
// concurrent commit is retried with a timestamp after the winner's.
func TestInCommitTimestampRetry(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, ids(0, 1), WriteOptions{Properties: map[string]string{"delta.enableInCommitTimestamps": "true"}}); err != nil {
		t.Fatal(err)
	}
	// Plan a write against version 0, then let another commit land at 1.
	snap, _ := tbl.Snapshot(ctx)
	plan, err := planWrite(snap, ids(0, 1).Schema(), WriteOptions{stampsInCommitTimestamp: true})
	if err != nil || !plan.ict {
		t.Fatalf("plan %+v, %v", plan, err)
	}
	future := time.Now().Add(time.Hour).UnixMilli()
	body, _ := MarshalActions([]Action{{CommitInfo: map[string]any{"inCommitTimestamp": future, "isBlindAppend": true}}})
	if err := st.PutIfAbsent(ctx, commitPath(1), body); err != nil {
		t.Fatal(err)
	}
	v, err := tbl.commitStamped(ctx, 0, []Action{{CommitInfo: map[string]any{"operation": "WRITE"}}}, commitIntent{blindAppend: true}, plan)
	if err != nil || v != 2 {
		t.Fatalf("commit: version %d, %v; want 2", v, err)
	}
	if got := ictOf(t, commitOf(t, st, 2)); got != future+1 {
		t.Fatalf("retried inCommitTimestamp %d, want %d", got, future+1)
	}
}
