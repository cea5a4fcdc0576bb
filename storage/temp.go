package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// StaleTempAge is how old (by modification time) a temp file of Local's
// Put or PutIfAbsent must be before a later write or VACUUM removes it.
//
// Why an age and why this one: Put and PutIfAbsent stage an object in a temp
// file beside its key (".<name>.tmp-<random>"), write it in one call, fsync
// it and at once rename or link it over the key. A process killed in between
// (SIGKILL during OPTIMIZE, a full disk) leaves the temp file behind, and
// nothing else ever names it. A live writer's temp file was modified when
// its write call started; it stays unmodified only for the rest of that one
// write plus the fsync, which even for a gigabyte file on a slow disk is
// minutes, not an hour. And removing a temp file that was still live is
// safe anyway: the writer's rename or link then fails and its Put returns an
// error; no object is torn and no committed data is lost, because a temp
// file is never referenced by a key or a Delta log until it is published.
const StaleTempAge = time.Hour

// TempCleaner is implemented by stores whose writes stage data in temp
// files that a killed process can leave behind (Local).
type TempCleaner interface {
	// RemoveStaleTemps removes the temp files under prefix last modified
	// before cutoff and returns their keys.
	RemoveStaleTemps(ctx context.Context, prefix string, cutoff time.Time) ([]string, error)
}

// tempPattern is the os.CreateTemp pattern of a temp file for the object
// at full: hidden, and marked ".tmp-" so List and the sweeps recognise it.
func tempPattern(full string) string { return "." + filepath.Base(full) + ".tmp-*" }

// isTempName reports whether a file name is one tempPattern makes.
func isTempName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-")
}

// sweepDir removes the stale temp files (StaleTempAge) of one directory,
// the first time this store writes into it: a write into a table's
// directory cleans up after earlier killed writes there. It is best effort:
// a failure to list or remove must not fail the write that triggered it.
func (l *Local) sweepDir(dir string) {
	if _, done := l.swept.LoadOrStore(dir, struct{}{}); done {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	cutoff := time.Now().Add(-StaleTempAge)
	for _, e := range entries {
		if e.IsDir() || !isTempName(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// RemoveStaleTemps walks the directory of prefix (a key prefix, as for
// List) and removes the temp files of Put and PutIfAbsent last modified
// before cutoff. Callers pass at most time.Now().Add(-StaleTempAge): see
// StaleTempAge for why younger ones must be left alone.
func (l *Local) RemoveStaleTemps(ctx context.Context, prefix string, cutoff time.Time) ([]string, error) {
	dir := ""
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		dir = prefix[:i]
	}
	base, err := l.full(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	err = l.walk(ctx, base, func(path, rel string, d fs.DirEntry) error {
		if d.IsDir() || !isTempName(d.Name()) {
			return nil
		}
		if !strings.HasPrefix(rel, prefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed = append(removed, rel)
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("storage: remove stale temp files under %s: %w", filepath.Join(l.root, prefix), err)
	}
	return removed, nil
}
