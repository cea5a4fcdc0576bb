package stream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/storage"
)

// deltaStartLog is sources/<id>/0 of a Delta source: the position batch 0
// starts from, resolved once and kept for the life of the checkpoint, as
// Spark's Kafka source keeps its initial offsets.
//
// It exists because "startingVersion=latest" (and the starting snapshot of
// the default) name the table as it is when the query first plans, not a
// fixed version. A batch 0 re-run after a failure, or a restart before
// batch 0 ran, resolved again, would start after commits that landed in
// between and lose their rows. Offsets/0 records only batch 0's end; its
// start has no other durable record.
type deltaStartLog struct {
	log batchLog
}

func newDeltaStartLog(cp storage.Store, sourceID int) *deltaStartLog {
	if cp == nil {
		return nil // a source opened outside a query: nothing to persist
	}
	return &deltaStartLog{batchLog{store: cp, dir: "sources/" + strconv.Itoa(sourceID) + "/"}}
}

// get returns the recorded start; found is false when none was written.
func (l *deltaStartLog) get(ctx context.Context, reservoirID string) (o DeltaSourceOffset, found bool, err error) {
	lines, err := l.log.get(ctx, 0)
	if errors.Is(err, ErrBatchNotFound) {
		return o, false, nil
	}
	if err != nil {
		return o, false, err
	}
	if len(lines) != 1 || strings.TrimSpace(lines[0]) == "" {
		return o, false, fmt.Errorf("stream: read %s line 2: want one Delta source offset, found %d lines: %w", l.log.where(0), len(lines), ErrCorruptCheckpoint)
	}
	o, err = ParseDeltaSourceOffset([]byte(lines[0]), reservoirID)
	if err != nil {
		return o, false, fmt.Errorf("stream: read %s line 2: %w", l.log.where(0), err)
	}
	return o, true, nil
}

// putOrGet records o as the start unless one is recorded already, and
// returns the recorded one: when two runs race, both go on from the
// winner's start (the loser then fails on offsets/0 as a concurrent run).
func (l *deltaStartLog) putOrGet(ctx context.Context, o DeltaSourceOffset) (DeltaSourceOffset, error) {
	data := append([]byte("v"+strconv.Itoa(logVersion)+"\n"), o.JSON()...)
	err := l.log.put(ctx, 0, data)
	if err == nil {
		return o, nil
	}
	if !errors.Is(err, ErrBatchExists) {
		return o, err
	}
	got, found, err := l.get(ctx, o.ReservoirID)
	if err != nil {
		return o, err
	}
	if !found {
		return o, fmt.Errorf("stream: %s exists but cannot be read back: %w", l.log.where(0), ErrCorruptCheckpoint)
	}
	return got, nil
}
