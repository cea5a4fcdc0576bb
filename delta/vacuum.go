package delta

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// DefaultDeletedFileRetention is delta.deletedFileRetentionDuration's
// default ("interval 1 week").
const DefaultDeletedFileRetention = 7 * 24 * time.Hour

// ErrRetentionTooShort: VACUUM was asked for a retention below the table's
// deleted-file retention while the safety check is on.
var ErrRetentionTooShort = errors.New("delta: vacuum: retention period too short")

// VacuumOptions configures Table.Vacuum.
type VacuumOptions struct {
	// RetentionHours keeps files removed (or written) less than this many
	// hours ago; nil means the table's delta.deletedFileRetentionDuration
	// (default 168 hours).
	RetentionHours *float64
	// DryRun lists the files VACUUM would delete without deleting them.
	DryRun bool
	// SkipRetentionCheck allows a retention below the table's
	// deleted-file retention, as spark.databricks.delta.retentionDurationCheck
	// .enabled=false does. (The check is on unless skipped, so the zero
	// value is the safe one.)
	SkipRetentionCheck bool
	// NoCommitInfo skips the VACUUM START / VACUUM END commits Delta
	// records around a vacuum that deletes.
	NoCommitInfo bool
	// Now is the current time (default time.Now()); tests move it.
	Now time.Time
}

// VacuumResult lists what a vacuum deleted (or, in a dry run, would).
type VacuumResult struct {
	// FilesDeleted are store keys relative to the table root, sorted.
	FilesDeleted []string
	// BytesDeleted is their total size.
	BytesDeleted int64
	// Retention is the retention that was applied.
	Retention time.Duration
}

// Vacuum deletes files in the table directory that the current version
// does not reference and that are older than the retention: data files
// and deletion-vector files that were removed before the retention
// window, change-data files, and orphans of failed writes. The log
// (_delta_log) and other hidden paths (names starting with "_" or ".")
// are never touched, except _change_data and partition directories of
// partition columns whose names start with "_".
//
// A file stays when the current snapshot references it, when a remove
// action retired it less than the retention ago (a reader of an older
// version may still need it), or when it was written less than the
// retention ago (an uncommitted write may be about to reference it).
// After a vacuum, time travel to versions whose files are gone fails.
func (t *Table) Vacuum(ctx context.Context, opts VacuumOptions) (VacuumResult, error) {
	var res VacuumResult
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	snap, err := t.Snapshot(ctx)
	if err != nil {
		return res, fmt.Errorf("delta: vacuum: %w", err)
	}
	if err := checkWriteSupport(snap, WriteOptions{}); err != nil {
		return res, err
	}
	tableRetention, err := tableDuration(snap, "delta.deletedFileRetentionDuration", DefaultDeletedFileRetention)
	if err != nil {
		return res, err
	}
	retention := tableRetention
	if opts.RetentionHours != nil {
		if *opts.RetentionHours < 0 {
			return res, fmt.Errorf("[DELTA_VACUUM_RETENTION_PERIOD_NEGATIVE] retention %v hours is negative", *opts.RetentionHours)
		}
		retention = time.Duration(*opts.RetentionHours * float64(time.Hour))
	}
	if !opts.SkipRetentionCheck && retention < tableRetention {
		return res, fmt.Errorf("requirement failed: Are you sure you would like to vacuum files with such a low retention period? (%s requested) "+
			"Writers currently writing to this table may lose files they are about to commit. If no operation is running on the table, "+
			"turn this check off with spark.databricks.delta.retentionDurationCheck.enabled = false; otherwise use a value not less than %q: %w",
			hoursString(retention), hoursString(tableRetention), ErrRetentionTooShort)
	}
	res.Retention = retention
	cutoff := now.Add(-retention)
	keep, err := t.referencedKeys(snap, cutoff)
	if err != nil {
		return res, err
	}
	listed, err := t.store.List(ctx, "")
	if err != nil {
		return res, fmt.Errorf("delta: vacuum: list %s: %w", t.store.URL(), err)
	}
	for _, fi := range listed {
		if keep[fi.Path] || hiddenForVacuum(fi.Path, snap.metadata.PartitionColumns) || fi.ModTime.After(cutoff) {
			continue
		}
		res.FilesDeleted = append(res.FilesDeleted, fi.Path)
		res.BytesDeleted += fi.Size
	}
	sort.Strings(res.FilesDeleted)
	if opts.DryRun {
		return res, nil
	}
	retentionMillis := retention.Milliseconds()
	if !opts.NoCommitInfo {
		ci := vacuumCommitInfo("VACUUM START", map[string]any{
			"retentionCheckEnabled":    !opts.SkipRetentionCheck,
			"specifiedRetentionMillis": retentionMillis,
			"defaultRetentionMillis":   tableRetention.Milliseconds(),
		}, map[string]string{
			"numFilesToDelete":   fmt.Sprint(len(res.FilesDeleted)),
			"sizeOfDataToDelete": fmt.Sprint(res.BytesDeleted),
		})
		if _, err := t.commitInfoOnly(ctx, snap.Version(), ci); err != nil {
			return res, fmt.Errorf("delta: vacuum: %w", err)
		}
	}
	for i, p := range res.FilesDeleted {
		if err := t.store.Delete(ctx, p); err != nil {
			res.FilesDeleted = res.FilesDeleted[:i]
			return res, fmt.Errorf("delta: vacuum: delete %s: %w", p, err)
		}
	}
	if !opts.NoCommitInfo {
		ci := vacuumCommitInfo("VACUUM END", map[string]any{"status": "COMPLETED"}, map[string]string{
			"numDeletedFiles":        fmt.Sprint(len(res.FilesDeleted)),
			"numVacuumedDirectories": fmt.Sprint(vacuumedDirs(res.FilesDeleted)),
		})
		v, err := t.commitInfoOnly(ctx, snap.Version(), ci)
		if err != nil {
			return res, fmt.Errorf("delta: vacuum: %w", err)
		}
		t.maybeCheckpoint(ctx, v)
	}
	return res, nil
}

// referencedKeys is the set of store keys VACUUM must keep: the live
// files, the files of tombstones newer than cutoff, and the deletion-vector
// files of both.
func (t *Table) referencedKeys(snap *Snapshot, cutoff time.Time) (map[string]bool, error) {
	root := t.store.URL()
	keep := make(map[string]bool, len(snap.files)+len(snap.removes))
	add := func(p string, dv *DeletionVector) error {
		key, err := decodePath(p, root)
		if err != nil {
			return fmt.Errorf("delta: vacuum: %w", err)
		}
		keep[key] = true
		if dv != nil && (dv.StorageType == "u" || dv.StorageType == "p") {
			k, err := dv.storeKey(root)
			if err != nil {
				return fmt.Errorf("delta: vacuum: deletion vector of %s: %w", p, err)
			}
			keep[k] = true
		}
		return nil
	}
	for i := range snap.files {
		if err := add(snap.files[i].Path, snap.files[i].DeletionVector); err != nil {
			return nil, err
		}
	}
	cutoffMs := cutoff.UnixMilli()
	for _, r := range snap.removes {
		if r.DeletionTimestamp == nil || *r.DeletionTimestamp <= cutoffMs {
			continue
		}
		if err := add(r.Path, r.DeletionVector); err != nil {
			return nil, err
		}
	}
	return keep, nil
}

// hiddenForVacuum reports whether a key lies under a hidden name (a
// directory or file starting with "_" or "."), which VACUUM leaves alone:
// the log, checkpoints of streaming queries, temp files of other tools.
// _change_data and partition directories ("_col=v" for a partition column
// "_col") are data, so they are not hidden.
func hiddenForVacuum(key string, partCols []string) bool {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		if s == "" || (s[0] != '_' && s[0] != '.') {
			continue
		}
		if i == 0 && s == "_change_data" {
			continue
		}
		if i < len(segs)-1 {
			if eq := strings.IndexByte(s, '='); eq > 0 && indexFold(partCols, s[:eq]) >= 0 {
				continue
			}
		}
		return true
	}
	return false
}

func vacuumedDirs(keys []string) int {
	dirs := map[string]bool{}
	for _, k := range keys {
		dirs[path.Dir(k)] = true
	}
	return len(dirs)
}

func vacuumCommitInfo(op string, params map[string]any, metrics map[string]string) map[string]any {
	return map[string]any{
		"timestamp":           time.Now().UnixMilli(),
		"operation":           op,
		"operationParameters": params,
		"isolationLevel":      "SnapshotIsolation",
		"isBlindAppend":       true,
		"operationMetrics":    metrics,
		"engineInfo":          "ingot/" + Version,
		"txnId":               uuid.NewString(),
	}
}

// commitInfoOnly commits a version holding just a commitInfo. It changes
// nothing a reader sees, so it conflicts with nothing: on a lost race it
// simply takes the next free version.
func (t *Table) commitInfoOnly(ctx context.Context, readVersion int64, ci map[string]any) (int64, error) {
	for attempt := 1; ; attempt++ {
		ci["readVersion"] = readVersion
		v, err := t.commit(ctx, readVersion, []Action{{CommitInfo: ci}}, commitIntent{blindAppend: true})
		if err == nil || !errors.Is(err, ErrConcurrentModification) || attempt >= maxCommitAttempts {
			return v, err
		}
		latest, lerr := t.LatestVersion(ctx)
		if lerr != nil {
			return -1, errors.Join(err, lerr)
		}
		readVersion = latest
	}
}

// tableDuration reads a duration table property written as Delta writes
// them ("interval 7 days", "interval 1 week 2 hours", "30 days"), or def
// when it is unset.
func tableDuration(snap *Snapshot, key string, def time.Duration) (time.Duration, error) {
	v, ok := snap.metadata.Configuration[key]
	if !ok || strings.TrimSpace(v) == "" {
		return def, nil
	}
	d, err := parseInterval(v)
	if err != nil {
		return 0, fmt.Errorf("[DELTA_INVALID_TABLE_PROPERTY] %s = %q: %w", key, v, err)
	}
	return d, nil
}

// parseInterval parses a calendar-free interval string: an optional
// "interval" keyword, then number-unit pairs.
func parseInterval(s string) (time.Duration, error) {
	f := strings.Fields(strings.ToLower(s))
	if len(f) > 0 && f[0] == "interval" {
		f = f[1:]
	}
	if len(f) == 0 || len(f)%2 != 0 {
		return 0, fmt.Errorf("not an interval (want e.g. \"interval 7 days\")")
	}
	var total time.Duration
	for i := 0; i < len(f); i += 2 {
		n, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return 0, fmt.Errorf("interval amount %q: %w", f[i], err)
		}
		var unit time.Duration
		switch strings.TrimSuffix(f[i+1], "s") {
		case "week":
			unit = 7 * 24 * time.Hour
		case "day":
			unit = 24 * time.Hour
		case "hour":
			unit = time.Hour
		case "minute":
			unit = time.Minute
		case "second":
			unit = time.Second
		case "millisecond":
			unit = time.Millisecond
		case "microsecond":
			unit = time.Microsecond
		default:
			return 0, fmt.Errorf("interval unit %q (months and years have no fixed length)", f[i+1])
		}
		total += time.Duration(n * float64(unit))
	}
	return total, nil
}

func hoursString(d time.Duration) string {
	return strconv.FormatFloat(d.Hours(), 'f', -1, 64) + " hours"
}
