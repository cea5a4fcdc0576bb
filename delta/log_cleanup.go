package delta

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// DefaultLogRetention is delta.logRetentionDuration's default ("interval
// 30 days").
const DefaultLogRetention = 30 * 24 * time.Hour

// CleanupExpiredLogs deletes log files that only versions older than
// delta.logRetentionDuration (default 30 days) need, unless the table sets
// delta.enableExpiredLogCleanup=false. It returns how many files it
// deleted.
//
// The boundary is a checkpoint: every version committed within the
// retention must stay readable, so the newest complete checkpoint at or
// below the oldest such version is kept, with every commit from it on,
// and the commits, checkpoints and checksum files of earlier versions go.
// Without such a checkpoint nothing can be deleted (the state would have
// to be replayed from version 0). Time travel to the deleted versions then
// fails with ErrVersionNotFound. Only files that are themselves older than
// the retention are deleted.
func (t *Table) CleanupExpiredLogs(ctx context.Context, now time.Time) (int, error) {
	snap, err := t.Snapshot(ctx)
	if err != nil {
		return 0, fmt.Errorf("delta: log cleanup: %w", err)
	}
	return t.cleanupExpiredLogs(ctx, snap, now)
}

// cleanupExpiredLogs works from one listing of the log: commit times are
// the commit files' modification times (made monotonic like
// commitTimes), so no file is read or stat'ed one by one.
func (t *Table) cleanupExpiredLogs(ctx context.Context, snap *Snapshot, now time.Time) (int, error) {
	if strings.EqualFold(strings.TrimSpace(snap.metadata.Configuration["delta.enableExpiredLogCleanup"]), "false") {
		return 0, nil
	}
	retention, err := tableDuration(snap, "delta.logRetentionDuration", DefaultLogRetention)
	if err != nil {
		return 0, err
	}
	cutoff := now.Add(-retention)
	infos, err := t.store.List(ctx, logDir)
	if err != nil {
		return 0, fmt.Errorf("delta: log cleanup: list %s: %w", logDir, err)
	}
	l := &logListing{commits: map[int64]string{}, checkpoints: map[int64][]checkpointFile{}, maxVersion: -1}
	var commits []commitTime
	for _, fi := range infos {
		if path.Dir(fi.Path)+"/" != logDir {
			continue
		}
		switch kind, v, part, parts := parseLogName(path.Base(fi.Path)); kind {
		case "commit":
			l.commits[v] = fi.Path
			commits = append(commits, commitTime{v, fi.ModTime})
		case "checkpoint":
			l.checkpoints[v] = append(l.checkpoints[v], checkpointFile{version: v, part: part, parts: parts, path: fi.Path})
		}
	}
	// The listing is sorted by name, so commits are in version order.
	// oldestKept is the first version committed after the cutoff, or the
	// snapshot's when all expired; times are pushed forward so they never
	// decrease with the version, as time travel sees them.
	oldestKept := snap.Version()
	var prev time.Time
	for _, ct := range commits {
		ts := ct.ts
		if !prev.IsZero() && !ts.After(prev) {
			ts = prev.Add(time.Millisecond)
		}
		prev = ts
		if ts.After(cutoff) {
			oldestKept = min(oldestKept, ct.version)
			break
		}
	}
	boundary := int64(-1)
	for v := range l.checkpoints {
		if v <= oldestKept && v > boundary && l.completeCheckpoint(v) != nil {
			boundary = v
		}
	}
	if boundary <= 0 {
		return 0, nil
	}
	deleted := 0
	for _, fi := range infos {
		if path.Dir(fi.Path)+"/" != logDir || fi.ModTime.After(cutoff) {
			continue
		}
		v, ok := expirableLogVersion(path.Base(fi.Path))
		if !ok || v >= boundary {
			continue
		}
		if err := t.store.Delete(ctx, fi.Path); err != nil {
			return deleted, fmt.Errorf("delta: log cleanup: delete %s: %w", fi.Path, err)
		}
		deleted++
	}
	return deleted, nil
}

// expirableLogVersion returns the version of a commit, checkpoint (any
// form) or checksum file; other names in _delta_log (_last_checkpoint,
// log compactions spanning versions, temp files) are not expired here.
func expirableLogVersion(name string) (int64, bool) {
	if kind, v, _, _ := parseLogName(name); kind != "" {
		return v, true
	}
	if len(name) == len("00000000000000000000.crc") && strings.HasSuffix(name, ".crc") {
		v, err := strconv.ParseInt(name[:20], 10, 64)
		return v, err == nil
	}
	return 0, false
}

// cleanupAfterCheckpoint is the hook the checkpoint writer calls: a new
// checkpoint is what lets older log files go. Failures are ignored, as
// cleanup is only housekeeping and the commit already succeeded.
func (t *Table) cleanupAfterCheckpoint(ctx context.Context, snap *Snapshot) {
	_, _ = t.cleanupExpiredLogs(ctx, snap, time.Now())
}
