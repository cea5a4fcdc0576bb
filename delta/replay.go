package delta

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/ingotdata/ingot/types"
)

// replayState accumulates the reconciled table state. Actions are applied
// oldest first: the checkpoint (already reconciled), then each commit in
// order. Only live files are kept, so memory is proportional to the table's
// current size, not its history.
type replayState struct {
	protocol *Protocol
	metadata *Metadata
	files    map[fileKey]*AddFile
	removes  map[fileKey]*RemoveFile // tombstones, kept for checkpoints
	txns     map[string]Txn
	domains  map[string]DomainMetadata
}

func newReplayState() *replayState {
	return &replayState{files: map[fileKey]*AddFile{}, removes: map[fileKey]*RemoveFile{}, txns: map[string]Txn{}, domains: map[string]DomainMetadata{}}
}

func (s *replayState) apply(a Action) error {
	switch {
	case a.Protocol != nil:
		s.protocol = a.Protocol
	case a.MetaData != nil:
		s.metadata = a.MetaData
	case a.Add != nil:
		s.files[a.Add.key()] = a.Add
		delete(s.removes, a.Add.key())
	case a.Remove != nil:
		delete(s.files, a.Remove.key())
		s.removes[a.Remove.key()] = a.Remove
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

func (t *Table) snapshot(ctx context.Context, version int64) (*Snapshot, error) {
	l, err := listLog(ctx, t.store)
	if err != nil {
		return nil, err
	}
	seg, err := buildSegment(ctx, t.store, l, version)
	if err != nil {
		if errors.Is(err, ErrNotATable) {
			return nil, fmt.Errorf("delta: %s: %w", t.store.URL(), ErrNotATable)
		}
		return nil, err
	}
	st := newReplayState()
	if seg.checkpointVersion >= 0 {
		if err := t.readCheckpoint(ctx, seg.checkpointParts, st.apply); err != nil {
			return nil, err
		}
	}
	for i, p := range seg.commits {
		v := seg.checkpointVersion + 1 + int64(i)
		actions, err := readCommit(ctx, t.store, v)
		if err != nil {
			return nil, fmt.Errorf("delta: replay %s: %w", p, err)
		}
		for _, a := range actions {
			if err := st.apply(a); err != nil {
				return nil, err
			}
		}
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
	files := make([]AddFile, 0, len(st.files))
	for _, f := range st.files {
		files = append(files, *f)
	}
	// Map order is random; a stable order makes scans reproducible.
	sort.Slice(files, func(i, j int) bool {
		if files[i].Path != files[j].Path {
			return files[i].Path < files[j].Path
		}
		return files[i].DeletionVector.UniqueID() < files[j].DeletionVector.UniqueID()
	})
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
	}, nil
}
