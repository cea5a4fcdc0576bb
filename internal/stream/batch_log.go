package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/storage"
)

// Sentinel errors of the batch logs.
var (
	// ErrBatchExists: a log file for this batch id is already written.
	ErrBatchExists = errors.New("stream: batch already in log")
	// ErrBatchNotFound: no log file for this batch id.
	ErrBatchNotFound = errors.New("stream: batch not in log")
	// ErrUnsupportedLogVersion: the file was written by a newer format.
	ErrUnsupportedLogVersion = errors.New("stream: unsupported log version")
)

// logVersion is the header line of every batch log file ("v1").
const logVersion = 1

// batchLog is a directory of files named by decimal batch id, each written
// once with put-if-absent: the shape shared by offsets/, commits/ and
// sources/<id>/ (Spark's HDFSMetadataLog).
type batchLog struct {
	store storage.Store
	dir   string // "offsets/", no leading slash, trailing slash
}

func (l batchLog) key(id int64) string { return l.dir + strconv.FormatInt(id, 10) }

func (l batchLog) where(id int64) string { return l.store.URL() + "/" + l.key(id) }

// put writes a batch file; an existing one is ErrBatchExists.
func (l batchLog) put(ctx context.Context, id int64, data []byte) error {
	if id < 0 {
		return fmt.Errorf("stream: write %s: negative batch id %d", l.where(id), id)
	}
	if err := l.store.PutIfAbsent(ctx, l.key(id), data); err != nil {
		if errors.Is(err, storage.ErrExists) {
			return fmt.Errorf("stream: write %s: %w", l.where(id), ErrBatchExists)
		}
		return fmt.Errorf("stream: write %s: %w", l.where(id), err)
	}
	return nil
}

// get reads a batch file and splits it after the "v1" header into lines.
func (l batchLog) get(ctx context.Context, id int64) ([]string, error) {
	b, err := l.store.Get(ctx, l.key(id))
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("stream: read %s: %w", l.where(id), ErrBatchNotFound)
		}
		return nil, fmt.Errorf("stream: read %s: %w", l.where(id), err)
	}
	return splitLog(l.where(id), b)
}

// splitLog checks the version header and returns the remaining lines.
func splitLog(where string, b []byte) ([]string, error) {
	lines := strings.Split(string(bytes.TrimRight(b, "\n")), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "v") {
		return nil, fmt.Errorf("stream: read %s line 1: missing version header \"v%d\"", where, logVersion)
	}
	v, err := strconv.Atoi(lines[0][1:])
	if err != nil || v < 1 {
		return nil, fmt.Errorf("stream: read %s line 1: bad version header %q", where, lines[0])
	}
	if v > logVersion {
		return nil, fmt.Errorf("stream: read %s: version v%d, this build reads up to v%d: %w", where, v, logVersion, ErrUnsupportedLogVersion)
	}
	return lines[1:], nil
}

// ids lists the batch ids present, ascending. Files whose names are not a
// decimal id (temp files, Spark's .crc files) are ignored.
func (l batchLog) ids(ctx context.Context) ([]int64, error) {
	files, err := l.store.List(ctx, l.dir)
	if err != nil {
		return nil, fmt.Errorf("stream: list %s/%s: %w", l.store.URL(), l.dir, err)
	}
	var ids []int64
	for _, f := range files {
		name := strings.TrimPrefix(f.Path, l.dir)
		if id, err := strconv.ParseInt(name, 10, 64); err == nil && id >= 0 && strconv.FormatInt(id, 10) == name {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

func (l batchLog) latest(ctx context.Context) (int64, bool, error) {
	ids, err := l.ids(ctx)
	if err != nil || len(ids) == 0 {
		return -1, false, err
	}
	return ids[len(ids)-1], true, nil
}

// purge deletes the batch files with id < keepFrom.
func (l batchLog) purge(ctx context.Context, keepFrom int64) error {
	ids, err := l.ids(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id >= keepFrom {
			break
		}
		if err := l.store.Delete(ctx, l.key(id)); err != nil {
			return fmt.Errorf("stream: purge %s: %w", l.where(id), err)
		}
	}
	return nil
}
