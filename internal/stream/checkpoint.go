package stream

import (
	"context"
	"fmt"

	"github.com/ingotdata/ingot/storage"
)

// Checkpoint bundles the pieces of one query's checkpoint directory, for
// the micro-batch engine: the query id, the offset and commit logs, and
// constructors for source logs and state stores rooted in the same store.
type Checkpoint struct {
	Store   storage.Store
	QueryID string
	Offsets *OffsetLog
	Commits *CommitLog
}

// OpenCheckpoint opens (creating on first use) the checkpoint in store.
func OpenCheckpoint(ctx context.Context, store storage.Store) (*Checkpoint, error) {
	m, err := LoadOrCreateMetadata(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("stream: open checkpoint %s: %w", store.URL(), err)
	}
	return &Checkpoint{Store: store, QueryID: m.ID, Offsets: NewOffsetLog(store), Commits: NewCommitLog(store)}, nil
}

// FileSource returns the log of file source sourceID (its index in the
// query's sources, as in offsets/N lines).
func (c *Checkpoint) FileSource(sourceID int) *FileSourceLog {
	return NewFileSourceLog(c.Store, sourceID, DefaultCompactInterval)
}

// State returns the state store of one operator partition.
func (c *Checkpoint) State(operatorID, partitionID int, opts ...StateOption) *StateStore {
	return NewStateStore(c.Store, operatorID, partitionID, opts...)
}

// Recover applies the recovery rule to this checkpoint's logs.
func (c *Checkpoint) Recover(ctx context.Context) (Recovery, error) {
	return Recover(ctx, c.Offsets, c.Commits)
}
