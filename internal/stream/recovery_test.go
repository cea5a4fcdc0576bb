package stream

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ingotdata/ingot/storage"
)

func TestDecideRecovery(t *testing.T) {
	const none = -1
	for _, tc := range []struct {
		name           string
		offset, commit int64 // none = log empty
		next           int64
		rerun, warn    bool
		err            error
	}{
		{"fresh query", none, none, 0, false, false, nil},
		{"crashed in batch 0", 0, none, 0, true, false, nil},
		{"all committed", 5, 5, 6, false, false, nil},
		{"crashed after wal", 5, 4, 5, true, false, nil},
		{"commits lost", 5, 2, 5, true, true, nil},
		{"offsets but no commits at all", 3, none, 3, true, false, nil},
		{"commit without offsets", none, 0, 0, false, false, ErrCorruptCheckpoint},
		{"commit ahead of offsets", 3, 4, 0, false, false, ErrCorruptCheckpoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := DecideRecovery(tc.offset, tc.offset != none, tc.commit, tc.commit != none)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				return
			}
			must(t, err)
			if r.NextBatchID != tc.next || r.Rerun != tc.rerun || (r.Warning != "") != tc.warn {
				t.Errorf("got %+v, want next=%d rerun=%v warn=%v", r, tc.next, tc.rerun, tc.warn)
			}
		})
	}
}

func TestRecoverReadsLogs(t *testing.T) {
	ctx := context.Background()
	cp := storage.NewMemory()
	offsets, commits := NewOffsetLog(cp), NewCommitLog(cp)
	seq := func(lo int64) OffsetSeq {
		return OffsetSeq{Offsets: []json.RawMessage{FileSourceOffset{LogOffset: lo}.JSON()}}
	}
	must(t, offsets.Add(ctx, 0, seq(0)))
	must(t, commits.Add(ctx, 0, CommitMetadata{}))
	must(t, offsets.Add(ctx, 1, seq(4)))

	r, err := Recover(ctx, offsets, commits)
	must(t, err)
	if !r.Rerun || r.NextBatchID != 1 || !r.HasOffsets || string(r.Offsets.Offsets[0]) != `{"logOffset":4}` {
		t.Fatalf("uncommitted batch 1: %+v", r)
	}
	must(t, commits.Add(ctx, 1, CommitMetadata{}))
	r, err = Recover(ctx, offsets, commits)
	must(t, err)
	if r.Rerun || r.NextBatchID != 2 || string(r.Offsets.Offsets[0]) != `{"logOffset":4}` {
		t.Fatalf("committed batch 1: %+v", r)
	}
}

func TestOpenCheckpointKeepsQueryID(t *testing.T) {
	ctx := context.Background()
	cp := storage.NewMemory()
	c1, err := OpenCheckpoint(ctx, cp)
	must(t, err)
	must(t, c1.Offsets.Add(ctx, 0, OffsetSeq{}))
	c2, err := OpenCheckpoint(ctx, cp)
	must(t, err)
	if c2.QueryID != c1.QueryID {
		t.Errorf("query id %s -> %s", c1.QueryID, c2.QueryID)
	}
	r, err := c2.Recover(ctx)
	must(t, err)
	if !r.Rerun || r.NextBatchID != 0 {
		t.Errorf("recovery %+v", r)
	}
}
