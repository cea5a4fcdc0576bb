package delta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/storage"
)

const logDir = "_delta_log/"

func commitPath(v int64) string { return fmt.Sprintf("%s%020d.json", logDir, v) }

// checkpointFile is one classic checkpoint part found by listing.
type checkpointFile struct {
	version     int64
	part, parts int // 1/1 for a single-file checkpoint
	path        string
}

// logListing is what one listing of _delta_log shows.
type logListing struct {
	commits     map[int64]string
	checkpoints map[int64][]checkpointFile // complete or not; see completeCheckpoint
	maxVersion  int64                      // newest commit or checkpoint version, -1 if none
}

// parseLogName classifies a file in _delta_log: commits, classic and
// multi-part checkpoints, and UUID-named (v2) checkpoints in JSON or
// Parquet. Names it does not know (crc files, log compaction files, temp
// files) are ignored: compaction files are an optional shortcut by spec
// and replaying the commits they summarize gives the same state.
func parseLogName(name string) (kind string, version int64, part, parts int) {
	if len(name) < 21 || name[20] != '.' {
		return "", 0, 0, 0
	}
	v, err := strconv.ParseInt(name[:20], 10, 64)
	if err != nil {
		return "", 0, 0, 0
	}
	rest := name[21:]
	switch {
	case rest == "json":
		return "commit", v, 0, 0
	case rest == "checkpoint.parquet":
		return "checkpoint", v, 1, 1
	case strings.HasPrefix(rest, "checkpoint.") && strings.HasSuffix(rest, ".json"):
		if isUUID(strings.TrimSuffix(strings.TrimPrefix(rest, "checkpoint."), ".json")) {
			return "checkpoint", v, 1, 1
		}
	case strings.HasPrefix(rest, "checkpoint.") && strings.HasSuffix(rest, ".parquet"):
		if isUUID(strings.TrimSuffix(strings.TrimPrefix(rest, "checkpoint."), ".parquet")) {
			return "checkpoint", v, 1, 1
		}
		mid := strings.Split(strings.TrimSuffix(strings.TrimPrefix(rest, "checkpoint."), ".parquet"), ".")
		if len(mid) == 2 && len(mid[0]) == 10 && len(mid[1]) == 10 {
			p, err1 := strconv.Atoi(mid[0])
			n, err2 := strconv.Atoi(mid[1])
			if err1 == nil && err2 == nil && p >= 1 && p <= n {
				return "checkpoint", v, p, n
			}
		}
	}
	return "", 0, 0, 0
}

// isUUID reports whether s is a UUID in canonical textual form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// listerAfter is implemented by stores that can start a listing after a
// key server-side (storage.S3).
type listerAfter interface {
	ListAfter(ctx context.Context, prefix, startAfter string) ([]storage.FileInfo, error)
}

func listLog(ctx context.Context, store storage.Store) (*logListing, error) {
	return listLogFrom(ctx, store, -1)
}

// listLogFrom lists the log from version from on (all of it when from < 0
// or the store cannot start a listing in the middle). On an object store,
// listing a 100,000-commit log is a hundred requests; listing from the
// newest checkpoint is one.
func listLogFrom(ctx context.Context, store storage.Store, from int64) (*logListing, error) {
	var infos []storage.FileInfo
	var err error
	if la, ok := store.(listerAfter); ok && from > 0 {
		// Keys of version from start with its 20 digits; the key just
		// before is that prefix minus one, as every name continues.
		infos, err = la.ListAfter(ctx, logDir, fmt.Sprintf("%s%020d", logDir, from-1)+"~")
	} else {
		infos, err = store.List(ctx, logDir)
	}
	if err != nil {
		return nil, fmt.Errorf("delta: list %s: %w", logDir, err)
	}
	l := &logListing{commits: map[int64]string{}, checkpoints: map[int64][]checkpointFile{}, maxVersion: -1}
	for _, fi := range infos {
		name := path.Base(fi.Path)
		if path.Dir(fi.Path)+"/" != logDir {
			continue
		}
		kind, v, part, parts := parseLogName(name)
		switch kind {
		case "commit":
			l.commits[v] = fi.Path
		case "checkpoint":
			l.checkpoints[v] = append(l.checkpoints[v], checkpointFile{version: v, part: part, parts: parts, path: fi.Path})
		default:
			continue
		}
		l.maxVersion = max(l.maxVersion, v)
	}
	return l, nil
}

// completeCheckpoint returns the part paths of a checkpoint at v if every
// part of one of its layouts is present. A writer that died midway through a
// multi-part checkpoint leaves an incomplete set, which must be ignored.
func (l *logListing) completeCheckpoint(v int64) []string {
	byParts := map[int][]string{}
	for _, cf := range l.checkpoints[v] {
		byParts[cf.parts] = append(byParts[cf.parts], cf.path)
	}
	if ps := byParts[1]; len(ps) > 0 {
		// Several single-file checkpoints may exist for one version (a
		// classic one and UUID-named ones from racing writers); any is
		// complete. Listing is sorted, so the choice is stable.
		return ps[:1]
	}
	for n, ps := range byParts {
		seen := map[string]bool{}
		for _, p := range ps {
			seen[p] = true
		}
		if len(seen) == n {
			parts := make([]string, 0, n)
			for i := 1; i <= n; i++ {
				parts = append(parts, fmt.Sprintf("%s%020d.checkpoint.%010d.%010d.parquet", logDir, v, i, n))
			}
			ok := true
			for _, p := range parts {
				ok = ok && seen[p]
			}
			if ok {
				return parts
			}
		}
	}
	return nil
}

// lastCheckpoint is the _last_checkpoint hint.
type lastCheckpoint struct {
	Version     int64 `json:"version"`
	Size        int64 `json:"size"`
	Parts       *int  `json:"parts,omitempty"`
	SizeInBytes int64 `json:"sizeInBytes,omitempty"`
}

// readLastCheckpoint returns the hint, or nil when it is missing or
// unreadable: it is only an optimization, so a corrupt one is ignored and
// the listing decides.
func readLastCheckpoint(ctx context.Context, store storage.Store) *lastCheckpoint {
	b, err := store.Get(ctx, logDir+"_last_checkpoint")
	if err != nil {
		return nil
	}
	var lc lastCheckpoint
	if json.Unmarshal(b, &lc) != nil || lc.Version < 0 {
		return nil
	}
	return &lc
}

// segment is what replay reads for one version: a checkpoint (maybe none)
// and the commits after it, in order.
type segment struct {
	version           int64
	checkpointVersion int64 // -1 if none
	checkpointParts   []string
	commits           []string
	// sizeHint is the action count _last_checkpoint gives for the chosen
	// checkpoint (0 if unknown), to presize replay's maps and check the
	// checkpoint read; sizeInBytes its file size (single-file only, 0 if
	// unknown).
	sizeHint    int64
	sizeInBytes int64
}

// buildSegment picks the newest complete checkpoint at or below version and
// the contiguous commits after it. The _last_checkpoint hint is preferred
// when it names a complete checkpoint and nothing newer is listed; since the
// listing is complete anyway, a stale or corrupt hint costs nothing.
func buildSegment(ctx context.Context, store storage.Store, l *logListing, version int64) (*segment, error) {
	return buildSegmentBelow(ctx, store, l, version, math.MaxInt64)
}

// buildSegmentBelow is buildSegment using only checkpoints older than
// below: the fallback when the checkpoint at below cannot be read.
func buildSegmentBelow(ctx context.Context, store storage.Store, l *logListing, version, below int64) (*segment, error) {
	if l.maxVersion < 0 {
		return nil, ErrNotATable
	}
	if version < 0 {
		version = l.maxVersion
	}
	if version > l.maxVersion {
		return nil, fmt.Errorf("delta: version %d (latest is %d): %w", version, l.maxVersion, ErrVersionNotFound)
	}
	seg := &segment{version: version, checkpointVersion: -1}
	lc := readLastCheckpoint(ctx, store)
	if lc != nil && lc.Version >= below {
		lc = nil
	}
	if lc != nil && lc.Version <= version {
		if parts := l.completeCheckpoint(lc.Version); parts != nil {
			seg.checkpointVersion, seg.checkpointParts = lc.Version, parts
		}
	}
	for v := range l.checkpoints {
		if v <= version && v > seg.checkpointVersion && v < below {
			if parts := l.completeCheckpoint(v); parts != nil {
				seg.checkpointVersion, seg.checkpointParts = v, parts
			}
		}
	}
	if lc != nil && lc.Version == seg.checkpointVersion && lc.Size > 0 && lc.Size < 1<<30 {
		seg.sizeHint = lc.Size
	}
	if lc != nil && lc.Version == seg.checkpointVersion && len(seg.checkpointParts) == 1 && lc.SizeInBytes > 0 {
		seg.sizeInBytes = lc.SizeInBytes
	}
	for v := seg.checkpointVersion + 1; v <= version; v++ {
		p, ok := l.commits[v]
		if !ok {
			if seg.checkpointVersion < 0 && len(seg.commits) == 0 {
				return nil, fmt.Errorf("delta: version %d: commit %d missing and no checkpoint covers it: %w", version, v, ErrVersionNotFound)
			}
			return nil, fmt.Errorf("delta: version %d: commit %d missing after checkpoint %d: %w", version, v, seg.checkpointVersion, ErrCorruptLog)
		}
		seg.commits = append(seg.commits, p)
	}
	return seg, nil
}

// readCommit reads and parses one commit file. A commit is never empty
// (every writer puts at least commitInfo or the actions in it), so an
// empty or unparseable one is a torn or damaged write, reported naming
// the file; it is never read as a commit with no actions.
func readCommit(ctx context.Context, store storage.Store, v int64) ([]Action, error) {
	p := commitPath(v)
	b, err := store.Get(ctx, p)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("delta: commit %d: %w: %w", v, ErrVersionNotFound, err)
		}
		return nil, fmt.Errorf("delta: commit %d: %w", v, err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("delta: [DELTA_STATE_RECOVER_ERROR] commit file %s of version %d is empty (%d bytes): %w", p, v, len(b), ErrCorruptLog)
	}
	actions, err := ParseActions(p, b)
	if err != nil {
		return nil, fmt.Errorf("delta: [DELTA_STATE_RECOVER_ERROR] commit file %s of version %d cannot be parsed: %w", p, v, err)
	}
	return actions, nil
}
