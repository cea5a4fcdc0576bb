package delta

import (
	"context"
	"errors"
	"fmt"

	"github.com/ingotdata/ingot/storage"
)

// maxCommitAttempts bounds how many versions a blind append chases when
// other writers keep winning.
const maxCommitAttempts = 1000

// commitIntent is what the conflict check needs to know about the losing
// transaction.
type commitIntent struct {
	// blindAppend: the transaction only adds files and read nothing it
	// depends on, so other writers' adds and removes cannot invalidate it.
	blindAppend bool
	txnAppID    string
}

// commit writes actions as the version after readVersion.
//
// The log entry is created with put-if-absent. Two writers may race for
// the same version: exactly one create succeeds; the other sees
// storage.ErrExists, reads the winner's actions and, if they do not
// conflict with what this transaction assumed, retries at the next version.
// Renaming a temp file would not do: object stores have no atomic rename.
// Nothing is ever written over an existing version, so a loser cannot tear
// the log.
func (t *Table) commit(ctx context.Context, readVersion int64, actions []Action, intent commitIntent) (int64, error) {
	body, err := MarshalActions(actions)
	if err != nil {
		return -1, err
	}
	v := readVersion + 1
	for attempt := 1; ; attempt++ {
		err := t.store.PutIfAbsent(ctx, commitPath(v), body)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, storage.ErrExists) {
			return -1, fmt.Errorf("delta: commit %d: %w", v, err)
		}
		if attempt >= maxCommitAttempts {
			return -1, fmt.Errorf("delta: commit %d: gave up after %d attempts: %w: %w", v, attempt, ErrConcurrentModification, err)
		}
		winner, rerr := readCommit(ctx, t.store, v)
		if rerr != nil {
			return -1, fmt.Errorf("delta: commit %d: read winning commit: %w", v, rerr)
		}
		if reason := conflicts(readVersion, winner, intent); reason != "" {
			return -1, fmt.Errorf("delta: commit %d: %s: %w: %w", v, reason, ErrConcurrentModification, err)
		}
		v++
	}
}

// conflicts returns why a concurrently committed version invalidates this
// transaction, or "" if it can be retried on top of it. The rules are
// Delta's for the operations this library performs: creating a table,
// changing metadata or protocol conflict with everything; an overwrite
// conflicts with any data change (it read every file); a blind append only
// with a txn for the same application (the exactly-once check it did would
// be stale).
func conflicts(readVersion int64, winner []Action, intent commitIntent) string {
	if readVersion < 0 {
		return "[DELTA_CONCURRENT_WRITE] the table was created concurrently"
	}
	for _, a := range winner {
		switch {
		case a.MetaData != nil:
			return "[DELTA_METADATA_CHANGED] the table metadata changed concurrently"
		case a.Protocol != nil:
			return "[DELTA_PROTOCOL_CHANGED] the protocol changed concurrently"
		case a.Txn != nil && intent.txnAppID != "" && a.Txn.AppID == intent.txnAppID:
			return fmt.Sprintf("[DELTA_CONCURRENT_TRANSACTION] application %q committed concurrently", a.Txn.AppID)
		case !intent.blindAppend && a.Add != nil && a.Add.DataChange:
			return "[DELTA_CONCURRENT_APPEND] files were added concurrently"
		case !intent.blindAppend && a.Remove != nil && a.Remove.DataChange:
			return "[DELTA_CONCURRENT_DELETE_DELETE] files were removed concurrently"
		}
	}
	return ""
}
