package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/storage"
)

// DefaultMinBatchesToRetain is how many state versions are kept, as Spark's
// spark.sql.streaming.minBatchesToRetain.
const DefaultMinBatchesToRetain = 100

// ErrStateNotFound: no snapshot for the requested state version.
var ErrStateNotFound = errors.New("stream: state version not found")

const snapshotSuffix = ".snapshot"

// StateStore keeps the state of one partition of one stateful operator,
// versioned by batch as Spark's: running batch N reads version N (the state
// after batch N-1; version 0 is the empty initial state) and commits
// version N+1. Each version is a full snapshot,
// state/<operatorId>/<partitionId>/<version>.snapshot, an Arrow IPC file of
// the whole state batch (group keys + partial aggregate columns), written
// with an atomic put so a re-run batch overwrites its own version
// idempotently and a crash never leaves a torn file. Full snapshots keep
// restore trivial at the cost of rewriting the state every batch; a delta
// format can come later without changing this API.
type StateStore struct {
	store  storage.Store
	dir    string
	mem    memory.Allocator
	retain int64
}

// StateOption configures a StateStore.
type StateOption func(*StateStore)

// WithAllocator sets the allocator of loaded state batches.
func WithAllocator(mem memory.Allocator) StateOption { return func(s *StateStore) { s.mem = mem } }

// WithMinBatchesToRetain sets how many committed versions Commit keeps.
func WithMinBatchesToRetain(n int) StateOption {
	return func(s *StateStore) {
		if n > 0 {
			s.retain = int64(n)
		}
	}
}

// NewStateStore returns the state store of (operatorID, partitionID) in
// the checkpoint cp.
func NewStateStore(cp storage.Store, operatorID, partitionID int, opts ...StateOption) *StateStore {
	s := &StateStore{
		store:  cp,
		dir:    fmt.Sprintf("state/%d/%d/", operatorID, partitionID),
		mem:    memory.DefaultAllocator,
		retain: DefaultMinBatchesToRetain,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *StateStore) key(v int64) string { return s.dir + strconv.FormatInt(v, 10) + snapshotSuffix }

func (s *StateStore) where(v int64) string { return s.store.URL() + "/" + s.key(v) }

// Commit stores state as version (>= 1), replacing a version written by an
// earlier attempt of the same batch, then purges versions older than the
// last MinBatchesToRetain. state is not released.
func (s *StateStore) Commit(ctx context.Context, version int64, state arrow.RecordBatch) error {
	if version < 1 {
		return fmt.Errorf("stream: commit state %s: version must be >= 1", s.where(version))
	}
	var buf bytes.Buffer
	w, err := ipc.NewFileWriter(&buf, ipc.WithSchema(state.Schema()), ipc.WithAllocator(s.mem))
	if err != nil {
		return fmt.Errorf("stream: commit state %s: %w", s.where(version), err)
	}
	if err := w.Write(state); err != nil {
		w.Close()
		return fmt.Errorf("stream: commit state %s: %w", s.where(version), err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("stream: commit state %s: %w", s.where(version), err)
	}
	if err := s.store.Put(ctx, s.key(version), buf.Bytes()); err != nil {
		return fmt.Errorf("stream: commit state %s: %w", s.where(version), err)
	}
	return s.Purge(ctx, version-s.retain+1)
}

// Load returns the state as of version: (nil, nil) for version 0, the empty
// initial state whose schema the operator knows; ErrStateNotFound if the
// version was never committed or has been purged. The caller releases the
// batch.
func (s *StateStore) Load(ctx context.Context, version int64) (arrow.RecordBatch, error) {
	if version == 0 {
		return nil, nil
	}
	b, err := s.store.Get(ctx, s.key(version))
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("stream: load state %s: %w", s.where(version), ErrStateNotFound)
		}
		return nil, fmt.Errorf("stream: load state %s: %w", s.where(version), err)
	}
	r, err := ipc.NewFileReader(bytes.NewReader(b), ipc.WithAllocator(s.mem))
	if err != nil {
		return nil, fmt.Errorf("stream: load state %s: %w", s.where(version), err)
	}
	defer r.Close()
	if r.NumRecords() == 0 {
		return array.NewRecordBatch(r.Schema(), emptyColumns(s.mem, r.Schema()), 0), nil
	}
	if r.NumRecords() > 1 {
		return nil, fmt.Errorf("stream: load state %s: %d record batches, want 1", s.where(version), r.NumRecords())
	}
	rec, err := r.RecordBatchAt(0)
	if err != nil {
		return nil, fmt.Errorf("stream: load state %s: %w", s.where(version), err)
	}
	return rec, nil
}

func emptyColumns(mem memory.Allocator, schema *arrow.Schema) []arrow.Array {
	cols := make([]arrow.Array, schema.NumFields())
	for i, f := range schema.Fields() {
		cols[i] = array.MakeArrayOfNull(mem, f.Type, 0)
	}
	return cols
}

// Versions lists the committed versions present, ascending.
func (s *StateStore) Versions(ctx context.Context) ([]int64, error) {
	files, err := s.store.List(ctx, s.dir)
	if err != nil {
		return nil, fmt.Errorf("stream: list state %s/%s: %w", s.store.URL(), s.dir, err)
	}
	var vs []int64
	for _, f := range files {
		name, ok := strings.CutSuffix(strings.TrimPrefix(f.Path, s.dir), snapshotSuffix)
		if !ok {
			continue
		}
		if v, err := strconv.ParseInt(name, 10, 64); err == nil && v >= 1 {
			vs = append(vs, v)
		}
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
	return vs, nil
}

// LatestVersion returns the highest committed version (0 if none).
// Recovery must not use it to pick the state: a version can be committed
// for a batch whose commits/ entry was never written; load version M+1 for
// the last committed batch M instead.
func (s *StateStore) LatestVersion(ctx context.Context) (int64, error) {
	vs, err := s.Versions(ctx)
	if err != nil || len(vs) == 0 {
		return 0, err
	}
	return vs[len(vs)-1], nil
}

// Purge deletes the versions below keepFrom.
func (s *StateStore) Purge(ctx context.Context, keepFrom int64) error {
	vs, err := s.Versions(ctx)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v >= keepFrom {
			break
		}
		if err := s.store.Delete(ctx, s.key(v)); err != nil {
			return fmt.Errorf("stream: purge state %s: %w", s.where(v), err)
		}
	}
	return nil
}
