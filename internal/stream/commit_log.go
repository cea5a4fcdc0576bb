package stream

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ingotdata/ingot/storage"
)

// CommitsDir is the checkpoint directory of the commit log.
const CommitsDir = "commits/"

// CommitMetadata is the content of commits/<batchId> after its header.
type CommitMetadata struct {
	NextBatchWatermarkMs int64 `json:"nextBatchWatermarkMs"`
}

// CommitLog records finished batches: commits/N is written after the sink
// committed batch N (and its state was committed), so N never runs again.
type CommitLog struct{ log batchLog }

// NewCommitLog returns the commit log of the checkpoint in cp.
func NewCommitLog(cp storage.Store) *CommitLog {
	return &CommitLog{batchLog{cp, CommitsDir}}
}

// Add writes commits/batchID; an existing one is ErrBatchExists.
func (l *CommitLog) Add(ctx context.Context, batchID int64, m CommitMetadata) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("stream: write %s: %w", l.log.where(batchID), err)
	}
	return l.log.put(ctx, batchID, append([]byte(fmt.Sprintf("v%d\n", logVersion)), b...))
}

// Get reads commits/batchID; a missing batch is ErrBatchNotFound.
func (l *CommitLog) Get(ctx context.Context, batchID int64) (CommitMetadata, error) {
	lines, err := l.log.get(ctx, batchID)
	if err != nil {
		return CommitMetadata{}, err
	}
	var m CommitMetadata
	if len(lines) == 0 {
		return m, fmt.Errorf("stream: read %s line 2: missing commit metadata", l.log.where(batchID))
	}
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		return m, fmt.Errorf("stream: read %s line 2: %w", l.log.where(batchID), err)
	}
	return m, nil
}

// Latest returns the highest committed batch; ok is false for an empty log.
func (l *CommitLog) Latest(ctx context.Context) (batchID int64, m CommitMetadata, ok bool, err error) {
	id, ok, err := l.log.latest(ctx)
	if err != nil || !ok {
		return -1, CommitMetadata{}, false, err
	}
	m, err = l.Get(ctx, id)
	if err != nil {
		return -1, CommitMetadata{}, false, err
	}
	return id, m, true, nil
}

// Purge deletes the commits of batches before keepFrom.
func (l *CommitLog) Purge(ctx context.Context, keepFrom int64) error {
	return l.log.purge(ctx, keepFrom)
}
