package delta

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ingotdata/ingot/storage"
)

// ErrRestoreFilesMissing: RESTORE needs data files of the old version that
// are no longer in storage (VACUUM deleted them).
var ErrRestoreFilesMissing = errors.New("delta: restore: data files missing")

// RestoreOptions names the version RESTORE returns the table to: Timestamp
// when it is set (TIMESTAMP AS OF), else Version (VERSION AS OF).
type RestoreOptions struct {
	Version   int64
	Timestamp time.Time
}

// RestoreMetrics is Delta's RESTORE result.
type RestoreMetrics struct {
	// Version is the new version the restore committed, RestoredVersion the
	// one whose state it brought back.
	Version, RestoredVersion int64
	TableSizeAfterRestore    int64
	NumOfFilesAfterRestore   int64
	NumRemovedFiles          int64
	NumRestoredFiles         int64
	RemovedFilesSize         int64
	RestoredFilesSize        int64
}

// Restore commits a new version whose state equals an older one: files of
// the old version that are no longer live are added back, live files it did
// not have are removed (both with dataChange=true, so streams and the
// change feed see the change), and the old metadata comes back if it
// differs. The protocol is never downgraded. Restore checks first that
// every file it re-adds is still in storage and fails with
// ErrRestoreFilesMissing when VACUUM deleted some.
func (t *Table) Restore(ctx context.Context, opts RestoreOptions) (RestoreMetrics, error) {
	m := RestoreMetrics{Version: -1, RestoredVersion: -1}
	cur, err := t.Snapshot(ctx)
	if err != nil {
		return m, fmt.Errorf("delta: restore: %w", err)
	}
	if err := checkWriteSupport(cur, WriteOptions{}); err != nil {
		return m, err
	}
	version, param, err := t.restoreVersion(ctx, cur, opts)
	if err != nil {
		return m, err
	}
	old, err := t.SnapshotAt(ctx, version)
	if err != nil {
		if errors.Is(err, ErrVersionNotFound) || errors.Is(err, ErrCorruptLog) {
			first, last := t.availableVersions(ctx, cur.Version())
			return m, fmt.Errorf("[DELTA_CANNOT_RESTORE_TABLE_VERSION] cannot restore table to version %d; available versions: [%d, %d]: %w", version, first, last, err)
		}
		return m, fmt.Errorf("delta: restore to version %d: %w", version, err)
	}
	m.RestoredVersion = version

	curKeys := make(map[fileKey]bool, len(cur.files))
	for i := range cur.files {
		curKeys[cur.files[i].key()] = true
	}
	oldKeys := make(map[fileKey]bool, len(old.files))
	var restored []AddFile
	for i := range old.files {
		f := old.files[i]
		oldKeys[f.key()] = true
		m.TableSizeAfterRestore += f.Size
		if !curKeys[f.key()] {
			restored = append(restored, f)
			m.RestoredFilesSize += f.Size
		}
	}
	m.NumOfFilesAfterRestore = int64(len(old.files))
	m.NumRestoredFiles = int64(len(restored))
	if err := t.checkRestorable(ctx, version, restored); err != nil {
		return m, err
	}

	now := time.Now().UnixMilli()
	var removes []Action
	for i := range cur.files {
		f := cur.files[i]
		if oldKeys[f.key()] {
			continue
		}
		removes = append(removes, Action{Remove: removeFor(f, now, true)})
		m.NumRemovedFiles++
		m.RemovedFilesSize += f.Size
	}
	if len(removes) > 0 && strings.EqualFold(cur.metadata.Configuration["delta.appendOnly"], "true") {
		return m, fmt.Errorf("[DELTA_CANNOT_MODIFY_APPEND_ONLY] table %s is append-only (delta.appendOnly=true); restoring version %d would remove %d files: %w",
			t.store.URL(), version, len(removes), ErrUnsupportedFeature)
	}
	ci := map[string]any{
		"timestamp":           now,
		"operation":           "RESTORE",
		"operationParameters": param,
		"readVersion":         cur.Version(),
		"isolationLevel":      "Serializable",
		"isBlindAppend":       false,
		"operationMetrics": map[string]string{
			"tableSizeAfterRestore":  fmt.Sprint(m.TableSizeAfterRestore),
			"numOfFilesAfterRestore": fmt.Sprint(m.NumOfFilesAfterRestore),
			"numRemovedFiles":        fmt.Sprint(m.NumRemovedFiles),
			"numRestoredFiles":       fmt.Sprint(m.NumRestoredFiles),
			"removedFilesSize":       fmt.Sprint(m.RemovedFilesSize),
			"restoredFilesSize":      fmt.Sprint(m.RestoredFilesSize),
		},
		"engineInfo": "ingot/" + Version,
		"txnId":      uuid.NewString(),
	}
	actions := []Action{{CommitInfo: ci}}
	if p, changed := restoredProtocol(cur.protocol, old.protocol); changed {
		actions = append(actions, Action{Protocol: &p})
	}
	if !sameMetadata(cur.metadata, old.metadata) {
		md := old.metadata
		actions = append(actions, Action{MetaData: &md})
	}
	actions = append(actions, removes...)
	for i := range restored {
		restored[i].DataChange = true
		actions = append(actions, Action{Add: &restored[i]})
	}
	v, err := t.commit(ctx, cur.Version(), actions, commitIntent{})
	if err != nil {
		return m, fmt.Errorf("delta: restore to version %d: %w", version, err)
	}
	m.Version = v
	t.maybeCheckpoint(ctx, v)
	return m, nil
}

// restoreVersion resolves the target version and the operationParameters
// naming it, with Delta's error classes for targets out of range.
func (t *Table) restoreVersion(ctx context.Context, cur *Snapshot, opts RestoreOptions) (int64, map[string]any, error) {
	if !opts.Timestamp.IsZero() {
		ts := opts.Timestamp.UTC().Format("2006-01-02 15:04:05.000")
		v, err := t.VersionAtTimestamp(ctx, opts.Timestamp)
		if err != nil {
			if strings.Contains(err.Error(), "DELTA_TIMESTAMP_GREATER_THAN_COMMIT") {
				return -1, nil, fmt.Errorf("[DELTA_CANNOT_RESTORE_TIMESTAMP_GREATER] cannot restore table to timestamp (%s) as it is after the latest version available: %w", ts, err)
			}
			if errors.Is(err, ErrTimestampOutOfRange) {
				return -1, nil, fmt.Errorf("[DELTA_CANNOT_RESTORE_TIMESTAMP_EARLIER] cannot restore table to timestamp (%s) as it is before the earliest version available: %w", ts, err)
			}
			return -1, nil, fmt.Errorf("delta: restore: %w", err)
		}
		return v, map[string]any{"timestamp": ts}, nil
	}
	if opts.Version < 0 || opts.Version > cur.Version() {
		first, last := t.availableVersions(ctx, cur.Version())
		return -1, nil, fmt.Errorf("[DELTA_CANNOT_RESTORE_TABLE_VERSION] cannot restore table to version %d; available versions: [%d, %d]: %w", opts.Version, first, last, ErrVersionNotFound)
	}
	return opts.Version, map[string]any{"version": opts.Version}, nil
}

// availableVersions is the range of versions the log can still rebuild:
// from version 0 while its commit is listed, else from the oldest complete
// checkpoint, to the latest.
func (t *Table) availableVersions(ctx context.Context, latest int64) (int64, int64) {
	l, err := listLog(ctx, t.store)
	if err != nil {
		return 0, latest
	}
	if _, ok := l.commits[0]; ok {
		return 0, latest
	}
	first := latest
	for v := range l.checkpoints {
		if v < first && l.completeCheckpoint(v) != nil {
			first = v
		}
	}
	return first, latest
}

// checkRestorable stats every data and deletion-vector file the restore
// would add back.
func (t *Table) checkRestorable(ctx context.Context, version int64, files []AddFile) error {
	root := t.store.URL()
	var missing []string
	for _, f := range files {
		keys := []string{}
		k, err := decodePath(f.Path, root)
		if err != nil {
			return fmt.Errorf("delta: restore: %w", err)
		}
		keys = append(keys, k)
		if dv := f.DeletionVector; dv != nil && (dv.StorageType == "u" || dv.StorageType == "p") {
			dk, err := dv.storeKey(root)
			if err != nil {
				return fmt.Errorf("delta: restore: deletion vector of %s: %w", f.Path, err)
			}
			keys = append(keys, dk)
		}
		for _, k := range keys {
			if _, err := t.store.Stat(ctx, k); err != nil {
				if !errors.Is(err, storage.ErrNotFound) {
					return fmt.Errorf("delta: restore: stat %s: %w", k, err)
				}
				missing = append(missing, k)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	shown := missing[:min(len(missing), 100)]
	return fmt.Errorf("[DELTA_CANNOT_RESTORE_MISSING_FILES] not all files of version %d are available in storage (vacuumed?); missing (first 100): %s; restore a more recent version: %w",
		version, strings.Join(shown, ", "), ErrRestoreFilesMissing)
}

// restoredProtocol is the protocol after restoring to a version with
// protocol old: the higher of each version and the union of features, as
// Delta never downgrades a protocol on RESTORE.
func restoredProtocol(cur, old Protocol) (Protocol, bool) {
	p := cur
	p.MinReaderVersion = max(cur.MinReaderVersion, old.MinReaderVersion)
	p.MinWriterVersion = max(cur.MinWriterVersion, old.MinWriterVersion)
	p.ReaderFeatures = unionFeatures(cur.ReaderFeatures, old.ReaderFeatures)
	p.WriterFeatures = unionFeatures(cur.WriterFeatures, old.WriterFeatures)
	changed := p.MinReaderVersion != cur.MinReaderVersion || p.MinWriterVersion != cur.MinWriterVersion ||
		len(p.ReaderFeatures) != len(cur.ReaderFeatures) || len(p.WriterFeatures) != len(cur.WriterFeatures)
	return p, changed
}

func unionFeatures(a, b []string) []string {
	out := slices.Clone(a)
	for _, f := range b {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func sameMetadata(a, b Metadata) bool {
	if a.ID != b.ID || a.Name != b.Name || a.Description != b.Description || a.SchemaString != b.SchemaString ||
		!slices.Equal(a.PartitionColumns, b.PartitionColumns) || len(a.Configuration) != len(b.Configuration) {
		return false
	}
	for k, v := range a.Configuration {
		if bv, ok := b.Configuration[k]; !ok || bv != v {
			return false
		}
	}
	return true
}
