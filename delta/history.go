package delta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CommitInfo is one entry of a table's history: a version, its commit
// timestamp and the commitInfo action it carried (nil if none).
type CommitInfo struct {
	Version   int64
	Timestamp time.Time
	Info      map[string]any
}

// History returns the commits still in the log, newest first; limit <= 0
// means all. It reads one JSON file per version returned.
func (t *Table) History(ctx context.Context, limit int) ([]CommitInfo, error) {
	times, err := t.commitTimes(ctx)
	if err != nil {
		return nil, err
	}
	var out []CommitInfo
	for i := len(times) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		ct := times[i]
		actions, err := readCommit(ctx, t.store, ct.version)
		if err != nil {
			return nil, err
		}
		ci := CommitInfo{Version: ct.version, Timestamp: ct.ts}
		for _, a := range actions {
			if a.CommitInfo != nil {
				ci.Info = a.CommitInfo
			}
		}
		out = append(out, ci)
	}
	return out, nil
}

type commitTime struct {
	version int64
	ts      time.Time
}

// commitTimestamp is when version v was committed: the inCommitTimestamp
// of its commitInfo when it has one (tables with in-commit timestamps),
// else the commit file's modification time.
func (t *Table) commitTimestamp(ctx context.Context, v int64, actions []Action) (time.Time, error) {
	for _, a := range actions {
		if ts, ok := inCommitTimestamp(a.CommitInfo); ok {
			return ts, nil
		}
	}
	fi, err := t.store.Stat(ctx, commitPath(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("delta: stat commit %d: %w", v, err)
	}
	return fi.ModTime, nil
}

func inCommitTimestamp(ci map[string]any) (time.Time, bool) {
	switch n := ci["inCommitTimestamp"].(type) {
	case float64:
		return time.UnixMilli(int64(n)).UTC(), true
	case json.Number:
		if ms, err := n.Int64(); err == nil {
			return time.UnixMilli(ms).UTC(), true
		}
	}
	return time.Time{}, false
}

// ictEnablement returns the first version whose commit carries an
// in-commit timestamp, or -1 when the latest metadata does not enable them.
func (t *Table) ictEnablement(ctx context.Context) int64 {
	snap, err := t.Snapshot(ctx)
	if err != nil {
		return -1
	}
	cfg := snap.metadata.Configuration
	if !strings.EqualFold(cfg["delta.enableInCommitTimestamps"], "true") {
		return -1
	}
	if v, err := strconv.ParseInt(cfg["delta.inCommitTimestampEnablementVersion"], 10, 64); err == nil {
		return v
	}
	return 0
}

// commitTimes lists the JSON commits with their timestamps. Like Spark,
// it uses the commit files' modification times, pushed forward where
// needed so they never decrease with the version (clock skew between
// writers must not make time travel pick an older version for a later
// time). When the table has in-commit timestamps, the commits from their
// enablement version on use those instead (PROTOCOL.md "In-Commit
// Timestamps"): reading them costs one GET per such commit.
func (t *Table) commitTimes(ctx context.Context) ([]commitTime, error) {
	l, err := listLog(ctx, t.store)
	if err != nil {
		return nil, err
	}
	if l.maxVersion < 0 {
		return nil, fmt.Errorf("delta: %s: %w", t.store.URL(), ErrNotATable)
	}
	versions := make([]int64, 0, len(l.commits))
	for v := range l.commits {
		versions = append(versions, v)
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	ictFrom := t.ictEnablement(ctx)
	out := make([]commitTime, 0, len(versions))
	for _, v := range versions {
		var ts time.Time
		if ictFrom >= 0 && v >= ictFrom {
			actions, err := readCommit(ctx, t.store, v)
			if err != nil {
				return nil, err
			}
			ts, err = t.commitTimestamp(ctx, v, actions)
			if err != nil {
				return nil, err
			}
		} else {
			fi, err := t.store.Stat(ctx, l.commits[v])
			if err != nil {
				return nil, fmt.Errorf("delta: stat commit %d: %w", v, err)
			}
			ts = fi.ModTime
		}
		if n := len(out); n > 0 && !ts.After(out[n-1].ts) {
			ts = out[n-1].ts.Add(time.Millisecond)
		}
		out = append(out, commitTime{v, ts})
	}
	return out, nil
}

// ErrTimestampOutOfRange: TIMESTAMP AS OF names a time before the first
// retained commit or after the latest one.
var ErrTimestampOutOfRange = errors.New("delta: timestamp out of range")

// VersionAtTimestamp returns the latest version committed at or before ts
// (TIMESTAMP AS OF).
func (t *Table) VersionAtTimestamp(ctx context.Context, ts time.Time) (int64, error) {
	times, err := t.commitTimes(ctx)
	if err != nil {
		return -1, err
	}
	if len(times) == 0 || ts.Before(times[0].ts) {
		return -1, fmt.Errorf("[DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION] timestamp %s is before the earliest available version: %w", ts.UTC().Format(time.RFC3339Nano), ErrTimestampOutOfRange)
	}
	last := times[len(times)-1]
	if ts.After(last.ts) {
		return -1, fmt.Errorf("[DELTA_TIMESTAMP_GREATER_THAN_COMMIT] timestamp %s is after the latest version %d (%s): %w", ts.UTC().Format(time.RFC3339Nano), last.version, last.ts.UTC().Format(time.RFC3339Nano), ErrTimestampOutOfRange)
	}
	i := sort.Search(len(times), func(i int) bool { return times[i].ts.After(ts) })
	return times[i-1].version, nil
}
