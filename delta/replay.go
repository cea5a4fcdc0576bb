package delta

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"strings"

	"github.com/ingotdata/ingot/types"
)

// replayState accumulates the reconciled table state. Actions are applied
// oldest first: the checkpoint (already reconciled), then each commit in
// order. Only live files are kept, so memory is proportional to the table's
// current size, not its history.
type replayState struct {
	protocol *Protocol
	metadata *Metadata
	files    map[fileKey]int         // index into order
	order    []*AddFile              // live files in the order first added; nil when removed
	removes  map[fileKey]*RemoveFile // tombstones, kept for checkpoints
	txns     map[string]Txn
	domains  map[string]DomainMetadata
}

// newReplayState sizes the file map for hint actions: growing a map of a
// million files rehashes it some twenty times.
func newReplayState(hint int64) *replayState {
	return &replayState{files: make(map[fileKey]int, hint), order: make([]*AddFile, 0, hint), removes: map[fileKey]*RemoveFile{}, txns: map[string]Txn{}, domains: map[string]DomainMetadata{}}
}

func (s *replayState) apply(a Action) error {
	switch {
	case a.Protocol != nil:
		s.protocol = a.Protocol
	case a.MetaData != nil:
		s.metadata = a.MetaData
	case a.Add != nil:
		k := a.Add.key()
		if i, ok := s.files[k]; ok {
			s.order[i] = a.Add
		} else {
			s.files[k] = len(s.order)
			s.order = append(s.order, a.Add)
		}
		delete(s.removes, k)
	case a.Remove != nil:
		k := a.Remove.key()
		if i, ok := s.files[k]; ok {
			s.order[i] = nil
			delete(s.files, k)
		}
		s.removes[k] = a.Remove
	case a.Txn != nil:
		s.txns[a.Txn.AppID] = *a.Txn
	case a.DomainMetadata != nil:
		if a.DomainMetadata.Removed {
			delete(s.domains, a.DomainMetadata.Domain)
		} else {
			s.domains[a.DomainMetadata.Domain] = *a.DomainMetadata
		}
	}
	return nil
}

// segmentFor finds the checkpoint and commits to replay for version (-1:
// latest). On stores that can list from a key, it first lists only from
// the _last_checkpoint hint on; if that does not give a segment starting
// at the hinted checkpoint (a stale or wrong hint, time travel to before
// it), it lists the whole log.
func (t *Table) segmentFor(ctx context.Context, version int64) (*segment, error) {
	if _, ok := t.store.(listerAfter); ok {
		if lc := readLastCheckpoint(ctx, t.store); lc != nil && lc.Version > 0 && (version < 0 || version >= lc.Version) {
			if l, err := listLogFrom(ctx, t.store, lc.Version); err == nil {
				if seg, err := buildSegment(ctx, t.store, l, version); err == nil && seg.checkpointVersion >= lc.Version {
					return seg, nil
				}
			}
		}
	}
	l, err := listLog(ctx, t.store)
	if err != nil {
		return nil, err
	}
	return buildSegment(ctx, t.store, l, version)
}

func (t *Table) snapshot(ctx context.Context, version int64) (*Snapshot, error) {
	seg, err := t.segmentFor(ctx, version)
	if err != nil {
		if errors.Is(err, ErrNotATable) {
			return nil, fmt.Errorf("delta: %s: %w", t.store.URL(), ErrNotATable)
		}
		return nil, err
	}
	st, warnings, err := t.replaySegment(ctx, seg)
	if err != nil {
		return nil, err
	}
	if st.protocol == nil || st.metadata == nil {
		return nil, fmt.Errorf("delta: version %d: no protocol or metaData action in the log: %w", seg.version, ErrCorruptLog)
	}
	if err := checkReadSupport(st.protocol, st.metadata); err != nil {
		return nil, fmt.Errorf("delta: version %d: %w", seg.version, err)
	}
	schema, err := types.ParseSchema([]byte(st.metadata.SchemaString))
	if err != nil {
		return nil, fmt.Errorf("delta: version %d: schemaString: %w: %w", seg.version, ErrCorruptLog, err)
	}
	if err := checkTypeChanges(schema, ""); err != nil {
		return nil, fmt.Errorf("delta: version %d: %w", seg.version, err)
	}
	files := make([]AddFile, 0, len(st.files))
	for _, f := range st.order {
		if f != nil {
			files = append(files, *f)
		}
	}
	sortFiles(files)
	return &Snapshot{
		table:    t,
		version:  seg.version,
		protocol: *st.protocol,
		metadata: *st.metadata,
		schema:   schema,
		files:    files,
		txns:     st.txns,
		removes:  st.removes,
		domains:  st.domains,
		warnings: warnings,
	}, nil
}

// replaySegment replays seg. A checkpoint that cannot be read (truncated,
// damaged, or not matching what _last_checkpoint says of it) is not the
// end of the table: the commits it summarizes usually still exist, so
// replay falls back to the next older checkpoint, down to a full replay
// from commit 0, and records a warning. Only when no older state plus
// contiguous commits reaches the version does it fail, with the
// checkpoint's error.
func (t *Table) replaySegment(ctx context.Context, seg *segment) (*replayState, []string, error) {
	var warnings []string
	var l *logListing
	for {
		st, cerr, err := t.replayOnce(ctx, seg)
		if cerr == nil {
			return st, warnings, err
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if l == nil {
			var lerr error
			if l, lerr = listLog(ctx, t.store); lerr != nil {
				return nil, nil, errors.Join(cerr, lerr)
			}
		}
		older, serr := buildSegmentBelow(ctx, t.store, l, seg.version, seg.checkpointVersion)
		if serr != nil {
			return nil, nil, fmt.Errorf("delta: [DELTA_STATE_RECOVER_ERROR] version %d cannot be reconstructed: checkpoint %d is unreadable and no older checkpoint or complete run of commits replaces it: %w (fallback: %v)", seg.version, seg.checkpointVersion, cerr, serr)
		}
		w := fmt.Sprintf("checkpoint %d unreadable, replaying from ", seg.checkpointVersion)
		if older.checkpointVersion >= 0 {
			w += fmt.Sprintf("checkpoint %d", older.checkpointVersion)
		} else {
			w += "commit 0"
		}
		w += fmt.Sprintf(": %v", cerr)
		slog.Warn("delta: "+w, "table", t.store.URL())
		warnings = append(warnings, w)
		seg = older
	}
}

// replayOnce replays seg, returning the checkpoint's error apart (cerr)
// so the caller can fall back.
func (t *Table) replayOnce(ctx context.Context, seg *segment) (st *replayState, cerr, err error) {
	st = newReplayState(seg.sizeHint)
	if seg.checkpointVersion >= 0 {
		n, err := t.readCheckpoint(ctx, seg.checkpointParts, seg.sizeInBytes, st.apply)
		if err == nil && (st.protocol == nil || st.metadata == nil) {
			err = fmt.Errorf("delta: checkpoint %d: %w: no protocol or metaData action in it", seg.checkpointVersion, ErrCorruptLog)
		}
		if err == nil && seg.sizeHint > 0 && isClassicCheckpoint(seg.checkpointParts) && n != seg.sizeHint {
			err = fmt.Errorf("delta: checkpoint %d: %w: %d actions read, _last_checkpoint says %d", seg.checkpointVersion, ErrCorruptLog, n, seg.sizeHint)
		}
		if err != nil {
			return nil, err, nil
		}
	}
	for i, p := range seg.commits {
		v := seg.checkpointVersion + 1 + int64(i)
		actions, err := readCommit(ctx, t.store, v)
		if err != nil {
			return nil, nil, fmt.Errorf("delta: replay %s: %w", p, err)
		}
		for _, a := range actions {
			if err := st.apply(a); err != nil {
				return nil, nil, err
			}
		}
	}
	return st, nil, nil
}

// isClassicCheckpoint reports whether parts are a classic checkpoint
// (single-file or multi-part, no UUID), whose action count is what
// _last_checkpoint's size gives.
func isClassicCheckpoint(parts []string) bool {
	for _, p := range parts {
		name := path.Base(p)
		if len(name) < 21 {
			return false
		}
		rest := name[21:]
		if rest != "checkpoint.parquet" && !(strings.Count(rest, ".") == 3 && strings.HasSuffix(rest, ".parquet")) {
			return false
		}
	}
	return len(parts) > 0
}

func compareFiles(a, b AddFile) int {
	if c := strings.Compare(a.Path, b.Path); c != 0 {
		return c
	}
	return strings.Compare(a.DeletionVector.UniqueID(), b.DeletionVector.UniqueID())
}

// sortFiles orders files by path (then deletion vector), so scans are
// reproducible. Files arrive in log order: a checkpoint this library wrote
// is already sorted, and only the files of later commits are not, so the
// sorted prefix is kept, the tail sorted and the two merged; sorting a
// million paths with long common prefixes from scratch costs a second.
func sortFiles(files []AddFile) {
	n := 1
	for n < len(files) && compareFiles(files[n-1], files[n]) <= 0 {
		n++
	}
	if n >= len(files) {
		return
	}
	if n < len(files)/2 {
		slices.SortFunc(files, compareFiles)
		return
	}
	tail := slices.Clone(files[n:])
	slices.SortFunc(tail, compareFiles)
	// Merge from the back so the prefix can stay in place.
	i, j, k := n-1, len(tail)-1, len(files)-1
	for j >= 0 {
		if i >= 0 && compareFiles(files[i], tail[j]) > 0 {
			files[k] = files[i]
			i--
		} else {
			files[k] = tail[j]
			j--
		}
		k--
	}
}
