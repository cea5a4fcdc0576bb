package delta

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ingotdata/ingot/storage"
)

// In-commit timestamp table properties (PROTOCOL.md "In-Commit
// Timestamps").
const (
	ictEnableKey              = "delta.enableInCommitTimestamps"
	ictEnablementVersionKey   = "delta.inCommitTimestampEnablementVersion"
	ictEnablementTimestampKey = "delta.inCommitTimestampEnablementTimestamp"
)

func ictEnabled(conf map[string]string) bool {
	return strings.EqualFold(conf[ictEnableKey], "true")
}

// planInCommitTimestamps decides whether the write's commit carries an
// in-commit timestamp (the table has them enabled once it commits) and
// whether this commit is the one enabling them on a table with earlier
// commits, which must then record the enablement version and timestamp
// in its metadata. Disabling drops those two properties, as they would
// describe a feature no longer in force.
func planInCommitTimestamps(snap *Snapshot, p *writePlan) {
	conf := p.configuration(snap)
	p.ict = ictEnabled(conf)
	if p.metadata == nil {
		return
	}
	was := snap != nil && ictEnabled(snap.metadata.Configuration)
	switch {
	case p.ict && snap != nil && !was:
		p.ictEnabling = true
	case !p.ict:
		delete(p.metadata.Configuration, ictEnablementVersionKey)
		delete(p.metadata.Configuration, ictEnablementTimestampKey)
	}
}

// nextInCommitTimestamp is the inCommitTimestamp of version v: the
// current time, but at least one millisecond after the previous commit's
// timestamp (its inCommitTimestamp, or for the commit enabling the
// feature, its file's modification time), so timestamps increase
// monotonically even when writers' clocks disagree.
func (t *Table) nextInCommitTimestamp(ctx context.Context, v int64) (int64, error) {
	now := time.Now().UnixMilli()
	if v == 0 {
		return now, nil
	}
	prev, err := readCommit(ctx, t.store, v-1)
	if err != nil {
		return 0, fmt.Errorf("delta: in-commit timestamp of version %d: %w", v, err)
	}
	ts, err := t.commitTimestamp(ctx, v-1, prev)
	if err != nil {
		return 0, fmt.Errorf("delta: in-commit timestamp of version %d: %w", v, err)
	}
	return max(now, ts.UnixMilli()+1), nil
}

// commitStamped is Table.commit for writes whose commit content depends
// on the version it lands at: the in-commit timestamp (and, when enabling
// them, the enablement properties) are recomputed before every attempt,
// because after losing a race the previous commit is a different one.
// It also refuses to retry over a winner that wrote one of the same
// metadata domains (see domainConflict).
func (t *Table) commitStamped(ctx context.Context, readVersion int64, actions []Action, intent commitIntent, plan *writePlan) (int64, error) {
	var domains []string
	for _, a := range actions {
		if a.DomainMetadata != nil {
			domains = append(domains, a.DomainMetadata.Domain)
		}
	}
	v := readVersion + 1
	for attempt := 1; ; attempt++ {
		if plan.ict {
			ts, err := t.nextInCommitTimestamp(ctx, v)
			if err != nil {
				return -1, err
			}
			// commitInfo must be the first action and carry the timestamp.
			actions[0].CommitInfo["inCommitTimestamp"] = ts
			actions[0].CommitInfo["timestamp"] = ts
			if plan.ictEnabling && plan.metadata != nil {
				plan.metadata.Configuration[ictEnablementVersionKey] = strconv.FormatInt(v, 10)
				plan.metadata.Configuration[ictEnablementTimestampKey] = strconv.FormatInt(ts, 10)
			}
		}
		body, err := MarshalActions(actions)
		if err != nil {
			return -1, err
		}
		err = t.store.PutIfAbsent(ctx, commitPath(v), body)
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
		reason := conflicts(readVersion, winner, intent)
		if reason == "" {
			reason = domainConflict(winner, domains)
		}
		if reason != "" {
			return -1, fmt.Errorf("delta: commit %d: %s: %w: %w", v, reason, ErrConcurrentModification, err)
		}
		v++
	}
}
