package delta

import "context"

// maybeCheckpoint would write a checkpoint every delta.checkpointInterval
// commits. Not implemented yet: readers replay JSON commits, which is
// correct, only slower for long histories.
func (t *Table) maybeCheckpoint(ctx context.Context, version int64) {}
