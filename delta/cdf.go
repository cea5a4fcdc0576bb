package delta

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/ingotdata/ingot/batch"
)

// Names of the columns a change data feed adds to the table's.
const (
	ChangeTypeColumn      = "_change_type"
	CommitVersionColumn   = "_commit_version"
	CommitTimestampColumn = "_commit_timestamp"
)

// Change types derived from add and remove actions. Change data files may
// carry others (update_preimage, update_postimage), passed through verbatim.
const (
	ChangeInsert = "insert"
	ChangeDelete = "delete"
)

var (
	// ErrInvalidChangeRange: the version range of a change data read is
	// empty or outside the table's history.
	ErrInvalidChangeRange = errors.New("delta: invalid change data range")
	// ErrChangeDataNotEnabled: a version in the range was committed while
	// delta.enableChangeDataFeed was off, so its changes were not recorded.
	ErrChangeDataNotEnabled = errors.New("delta: change data feed not enabled")
)

var commitTimestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// Changes reads the change data feed of versions startVersion through
// endVersion inclusive (endVersion < 0: the latest; an end past the latest
// is clamped to it). Batches hold the table columns (projected by columns,
// nil: all, in the schema of endVersion) followed by _change_type,
// _commit_version and _commit_timestamp.
//
// Per PROTOCOL.md, a version with cdc actions is read from its change data
// files only; otherwise its data-changing adds are inserts and removes are
// deletes. A file removed and re-added in one commit with a different
// deletion vector (a DELETE that wrote a DV) yields only the rows whose
// deletion changed. The commit timestamp is the in-commit timestamp when
// the commit carries one, else the commit file's modification time.
func (t *Table) Changes(ctx context.Context, startVersion, endVersion int64, columns []string) (batch.Reader, error) {
	return t.changes(ctx, startVersion, endVersion, columns, nil)
}

// ChangesSince is Changes from a start time: versions whose commit
// timestamp is at or after start, up to endVersion. Timestamps are taken
// per commit as they are recorded (in-commit timestamps or file times), so
// a commit whose recorded time is earlier than start is left out even if
// a previous one is not.
func (t *Table) ChangesSince(ctx context.Context, start time.Time, endVersion int64, columns []string) (batch.Reader, error) {
	return t.changes(ctx, 0, endVersion, columns, &start)
}

func (t *Table) changes(ctx context.Context, startVersion, endVersion int64, columns []string, since *time.Time) (batch.Reader, error) {
	latest, err := t.LatestVersion(ctx)
	if err != nil {
		return nil, err
	}
	if endVersion < 0 || endVersion > latest {
		endVersion = latest
	}
	if since != nil {
		startVersion = t.oldestReplayableVersion(ctx)
	}
	switch {
	case startVersion < 0:
		return nil, fmt.Errorf("[DELTA_INVALID_CDC_RANGE] start version %d is negative: %w", startVersion, ErrInvalidChangeRange)
	case startVersion > latest:
		return nil, fmt.Errorf("[DELTA_INVALID_CDC_RANGE] start version %d is after the latest version %d of %s: %w", startVersion, latest, t.store.URL(), ErrInvalidChangeRange)
	case startVersion > endVersion:
		return nil, fmt.Errorf("[DELTA_INVALID_CDC_RANGE] start version %d is after end version %d: %w", startVersion, endVersion, ErrInvalidChangeRange)
	}
	end, err := t.SnapshotAt(ctx, endVersion)
	if err != nil {
		return nil, err
	}
	// The metadata in force at each version decides whether it recorded
	// change data: start from the snapshot at the first version (which
	// includes that commit's metaData), then follow later metaData actions.
	var meta *Metadata
	if first, err := t.SnapshotAt(ctx, startVersion); err == nil {
		m := first.Metadata()
		meta = &m
	}
	mode := end.columnMappingMode()
	schema, parts := end.schema, end.metadata.PartitionColumns
	consts := []constCol{{ChangeTypeColumn, arrow.BinaryTypes.String}, {CommitVersionColumn, arrow.PrimitiveTypes.Int64}, {CommitTimestampColumn, commitTimestampType}}
	out := &multiReader{}
	fail := func(err error) (batch.Reader, error) {
		out.Close()
		return nil, err
	}
	for v := startVersion; v <= endVersion; v++ {
		actions, err := readCommit(ctx, t.store, v)
		if err != nil {
			return fail(fmt.Errorf("delta: change data of version %d: %w", v, err))
		}
		ts, err := t.commitTimestamp(ctx, v, actions)
		if err != nil {
			return fail(err)
		}
		for _, a := range actions {
			if a.MetaData != nil && (v > startVersion || meta == nil) {
				meta = a.MetaData
			}
		}
		if since != nil && ts.Before(*since) {
			continue
		}
		var cdc, changed []scanTask
		var hasDataChange bool
		tsScalar := scalar.NewTimestampScalar(arrow.Timestamp(ts.UnixMicro()), commitTimestampType)
		verScalar := scalar.NewInt64Scalar(v)
		typeScalar := func(s string) scalar.Scalar { return scalar.NewStringScalar(s) }
		adds := map[string]*AddFile{}
		removes := map[string]*RemoveFile{}
		for _, a := range actions {
			switch {
			case a.CDC != nil:
				cdc = append(cdc, scanTask{path: a.CDC.Path, partitionValues: a.CDC.PartitionValues, consts: []scalar.Scalar{verScalar, tsScalar}})
			case a.Add != nil && a.Add.DataChange:
				adds[a.Add.Path] = a.Add
				hasDataChange = true
			case a.Remove != nil && a.Remove.DataChange:
				removes[a.Remove.Path] = a.Remove
				hasDataChange = true
			}
		}
		if len(cdc) == 0 && !hasDataChange {
			continue
		}
		if meta == nil || !strings.EqualFold(meta.Configuration["delta.enableChangeDataFeed"], "true") {
			return fail(fmt.Errorf("[DELTA_MISSING_CHANGE_DATA] version %d of %s has no change data: delta.enableChangeDataFeed was not true: %w", v, t.store.URL(), ErrChangeDataNotEnabled))
		}
		if len(cdc) > 0 {
			r, err := t.newScan(schema, parts, mode, columns, []arrow.Field{{Name: ChangeTypeColumn, Type: arrow.BinaryTypes.String, Nullable: true}}, ScanOptions{}, consts[1:]...)
			if err != nil {
				return fail(err)
			}
			r.tasks = cdc
			out.readers = append(out.readers, r)
			continue
		}
		// Visit actions in log order so the output is deterministic.
		for _, a := range actions {
			switch {
			case a.Remove != nil && a.Remove.DataChange:
				rm := a.Remove
				if add, ok := adds[rm.Path]; ok && (add.DeletionVector != nil || rm.DeletionVector != nil) {
					tasks, err := dvChangeTasks(ctx, t, add, rm, typeScalar, verScalar, tsScalar)
					if err != nil {
						return fail(err)
					}
					changed = append(changed, tasks...)
					continue
				}
				changed = append(changed, scanTask{path: rm.Path, partitionValues: rm.PartitionValues, dv: rm.DeletionVector,
					consts: []scalar.Scalar{typeScalar(ChangeDelete), verScalar, tsScalar}})
			case a.Add != nil && a.Add.DataChange:
				add := a.Add
				if rm, ok := removes[add.Path]; ok && (add.DeletionVector != nil || rm.DeletionVector != nil) {
					continue // handled with its remove
				}
				changed = append(changed, scanTask{path: add.Path, partitionValues: add.PartitionValues, dv: add.DeletionVector,
					consts: []scalar.Scalar{typeScalar(ChangeInsert), verScalar, tsScalar}})
			}
		}
		r, err := t.newScan(schema, parts, mode, columns, nil, ScanOptions{}, consts...)
		if err != nil {
			return fail(err)
		}
		r.tasks = changed
		out.readers = append(out.readers, r)
	}
	if len(out.readers) == 0 {
		r, err := t.newScan(schema, parts, mode, columns, nil, ScanOptions{}, consts...)
		if err != nil {
			return nil, err
		}
		out.readers = append(out.readers, r)
	}
	out.schema = out.readers[0].Schema()
	return out, nil
}

// dvChangeTasks turns a remove/add pair of one file with different
// deletion vectors into the rows whose state changed: rows the new vector
// deletes that the old did not are deletes; the reverse (a restore) are
// inserts.
func dvChangeTasks(ctx context.Context, t *Table, add *AddFile, rm *RemoveFile, typ func(string) scalar.Scalar, ver, ts scalar.Scalar) ([]scanTask, error) {
	oldSet, err := rm.DeletionVector.load(ctx, t.store)
	if err != nil {
		return nil, fmt.Errorf("delta: change data of %s: %w", rm.Path, err)
	}
	newSet, err := add.DeletionVector.load(ctx, t.store)
	if err != nil {
		return nil, fmt.Errorf("delta: change data of %s: %w", add.Path, err)
	}
	var out []scanTask
	if del := newSet.minus(oldSet); del.cardinality() > 0 {
		out = append(out, scanTask{path: add.Path, partitionValues: add.PartitionValues, keep: del,
			consts: []scalar.Scalar{typ(ChangeDelete), ver, ts}})
	}
	if ins := oldSet.minus(newSet); ins.cardinality() > 0 {
		out = append(out, scanTask{path: add.Path, partitionValues: add.PartitionValues, keep: ins,
			consts: []scalar.Scalar{typ(ChangeInsert), ver, ts}})
	}
	return out, nil
}

// oldestReplayableVersion is the oldest commit still in the log.
func (t *Table) oldestReplayableVersion(ctx context.Context) int64 {
	l, err := listLog(ctx, t.store)
	if err != nil {
		return 0
	}
	oldest := int64(-1)
	for v := range l.commits {
		if oldest < 0 || v < oldest {
			oldest = v
		}
	}
	return max(oldest, 0)
}
