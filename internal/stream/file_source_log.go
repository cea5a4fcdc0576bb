package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/storage"
)

// DefaultCompactInterval is how often the file source log is compacted, as
// Spark's spark.sql.streaming.fileSource.log.compactInterval.
const DefaultCompactInterval = 10

// FileEntry is one file assigned to a file-source batch: a line of a
// sources/<id>/ log file, {"path":"file:///...","timestamp":ms,"batchId":N}.
type FileEntry struct {
	Path      string `json:"path"`      // URL of the file
	Timestamp int64  `json:"timestamp"` // modification time, ms since epoch
	BatchID   int64  `json:"batchId"`   // log offset the file was assigned to
}

// FileSourceLog is sources/<sourceId>/: which files a file source has
// assigned to which log offset. Log offsets count the source's own batches
// (one per trigger that found new files), not the query's batch ids; the
// query's offsets/N records {"logOffset":K} for the source.
//
// Every CompactInterval-th file (K+1 divisible by the interval) is written
// as "K.compact" holding the entries of all batches 0..K, after which the
// older files are deleted, so reading the whole log costs one compact file
// plus fewer than CompactInterval small ones.
type FileSourceLog struct {
	store    storage.Store
	dir      string
	interval int64
}

// NewFileSourceLog returns the log of source sourceID in the checkpoint
// cp. compactInterval <= 0 means DefaultCompactInterval.
func NewFileSourceLog(cp storage.Store, sourceID int, compactInterval int) *FileSourceLog {
	if compactInterval <= 0 {
		compactInterval = DefaultCompactInterval
	}
	return &FileSourceLog{cp, "sources/" + strconv.Itoa(sourceID) + "/", int64(compactInterval)}
}

func (l *FileSourceLog) isCompact(id int64) bool { return (id+1)%l.interval == 0 }

func (l *FileSourceLog) key(id int64) string {
	k := l.dir + strconv.FormatInt(id, 10)
	if l.isCompact(id) {
		k += ".compact"
	}
	return k
}

func (l *FileSourceLog) where(id int64) string { return l.store.URL() + "/" + l.key(id) }

// ids lists the log offsets present (plain or compact), ascending.
func (l *FileSourceLog) ids(ctx context.Context) ([]int64, error) {
	files, err := l.store.List(ctx, l.dir)
	if err != nil {
		return nil, fmt.Errorf("stream: list %s/%s: %w", l.store.URL(), l.dir, err)
	}
	var ids []int64
	for _, f := range files {
		name := strings.TrimPrefix(f.Path, l.dir)
		compact := strings.HasSuffix(name, ".compact")
		id, err := strconv.ParseInt(strings.TrimSuffix(name, ".compact"), 10, 64)
		if err != nil || id < 0 || compact != l.isCompact(id) {
			continue
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

// Latest returns the highest log offset written; ok is false if none.
func (l *FileSourceLog) Latest(ctx context.Context) (int64, bool, error) {
	ids, err := l.ids(ctx)
	if err != nil || len(ids) == 0 {
		return -1, false, err
	}
	return ids[len(ids)-1], true, nil
}

func (l *FileSourceLog) read(ctx context.Context, id int64) ([]FileEntry, error) {
	b, err := l.store.Get(ctx, l.key(id))
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("stream: read %s: %w", l.where(id), ErrBatchNotFound)
		}
		return nil, fmt.Errorf("stream: read %s: %w", l.where(id), err)
	}
	lines, err := splitLog(l.where(id), b)
	if err != nil {
		return nil, err
	}
	out := make([]FileEntry, 0, len(lines))
	for i, line := range lines {
		if line == "" {
			continue
		}
		var e FileEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return nil, fmt.Errorf("stream: read %s line %d: %w", l.where(id), i+2, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// Add writes the entries of log offset id (their BatchID is set to id). The
// write is put-if-absent: an existing id is ErrBatchExists. A compaction id
// also folds in every earlier entry and then deletes the superseded files.
func (l *FileSourceLog) Add(ctx context.Context, id int64, files []FileEntry) error {
	if id < 0 {
		return fmt.Errorf("stream: write %s: negative log offset %d", l.where(id), id)
	}
	entries := make([]FileEntry, 0, len(files))
	if l.isCompact(id) && id > 0 {
		prev, err := l.entriesBefore(ctx, id)
		if err != nil {
			return err
		}
		entries = append(entries, prev...)
	}
	for _, f := range files {
		f.BatchID = id
		entries = append(entries, f)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "v%d", logVersion)
	for _, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("stream: write %s: %w", l.where(id), err)
		}
		buf.WriteByte('\n')
		buf.Write(b)
	}
	if err := l.store.PutIfAbsent(ctx, l.key(id), buf.Bytes()); err != nil {
		if errors.Is(err, storage.ErrExists) {
			return fmt.Errorf("stream: write %s: %w", l.where(id), ErrBatchExists)
		}
		return fmt.Errorf("stream: write %s: %w", l.where(id), err)
	}
	if l.isCompact(id) {
		// Deleting after the compact file is durable: a crash in between
		// leaves extra files that readers skip (they start at the compact).
		ids, err := l.ids(ctx)
		if err != nil {
			return err
		}
		for _, old := range ids {
			if old >= id {
				break
			}
			if err := l.store.Delete(ctx, l.key(old)); err != nil {
				return fmt.Errorf("stream: compact %s: %w", l.where(id), err)
			}
		}
	}
	return nil
}

// entriesBefore returns every entry with log offset < id: the newest compact
// file below id plus the plain files after it.
func (l *FileSourceLog) entriesBefore(ctx context.Context, id int64) ([]FileEntry, error) {
	ids, err := l.ids(ctx)
	if err != nil {
		return nil, err
	}
	start := 0
	for i, x := range ids {
		if x < id && l.isCompact(x) {
			start = i
		}
	}
	var out []FileEntry
	expect := int64(0)
	if len(ids) > 0 && l.isCompact(ids[start]) {
		expect = ids[start]
	}
	for _, x := range ids[start:] {
		if x >= id {
			break
		}
		// A gap would silently drop files from the seen set (and from a
		// compaction), so the source would read them twice.
		if x != expect {
			return nil, fmt.Errorf("stream: read %s/%s: log offset %d is missing", l.store.URL(), l.dir, expect)
		}
		expect = x + 1
		es, err := l.read(ctx, x)
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
	}
	return out, nil
}

// Get returns the entries of log offset id, read from its own file or, once
// compacted, filtered out of the compact file that holds it.
func (l *FileSourceLog) Get(ctx context.Context, id int64) ([]FileEntry, error) {
	es, err := l.read(ctx, id)
	if err == nil && !l.isCompact(id) {
		return es, nil
	}
	if err != nil && !errors.Is(err, ErrBatchNotFound) {
		return nil, err
	}
	if err != nil {
		// Compacted away: the oldest compact file at or above id holds it.
		ids, lerr := l.ids(ctx)
		if lerr != nil {
			return nil, lerr
		}
		found := false
		for _, x := range ids {
			if x >= id && l.isCompact(x) {
				if es, err = l.read(ctx, x); err != nil {
					return nil, err
				}
				found = true
				break
			}
		}
		if !found {
			return nil, err
		}
	}
	out := es[:0:0]
	for _, e := range es {
		if e.BatchID == id {
			out = append(out, e)
		}
	}
	return out, nil
}

// AllFiles returns every file the source has assigned, keyed by path: the
// seen set the next planning step must skip.
func (l *FileSourceLog) AllFiles(ctx context.Context) (map[string]FileEntry, error) {
	es, err := l.entriesBefore(ctx, 1<<62)
	if err != nil {
		return nil, err
	}
	out := make(map[string]FileEntry, len(es))
	for _, e := range es {
		out[e.Path] = e
	}
	return out, nil
}
