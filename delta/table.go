package delta

import (
	"context"
	"errors"
	"fmt"

	"github.com/ingotdata/ingot/storage"
)

// Version is the engine version written into commitInfo.engineInfo.
const Version = "0.1.0"

// Table is a Delta table at the root of a store. It holds no state besides
// the store: every Snapshot call re-lists the log.
type Table struct {
	store storage.Store
}

// Open returns the table rooted at store. It does not require a table to
// exist yet (the first Write creates it); use Exists to check.
func Open(ctx context.Context, store storage.Store) (*Table, error) {
	if store == nil {
		return nil, errors.New("delta: open: nil store")
	}
	return &Table{store: store}, nil
}

// Store returns the store the table is rooted at.
func (t *Table) Store() storage.Store { return t.store }

// Exists reports whether the log has at least one commit or checkpoint.
func (t *Table) Exists(ctx context.Context) (bool, error) {
	l, err := t.listRecent(ctx)
	if err != nil {
		return false, err
	}
	return l.maxVersion >= 0, nil
}

// LatestVersion returns the newest committed version, or -1 and
// ErrNotATable when there is none.
func (t *Table) LatestVersion(ctx context.Context) (int64, error) {
	l, err := t.listRecent(ctx)
	if err != nil {
		return -1, err
	}
	if l.maxVersion < 0 {
		return -1, fmt.Errorf("delta: %s: %w", t.store.URL(), ErrNotATable)
	}
	return l.maxVersion, nil
}

// Snapshot returns the latest state of the table.
func (t *Table) Snapshot(ctx context.Context) (*Snapshot, error) {
	return t.snapshot(ctx, -1)
}

// SnapshotAt returns the table as of version (VERSION AS OF).
func (t *Table) SnapshotAt(ctx context.Context, version int64) (*Snapshot, error) {
	if version < 0 {
		return nil, fmt.Errorf("delta: version %d: %w", version, ErrVersionNotFound)
	}
	return t.snapshot(ctx, version)
}

// CommitActions returns the actions of one commit, in file order. A
// streaming source reads the adds of each new version with it.
func (t *Table) CommitActions(ctx context.Context, version int64) ([]Action, error) {
	return readCommit(ctx, t.store, version)
}

// listRecent lists enough of the log to know its newest version: from the
// _last_checkpoint hint on when the store can list from a key (a polling
// streaming source asks every trigger), else all of it.
func (t *Table) listRecent(ctx context.Context) (*logListing, error) {
	if _, ok := t.store.(listerAfter); ok {
		if lc := readLastCheckpoint(ctx, t.store); lc != nil && lc.Version > 0 {
			if l, err := listLogFrom(ctx, t.store, lc.Version); err == nil && l.maxVersion >= lc.Version {
				return l, nil
			}
		}
	}
	return listLog(ctx, t.store)
}
