package stream

import (
	"context"
	"errors"
	"fmt"
)

// ErrCorruptCheckpoint: the offset and commit logs contradict each other.
var ErrCorruptCheckpoint = errors.New("stream: corrupt checkpoint")

// Recovery is what a (re)starting query does first.
type Recovery struct {
	// NextBatchID is the batch to run next.
	NextBatchID int64
	// Rerun: NextBatchID was planned (its offsets are in the log) but not
	// committed; run it again with exactly Offsets. The sink's idempotence
	// (Delta txn appId = query id, version = batch id) skips the write if the
	// batch had in fact committed before the crash.
	Rerun bool
	// Offsets of the re-run batch (Rerun), or the end offsets of the last
	// committed batch, from which new offsets start (otherwise; zero if the
	// query never ran).
	Offsets OffsetSeq
	// HasOffsets says whether Offsets is set.
	HasOffsets bool
	// Warning is set when Spark would log a warning (commit log behind by
	// more than one batch); the decision is still Spark's.
	Warning string
}

// DecideRecovery is the recovery rule, a pure function of the latest offset
// batch N (hasOffsets) and latest commit M (hasCommit):
//
//   - no offsets, no commits: fresh query, run batch 0.
//   - no offsets but commits: corrupt (a commit is written after its offsets).
//   - M > N: corrupt.
//   - N == M: batch N finished; run N+1 with new offsets starting at N's.
//   - N == M+1, or no commits at all: batch N was planned but not known to
//     be committed; re-run N with its recorded offsets.
//   - N > M+1: as Spark, re-run N with a warning — offsets of batches
//     M+1..N-1 were written but their commits are lost (e.g. a purged or
//     hand-edited commits/ directory).
func DecideRecovery(latestOffset int64, hasOffsets bool, latestCommit int64, hasCommit bool) (Recovery, error) {
	switch {
	case !hasOffsets && !hasCommit:
		return Recovery{NextBatchID: 0}, nil
	case !hasOffsets:
		return Recovery{}, fmt.Errorf("stream: commit log has batch %d but the offset log is empty: %w", latestCommit, ErrCorruptCheckpoint)
	case hasCommit && latestCommit > latestOffset:
		return Recovery{}, fmt.Errorf("stream: batch %d committed but offsets end at batch %d: %w", latestCommit, latestOffset, ErrCorruptCheckpoint)
	case hasCommit && latestCommit == latestOffset:
		return Recovery{NextBatchID: latestOffset + 1}, nil
	case !hasCommit || latestCommit == latestOffset-1:
		return Recovery{NextBatchID: latestOffset, Rerun: true}, nil
	default:
		return Recovery{NextBatchID: latestOffset, Rerun: true,
			Warning: fmt.Sprintf("batches %d through %d have offsets but no commits; re-running batch %d", latestCommit+1, latestOffset-1, latestOffset)}, nil
	}
}

// Recover reads the checkpoint's logs and applies DecideRecovery, filling
// in the offsets to re-run or to continue from.
func Recover(ctx context.Context, offsets *OffsetLog, commits *CommitLog) (Recovery, error) {
	n, seq, hasN, err := offsets.Latest(ctx)
	if err != nil {
		return Recovery{}, err
	}
	m, _, hasM, err := commits.Latest(ctx)
	if err != nil {
		return Recovery{}, err
	}
	r, err := DecideRecovery(n, hasN, m, hasM)
	if err != nil {
		return Recovery{}, err
	}
	if hasN {
		r.Offsets, r.HasOffsets = seq, true
	}
	return r, nil
}
