package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/format/textread"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/internal/source"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// DefaultDeltaMaxFilesPerTrigger is the Delta source's default read limit,
// as Delta's maxFilesPerTrigger default.
const DefaultDeltaMaxFilesPerTrigger = 1000

// ErrDeltaSourceChange: the source table had a commit that changed or
// deleted existing data, which an append-only stream cannot represent.
var ErrDeltaSourceChange = errors.New("stream: data change in the Delta source table")

// DeltaSourceSpec is a Delta table read as a stream: first the snapshot
// current when the query starts, then the files added by each later
// commit.
type DeltaSourceSpec struct {
	Table   *delta.Table
	Label   string            // relation name, e.g. "spark_catalog.db.t"
	Options map[string]string // reader options, lower-cased keys

	schema            types.StructType
	maxFiles          int
	ignoreChanges     bool
	ignoreDeletes     bool
	skipChangeCommits bool
	startingVersion   string    // "", "latest" or a version number
	startingTimestamp time.Time // zero: none
}

var _ SourceSpec = (*DeltaSourceSpec)(nil)

// NewDeltaSourceSpec checks the table and the options (maxFilesPerTrigger,
// ignoreChanges, ignoreDeletes, skipChangeCommits, startingVersion,
// startingTimestamp) and fixes the stream's schema to the table's current
// one.
func NewDeltaSourceSpec(ctx context.Context, table *delta.Table, label string, opts map[string]string) (*DeltaSourceSpec, error) {
	s := &DeltaSourceSpec{Table: table, Label: label, Options: map[string]string{}, maxFiles: DefaultDeltaMaxFilesPerTrigger}
	for k, v := range opts {
		s.Options[strings.ToLower(k)] = v
	}
	snap, err := table.Snapshot(ctx)
	if err != nil {
		if errors.Is(err, delta.ErrNotATable) {
			return nil, fmt.Errorf("stream: [DELTA_MISSING_DELTA_TABLE] %s is not a Delta table: %w", sparkPath(table.Store().URL()), err)
		}
		return nil, fmt.Errorf("stream: delta source %s: %w", label, err)
	}
	s.schema = snap.Schema()
	if v, ok := s.Options["maxfilespertrigger"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("stream: [DELTA_INVALID_MAX_FILES_PER_TRIGGER] maxFilesPerTrigger=%q: must be a positive integer", v)
		}
		s.maxFiles = n
	}
	for key, dst := range map[string]*bool{"ignorechanges": &s.ignoreChanges, "ignoredeletes": &s.ignoreDeletes, "skipchangecommits": &s.skipChangeCommits} {
		if v, ok := s.Options[key]; ok {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return nil, fmt.Errorf("stream: delta source option %s=%q is not a boolean", key, v)
			}
			*dst = b
		}
	}
	if raw, ok := s.Options["startingversion"]; ok {
		v := strings.ToLower(strings.TrimSpace(raw))
		if n, err := strconv.ParseInt(v, 10, 64); v != "latest" && (err != nil || n < 0) {
			return nil, fmt.Errorf("stream: [DELTA_INVALID_STARTING_VERSION] startingVersion=%q: must be 'latest' or a non-negative version", raw)
		}
		s.startingVersion = v
	}
	if raw, ok := s.Options["startingtimestamp"]; ok {
		if s.startingVersion != "" {
			return nil, fmt.Errorf("stream: [DELTA_STARTING_VERSION_AND_TIMESTAMP_BOTH_SET] Please either provide 'startingVersion' or 'startingTimestamp'")
		}
		us, ok := textread.ParseTimestamp([]byte(strings.TrimSpace(raw)))
		if !ok {
			return nil, fmt.Errorf("stream: [DELTA_INVALID_TIMESTAMP_FORMAT] The provided timestamp %q (startingTimestamp) does not match the expected syntax yyyy-MM-dd[ HH:mm:ss[.SSSSSS]][zone]", raw)
		}
		s.startingTimestamp = time.UnixMicro(us).UTC()
	}
	return s, nil
}

// Description is Spark's DeltaSource[path].
func (s *DeltaSourceSpec) Description() string {
	return "DeltaSource[" + sparkPath(s.Table.Store().URL()) + "]"
}

// Name is the Label (the relation name columns are qualified by).
func (s *DeltaSourceSpec) Name() string { return s.Label }

// SourceSchema is the table's schema when the spec was made.
func (s *DeltaSourceSpec) SourceSchema() types.StructType { return s.schema }

// Open returns the source of one query. Besides its offsets, the Delta
// source keeps in the checkpoint the position its first batch starts from
// (sources/<sourceID>/0, see deltaStartLog). A nil checkpoint (a source
// used outside a query) keeps that position in memory only.
func (s *DeltaSourceSpec) Open(ctx context.Context, checkpoint storage.Store, sourceID int) (Source, error) {
	snap, err := s.Table.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("stream: %s: %w", s.Description(), err)
	}
	return &deltaSource{spec: s, reservoirID: snap.Metadata().ID, partitionCols: snap.PartitionColumns(), pinned: -1, startLog: newDeltaStartLog(checkpoint, sourceID)}, nil
}

// deltaSource reads a Delta table's files in a fixed order, each file at a
// position (version, index): the starting snapshot's files (sorted by
// modification time, then path) at (v0, i) with isStartingVersion, then
// the data-changing adds of each later commit at (version, action index).
// An offset is the position of the last file a batch read, or (v+1, -1)
// once every file of version v has been read, as Delta's DeltaSourceOffset.
type deltaSource struct {
	spec          *DeltaSourceSpec
	reservoirID   string
	partitionCols []string
	initial       *DeltaSourceOffset // the position before the first file, fixed on first use
	startLog      *deltaStartLog     // where initial is persisted; nil: not persisted
	snap          *delta.Snapshot    // the starting snapshot, cached
	pinned        int64              // AvailableNow: last version to read; -1: none
}

// deltaFile is one file at its stream position.
type deltaFile struct {
	version, index int64
	starting       bool
	last           bool // no later file in the same version
	add            delta.AddFile
}

func (s *deltaSource) Description() string      { return s.spec.Description() }
func (s *deltaSource) Schema() types.StructType { return s.spec.schema }

func (s *deltaSource) prepareForAvailableNow(ctx context.Context) error {
	v, err := s.spec.Table.LatestVersion(ctx)
	if err != nil {
		return fmt.Errorf("stream: %s: %w", s.Description(), err)
	}
	s.pinned = v
	return nil
}

func (s *deltaSource) latestVersion(ctx context.Context) (int64, error) {
	v, err := s.spec.Table.LatestVersion(ctx)
	if err != nil {
		return -1, fmt.Errorf("stream: %s: %w", s.Description(), err)
	}
	if s.pinned >= 0 && v > s.pinned {
		v = s.pinned
	}
	return v, nil
}

// startPosition is the position of start, or the source's initial one.
func (s *deltaSource) startPosition(ctx context.Context, start json.RawMessage) (DeltaSourceOffset, error) {
	if start != nil {
		return ParseDeltaSourceOffset(start, s.reservoirID)
	}
	if s.initial != nil {
		return *s.initial, nil
	}
	o, found, err := s.recordedStart(ctx)
	if err != nil {
		return DeltaSourceOffset{}, err
	}
	if !found {
		// First plan of batch 0 on this checkpoint: fix the start now and
		// record it before offsets/0 can name an end after it.
		if o, err = s.resolveStart(ctx); err != nil {
			return DeltaSourceOffset{}, err
		}
		if s.startLog != nil {
			if o, err = s.startLog.putOrGet(ctx, o); err != nil {
				return DeltaSourceOffset{}, fmt.Errorf("stream: %s: record starting position: %w", s.Description(), err)
			}
		}
	}
	s.initial = &o
	return o, nil
}

// recordedStart reads the start recorded in the checkpoint, if any.
func (s *deltaSource) recordedStart(ctx context.Context) (DeltaSourceOffset, bool, error) {
	if s.startLog == nil {
		return DeltaSourceOffset{}, false, nil
	}
	o, found, err := s.startLog.get(ctx, s.reservoirID)
	if err != nil {
		return DeltaSourceOffset{}, false, fmt.Errorf("stream: %s: starting position: %w", s.Description(), err)
	}
	return o, found, nil
}

// resolveStart is the position before the first file the options select,
// given the table as it is now: the current snapshot (default), after the
// latest commit ("latest"), before a given commit, or before the first
// commit at or after startingTimestamp.
func (s *deltaSource) resolveStart(ctx context.Context) (DeltaSourceOffset, error) {
	latest, err := s.latestVersion(ctx)
	if err != nil {
		return DeltaSourceOffset{}, err
	}
	o := DeltaSourceOffset{SourceVersion: DeltaSourceOffsetVersion, ReservoirID: s.reservoirID, ReservoirVersion: latest, Index: -1, IsStartingVersion: true}
	switch sv := s.spec.startingVersion; sv {
	case "":
		if !s.spec.startingTimestamp.IsZero() {
			v, err := s.versionAtOrAfter(ctx, s.spec.startingTimestamp)
			if err != nil {
				return DeltaSourceOffset{}, err
			}
			o.ReservoirVersion, o.IsStartingVersion = v, false
		}
	case "latest":
		o.ReservoirVersion, o.IsStartingVersion = latest+1, false
	default:
		v, _ := strconv.ParseInt(sv, 10, 64)
		if v > latest {
			return DeltaSourceOffset{}, fmt.Errorf("stream: [DELTA_VERSION_NOT_FOUND] %s: startingVersion %d is after the latest version %d", s.Description(), v, latest)
		}
		o.ReservoirVersion, o.IsStartingVersion = v, false
	}
	return o, nil
}

// versionAtOrAfter is the first commit made at or after ts, as Delta's
// streaming startingTimestamp: a time before the oldest commit still in the
// log starts with that commit; a time after the latest commit fails. Unlike
// TIMESTAMP AS OF (the last commit at or before a time) it names the first
// commit whose changes the stream reads.
func (s *deltaSource) versionAtOrAfter(ctx context.Context, ts time.Time) (int64, error) {
	hist, err := s.spec.Table.History(ctx, 0) // newest first, timestamps never decreasing with the version
	if err != nil {
		return -1, fmt.Errorf("stream: %s: startingTimestamp: %w", s.Description(), err)
	}
	if len(hist) == 0 || ts.After(hist[0].Timestamp) {
		last := "none"
		if len(hist) > 0 {
			last = hist[0].Timestamp.UTC().Format("2006-01-02 15:04:05.000")
		}
		return -1, fmt.Errorf("stream: [DELTA_TIMESTAMP_GREATER_THAN_COMMIT] The provided timestamp (%s) is after the latest version available to this table (%s). Please use a timestamp before or at %s.",
			ts.UTC().Format("2006-01-02 15:04:05.000"), s.spec.Label, last)
	}
	v := hist[0].Version
	for _, c := range hist[1:] {
		if c.Timestamp.Before(ts) {
			break
		}
		v = c.Version
	}
	return v, nil
}

func (s *deltaSource) snapshotAt(ctx context.Context, v int64) (*delta.Snapshot, error) {
	if s.snap != nil && s.snap.Version() == v {
		return s.snap, nil
	}
	snap, err := s.spec.Table.SnapshotAt(ctx, v)
	if err != nil {
		return nil, fmt.Errorf("stream: %s: starting snapshot: %w", s.Description(), err)
	}
	s.snap = snap
	return snap, nil
}

// files returns the files after position from, in stream order, stopping
// once limit files are collected (limit <= 0: no limit) or past stop (a
// position, nil: no stop). Commits are read whole so that each file's last
// flag is right.
func (s *deltaSource) files(ctx context.Context, from DeltaSourceOffset, limit int, stop *DeltaSourceOffset) ([]deltaFile, error) {
	var out []deltaFile
	full := func() bool { return limit > 0 && len(out) >= limit }
	past := func(f deltaFile) bool {
		return stop != nil && (f.version > stop.ReservoirVersion || f.version == stop.ReservoirVersion && f.index > stop.Index)
	}
	latest, err := s.latestVersion(ctx)
	if err != nil {
		return nil, err
	}
	v := from.ReservoirVersion
	if from.IsStartingVersion {
		snap, err := s.snapshotAt(ctx, v)
		if err != nil {
			return nil, err
		}
		fs := append([]delta.AddFile(nil), snap.Files()...)
		sort.SliceStable(fs, func(i, j int) bool {
			if fs[i].ModificationTime != fs[j].ModificationTime {
				return fs[i].ModificationTime < fs[j].ModificationTime
			}
			return fs[i].Path < fs[j].Path
		})
		for i := from.Index + 1; i < int64(len(fs)); i++ {
			f := deltaFile{version: v, index: i, starting: true, last: i == int64(len(fs))-1, add: fs[i]}
			if full() || past(f) {
				return out, nil
			}
			out = append(out, f)
		}
		v++
		from = DeltaSourceOffset{ReservoirVersion: v, Index: -1}
	}
	for ; v <= latest; v++ {
		if full() {
			return out, nil
		}
		adds, err := s.commitFiles(ctx, v)
		if err != nil {
			return nil, err
		}
		for _, f := range adds {
			if v == from.ReservoirVersion && f.index <= from.Index {
				continue
			}
			if full() || past(f) {
				return out, nil
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// commitFiles returns the data-changing adds of commit v, failing (unless
// told to ignore or skip changes) on a commit that removes data, as Delta's
// source does: an append-only stream cannot retract rows it emitted.
func (s *deltaSource) commitFiles(ctx context.Context, v int64) ([]deltaFile, error) {
	actions, err := s.spec.Table.CommitActions(ctx, v)
	if err != nil {
		return nil, fmt.Errorf("stream: %s: %w", s.Description(), err)
	}
	var adds []deltaFile
	var removed string
	for i, a := range actions {
		switch {
		case a.MetaData != nil:
			if id := a.MetaData.ID; id != "" && id != s.reservoirID {
				return nil, fmt.Errorf("stream: [DIFFERENT_DELTA_TABLE_READ_BY_STREAMING_SOURCE] %s: version %d belongs to table id %s, the stream reads %s: %w", s.Description(), v, id, s.reservoirID, ErrDifferentTable)
			}
			// Reading later files with the old schema would drop (or
			// mistype) their new columns silently; Delta stops the stream.
			if st, err := types.ParseSchema([]byte(a.MetaData.SchemaString)); err == nil && !types.Equal(st, s.spec.schema) {
				return nil, fmt.Errorf("stream: [DELTA_SCHEMA_CHANGED] Detected schema change in version %d of %s:\nstreaming source schema: %s\n\ndata file schema: %s\n\nPlease try restarting the query. If this issue repeats across query restarts without making progress, you have made an incompatible schema change and need to start your query from scratch using a new checkpoint directory: %w",
					v, s.Description(), s.spec.schema.SQL(), st.SQL(), ErrDeltaSourceChange)
			}
		case a.Add != nil && a.Add.DataChange:
			adds = append(adds, deltaFile{version: v, index: int64(i), add: *a.Add})
		case a.Remove != nil && a.Remove.DataChange && removed == "":
			removed = a.Remove.Path
		}
	}
	if removed != "" {
		switch {
		case s.spec.skipChangeCommits:
			return nil, nil
		case len(adds) > 0 && !s.spec.ignoreChanges:
			return nil, fmt.Errorf("stream: [DELTA_SOURCE_TABLE_IGNORE_CHANGES] Detected a data update (for example %s) in the source table at version %d. This is currently not supported. If this is going to happen regularly and you are okay to skip changes, set the option 'skipChangeCommits' to 'true'. If you would like the data update to be reflected, please restart this query with a fresh checkpoint directory. The source table can be found at path %s.: %w",
				removed, v, sparkPath(s.spec.Table.Store().URL()), ErrDeltaSourceChange)
		case len(adds) == 0 && !s.spec.ignoreDeletes && !s.spec.ignoreChanges:
			return nil, fmt.Errorf("stream: [DELTA_SOURCE_IGNORE_DELETE] Detected deleted data (for example %s) from streaming source at version %d. This is currently not supported. If you'd like to ignore deletes, set the option 'ignoreDeletes' to 'true'. The source table can be found at path %s.: %w",
				removed, v, sparkPath(s.spec.Table.Store().URL()), ErrDeltaSourceChange)
		}
	}
	if len(adds) > 0 {
		adds[len(adds)-1].last = true
	}
	return adds, nil
}

// batchStart is the position a batch ending at end starts from. The first
// batch (start nil) must not depend on when it runs: its start is the one
// recorded in the checkpoint when the batch was first planned (or fixed
// earlier in this run). A checkpoint written before the start was recorded
// has none; then, as Delta does, the default's start is derived from end:
// the snapshot of end's version while end is inside the starting snapshot,
// else the snapshot of the version before end's, which for an append-only
// history holds exactly the files the first run read up to there. An
// explicit startingVersion or startingTimestamp is resolved again (the
// same for a number or a past time; for "latest" the best this checkpoint
// allows).
func (s *deltaSource) batchStart(ctx context.Context, start json.RawMessage, end DeltaSourceOffset) (DeltaSourceOffset, error) {
	if start != nil {
		return ParseDeltaSourceOffset(start, s.reservoirID)
	}
	if s.initial != nil {
		return *s.initial, nil
	}
	o, found, err := s.recordedStart(ctx)
	if err != nil {
		return DeltaSourceOffset{}, err
	}
	if found {
		s.initial = &o
		return o, nil
	}
	if s.spec.startingVersion != "" || !s.spec.startingTimestamp.IsZero() {
		return s.resolveStart(ctx)
	}
	o = DeltaSourceOffset{SourceVersion: DeltaSourceOffsetVersion, ReservoirID: s.reservoirID, ReservoirVersion: end.ReservoirVersion, Index: -1, IsStartingVersion: true}
	if !end.IsStartingVersion {
		o.ReservoirVersion--
	}
	return o, nil
}

// endOffset is the offset after reading through f.
func (s *deltaSource) endOffset(f deltaFile) DeltaSourceOffset {
	o := DeltaSourceOffset{SourceVersion: DeltaSourceOffsetVersion, ReservoirID: s.reservoirID}
	if f.last {
		o.ReservoirVersion, o.Index = f.version+1, -1
		return o
	}
	o.ReservoirVersion, o.Index, o.IsStartingVersion = f.version, f.index, f.starting
	return o
}

func (s *deltaSource) LatestOffset(ctx context.Context, start json.RawMessage) (json.RawMessage, error) {
	from, err := s.startPosition(ctx, start)
	if err != nil {
		return nil, err
	}
	fs, err := s.files(ctx, from, s.spec.maxFiles, nil)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return start, nil
	}
	return s.endOffset(fs[len(fs)-1]).JSON(), nil
}

func (s *deltaSource) GetBatch(ctx context.Context, start, end json.RawMessage) (plan.Source, error) {
	var fs []deltaFile
	if end != nil && string(end) != string(start) {
		to, err := ParseDeltaSourceOffset(end, s.reservoirID)
		if err != nil {
			return nil, err
		}
		from, err := s.batchStart(ctx, start, to)
		if err != nil {
			return nil, err
		}
		// The end is inclusive; (v+1, -1) includes all of version v.
		stop := to
		if stop.Index < 0 {
			stop = DeltaSourceOffset{ReservoirVersion: to.ReservoirVersion - 1, Index: 1 << 62}
		}
		if fs, err = s.files(ctx, from, 0, &stop); err != nil {
			return nil, err
		}
	}
	if len(fs) > 0 && fs[0].starting && fs[0].index == 0 && fs[len(fs)-1].starting && fs[len(fs)-1].last {
		return &source.DeltaSnapshot{Snapshot: s.snap, Label: s.spec.Label}, nil
	}
	files := make([]delta.AddFile, len(fs))
	for i, f := range fs {
		files[i] = f.add
	}
	return &source.DeltaFiles{Table: s.spec.Table, TableSchema: s.spec.schema, PartitionCols: s.partitionCols, Files: files, Label: s.spec.Label}, nil
}
