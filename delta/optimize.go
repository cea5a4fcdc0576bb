package delta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/uuid"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/types"
)

// DefaultOptimizeFileSize is the default target and minimum file size of
// OPTIMIZE: 1 GiB, Delta's spark.databricks.delta.optimize.maxFileSize and
// minFileSize defaults, so a table compacted by ingot and by Spark ends up
// with the same layout.
const DefaultOptimizeFileSize = 1 << 30

// optimizeCommitAttempts bounds how often OPTIMIZE re-validates its plan
// against newer versions before giving up.
const optimizeCommitAttempts = 10

// OptimizeOptions configures Table.Optimize.
type OptimizeOptions struct {
	// TargetFileSize is the size in bytes compacted files aim for (default
	// DefaultOptimizeFileSize). Bins of small files are filled up to it; a
	// Z-ordered partition is cut into files of about this size.
	TargetFileSize int64
	// MinFileSize: files at least this big are left alone by bin-packing
	// (default TargetFileSize). Files with a deletion vector are always
	// rewritten, which purges their deleted rows.
	MinFileSize int64
	// PartitionFilter restricts OPTIMIZE to the partitions whose values
	// equal these (serialized as in the log; nil is NULL).
	PartitionFilter map[string]*string
	// Where restricts OPTIMIZE to partitions matching a predicate on
	// partition columns only (OPTIMIZE ... WHERE); Predicate names the
	// predicate in commitInfo.
	Where     *Predicate
	Predicate string
	// ZOrderBy sorts each partition's rows by a Z-order curve over these
	// data columns before rewriting all its files.
	ZOrderBy []string
	// Allocator for the rows being rewritten (default memory.DefaultAllocator).
	Allocator memory.Allocator
}

// FileSizeStats summarizes a set of files, as Delta's OPTIMIZE metrics do.
type FileSizeStats struct {
	Min        int64   `json:"min"`
	Max        int64   `json:"max"`
	Avg        float64 `json:"avg"`
	TotalFiles int64   `json:"totalFiles"`
	TotalSize  int64   `json:"totalSize"`
}

// OptimizeMetrics is what OPTIMIZE did, named as in Delta's result struct.
type OptimizeMetrics struct {
	// Version is the version committed, or -1 when there was nothing to do.
	Version                   int64         `json:"-"`
	NumFilesAdded             int64         `json:"numFilesAdded"`
	NumFilesRemoved           int64         `json:"numFilesRemoved"`
	FilesAdded                FileSizeStats `json:"filesAdded"`
	FilesRemoved              FileSizeStats `json:"filesRemoved"`
	PartitionsOptimized       int64         `json:"partitionsOptimized"`
	ZOrderBy                  []string      `json:"zOrderBy,omitempty"`
	NumBatches                int64         `json:"numBatches"`
	TotalConsideredFiles      int64         `json:"totalConsideredFiles"`
	TotalFilesSkipped         int64         `json:"totalFilesSkipped"`
	NumDeletionVectorsRemoved int64         `json:"numDeletionVectorsRemoved"`
}

// String renders the metrics as the JSON object Delta's OPTIMIZE result
// column shows.
func (m OptimizeMetrics) String() string {
	b, _ := json.Marshal(m)
	return string(b)
}

// ErrNonPartitionPredicate: an OPTIMIZE filter names a data column.
var ErrNonPartitionPredicate = errors.New("delta: optimize: predicate on a non-partition column")

// optimizeBin is one rewrite job: files of one partition that become new
// files together.
type optimizeBin struct {
	partition map[string]*string
	files     []AddFile
	bytes     int64
}

// Optimize compacts the table's small files: per partition, files smaller
// than MinFileSize are packed into bins of up to TargetFileSize and each bin
// of two or more files is rewritten as one file. With ZOrderBy, every file
// of each selected partition is rewritten, its rows sorted along a Z-order
// curve over the columns so that files cover narrow ranges of all of them.
//
// The commit removes the old files and adds the new ones with
// dataChange=false: readers of the change feed and streaming sources see
// no new data. Bin-packing is idempotent: when no partition has two small
// files nothing is committed and Version is -1.
func (t *Table) Optimize(ctx context.Context, opts OptimizeOptions) (OptimizeMetrics, error) {
	m := OptimizeMetrics{Version: -1, ZOrderBy: opts.ZOrderBy}
	if opts.TargetFileSize <= 0 {
		opts.TargetFileSize = DefaultOptimizeFileSize
	}
	if opts.MinFileSize <= 0 {
		opts.MinFileSize = opts.TargetFileSize
	}
	if opts.Allocator == nil {
		opts.Allocator = memory.DefaultAllocator
	}
	snap, err := t.Snapshot(ctx)
	if err != nil {
		return m, fmt.Errorf("delta: optimize: %w", err)
	}
	if err := checkWriteSupport(snap, WriteOptions{}); err != nil {
		return m, err
	}
	// Bin planning and the partition filter key files by logical partition
	// column names; a column-mapped table keys them by physical name, so
	// bins could mix partitions. Refuse until planning maps the names.
	if mode := mappingMode(&snap.protocol, &snap.metadata); mode != "" && mode != "none" {
		return m, fmt.Errorf("delta: optimize: column mapping mode %q: %w", mode, ErrUnsupportedFeature)
	}
	zcols, err := zOrderColumns(snap, opts.ZOrderBy)
	if err != nil {
		return m, err
	}
	files, err := optimizeCandidates(snap, opts)
	if err != nil {
		return m, err
	}
	bins := planBins(snap.metadata.PartitionColumns, files, opts, len(zcols) > 0)
	m.TotalConsideredFiles = int64(len(files))
	inBins := 0
	for _, b := range bins {
		inBins += len(b.files)
	}
	m.TotalFilesSkipped = int64(len(files) - inBins)
	if len(bins) == 0 {
		return m, nil
	}

	plan, err := planWrite(snap, snap.schema.ArrowSchema(), WriteOptions{Mode: ModeAppend})
	if err != nil {
		return m, fmt.Errorf("delta: optimize: %w", err)
	}
	var adds []AddFile
	var removed []AddFile
	parts := map[string]bool{}
	for _, b := range bins {
		out, err := t.rewriteBin(ctx, snap, plan, b, zcols, opts)
		if err != nil {
			t.deleteFiles(ctx, adds)
			return m, err
		}
		adds = append(adds, out...)
		removed = append(removed, b.files...)
		parts[partitionDir(snap.metadata.PartitionColumns, b.partition)] = true
	}
	m.NumBatches = int64(len(bins))
	m.PartitionsOptimized = int64(len(parts))
	m.NumFilesAdded, m.FilesAdded = int64(len(adds)), sizeStats(adds)
	m.NumFilesRemoved, m.FilesRemoved = int64(len(removed)), sizeStats(removed)
	for _, f := range removed {
		if f.DeletionVector != nil {
			m.NumDeletionVectorsRemoved++
		}
	}

	now := time.Now().UnixMilli()
	actions := []Action{{CommitInfo: optimizeCommitInfo(now, snap.Version(), opts, adds, removed)}}
	for _, f := range removed {
		actions = append(actions, Action{Remove: removeFor(f, now, false)})
	}
	for i := range adds {
		adds[i].DataChange = false
		actions = append(actions, Action{Add: &adds[i]})
	}
	v, err := t.commitRewrite(ctx, snap, removed, actions)
	if err != nil {
		t.deleteFiles(ctx, adds)
		return m, fmt.Errorf("delta: optimize: %w", err)
	}
	m.Version = v
	t.maybeCheckpoint(ctx, v)
	return m, nil
}

// commitRewrite commits a rewrite that must not lose a race silently: the
// internal commit refuses any concurrent data change, but a rewrite only
// cares that the files it replaced are still live and the schema is the
// same. So on a conflict it re-reads the table and retries on top of the
// winner when both still hold — compaction then coexists with appends, as
// in Delta.
func (t *Table) commitRewrite(ctx context.Context, snap *Snapshot, replaced []AddFile, actions []Action) (int64, error) {
	readVersion := snap.Version()
	for attempt := 1; ; attempt++ {
		v, err := t.commit(ctx, readVersion, actions, commitIntent{})
		if err == nil || !errors.Is(err, ErrConcurrentModification) || attempt >= optimizeCommitAttempts {
			return v, err
		}
		cur, serr := t.Snapshot(ctx)
		if serr != nil {
			return -1, errors.Join(err, serr)
		}
		if cur.metadata.SchemaString != snap.metadata.SchemaString || !equalFoldList(cur.metadata.PartitionColumns, snap.metadata.PartitionColumns) {
			return -1, err
		}
		live := make(map[fileKey]bool, len(cur.files))
		for i := range cur.files {
			live[cur.files[i].key()] = true
		}
		for i := range replaced {
			if !live[replaced[i].key()] {
				return -1, fmt.Errorf("[DELTA_CONCURRENT_DELETE_READ] file %s was removed concurrently: %w", replaced[i].Path, err)
			}
		}
		readVersion = cur.Version()
		if ci := actions[0].CommitInfo; ci != nil {
			ci["readVersion"] = readVersion
		}
	}
}

// removeFor is the remove action retiring a live file.
func removeFor(f AddFile, now int64, dataChange bool) *RemoveFile {
	size := f.Size
	return &RemoveFile{
		Path: f.Path, DeletionTimestamp: &now, DataChange: dataChange, ExtendedFileMetadata: true,
		PartitionValues: f.PartitionValues, Size: &size, Stats: f.Stats, Tags: f.Tags,
		DeletionVector: f.DeletionVector, BaseRowID: f.BaseRowID, DefaultRowCommitVersion: f.DefaultRowCommitVersion,
	}
}

// optimizeCandidates returns the live files in the partitions the filters
// select.
func optimizeCandidates(snap *Snapshot, opts OptimizeOptions) ([]AddFile, error) {
	files := snap.files
	if opts.Where != nil {
		for _, term := range opts.Where.And {
			if indexFold(snap.metadata.PartitionColumns, term.Column) < 0 {
				return nil, fmt.Errorf("[DELTA_NON_PARTITION_COLUMN_REFERENCE] predicate references non-partition column %q; only the partition columns may be referenced: [%s]: %w",
					term.Column, strings.Join(snap.metadata.PartitionColumns, ", "), ErrNonPartitionPredicate)
			}
		}
		var err error
		if files, err = snap.SkipFiles(*opts.Where); err != nil {
			return nil, err
		}
	}
	if len(opts.PartitionFilter) == 0 {
		return files, nil
	}
	want := map[string]*string{}
	for k, v := range opts.PartitionFilter {
		i := indexFold(snap.metadata.PartitionColumns, k)
		if i < 0 {
			return nil, fmt.Errorf("[DELTA_NON_PARTITION_COLUMN_REFERENCE] partition filter names non-partition column %q; only the partition columns may be referenced: [%s]: %w",
				k, strings.Join(snap.metadata.PartitionColumns, ", "), ErrNonPartitionPredicate)
		}
		want[snap.metadata.PartitionColumns[i]] = v
	}
	var out []AddFile
	for _, f := range files {
		ok := true
		for k, v := range want {
			got := f.PartitionValues[k]
			if got != nil && *got == "" {
				got = nil
			}
			if (v == nil) != (got == nil) || (v != nil && *v != *got) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// planBins groups files by partition and packs them into rewrite jobs.
// Bin-packing takes the small files (and any with a deletion vector) in
// path order and starts a new bin when the next file would overflow the
// target; a bin of one clean file would only copy it, so it is dropped.
// Z-ordering makes each whole partition one job.
func planBins(partCols []string, files []AddFile, opts OptimizeOptions, zorder bool) []optimizeBin {
	byPart := map[string]*optimizeBin{}
	var order []string
	for _, f := range files {
		k := partitionDir(partCols, f.PartitionValues)
		b := byPart[k]
		if b == nil {
			b = &optimizeBin{partition: f.PartitionValues}
			byPart[k] = b
			order = append(order, k)
		}
		b.files = append(b.files, f)
		b.bytes += f.Size
	}
	sort.Strings(order)
	var bins []optimizeBin
	for _, k := range order {
		all := byPart[k]
		if zorder {
			bins = append(bins, *all)
			continue
		}
		cur := optimizeBin{partition: all.partition}
		flush := func() {
			if len(cur.files) > 1 || (len(cur.files) == 1 && cur.files[0].DeletionVector != nil) {
				bins = append(bins, cur)
			}
			cur = optimizeBin{partition: all.partition}
		}
		for _, f := range all.files {
			if f.Size >= opts.MinFileSize && f.DeletionVector == nil {
				continue
			}
			if len(cur.files) > 0 && cur.bytes+f.Size > opts.TargetFileSize {
				flush()
			}
			cur.files = append(cur.files, f)
			cur.bytes += f.Size
		}
		flush()
	}
	return bins
}

// rewriteBin reads a bin's rows (deletion vectors applied) and writes them
// as new files of the bin's partition.
func (t *Table) rewriteBin(ctx context.Context, snap *Snapshot, plan *writePlan, b optimizeBin, zcols []int, opts OptimizeOptions) ([]AddFile, error) {
	r, err := t.newScan(snap.schema, snap.metadata.PartitionColumns, snap.columnMappingMode(), nil, nil, ScanOptions{Allocator: opts.Allocator})
	if err != nil {
		return nil, fmt.Errorf("delta: optimize: %w", err)
	}
	for i := range b.files {
		f := &b.files[i]
		r.tasks = append(r.tasks, scanTask{path: f.Path, partitionValues: f.PartitionValues, dv: f.DeletionVector}.withNumRecords(*f))
	}
	var in batch.Reader = r
	// Rows per output file: the target size over the bin's bytes per row,
	// estimated from the log's numRecords (file sizes after a rewrite are
	// close to the inputs' since the encoding is the same).
	rowsPerFile := int64(math.MaxInt64)
	if n := binRecords(b.files); n > 0 && b.bytes > opts.TargetFileSize {
		rowsPerFile = max(1, int64(float64(n)*float64(opts.TargetFileSize)/float64(b.bytes)))
	}
	if len(zcols) > 0 {
		recs, err := batch.ReadAll(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("delta: optimize: read %s: %w", partitionDir(snap.metadata.PartitionColumns, b.partition), err)
		}
		if len(recs) == 0 {
			return nil, nil
		}
		all, err := batch.Concat(r.Schema(), recs)
		batch.Release(recs)
		if err != nil {
			return nil, fmt.Errorf("delta: optimize: %w", err)
		}
		sorted, err := zOrderSort(ctx, opts.Allocator, all, zcols)
		all.Release()
		if err != nil {
			return nil, err
		}
		// The writer rolls files only between batches, so the sorted
		// partition is handed over in file-sized slices.
		var parts []arrow.RecordBatch
		for lo := int64(0); lo < sorted.NumRows(); lo += rowsPerFile {
			parts = append(parts, sorted.NewSlice(lo, min(lo+rowsPerFile, sorted.NumRows())))
		}
		sorted.Release()
		in = batch.FromSlice(r.Schema(), parts...)
	}
	adds, _, err := t.writeFiles(ctx, in, plan, WriteOptions{Mode: ModeAppend, TargetFileRows: rowsPerFile})
	in.Close()
	if err != nil {
		return nil, fmt.Errorf("delta: optimize: %w", err)
	}
	return adds, nil
}

// binRecords sums numRecords of the files' stats, or returns 0 when a file
// has none.
func binRecords(files []AddFile) int64 {
	var n int64
	for _, f := range files {
		st := parseFileStats(f.Stats)
		if st.NumRecords == nil || *st.NumRecords <= 0 {
			return 0
		}
		n += *st.NumRecords
	}
	return n
}

func sizeStats(files []AddFile) FileSizeStats {
	var s FileSizeStats
	for i, f := range files {
		if i == 0 || f.Size < s.Min {
			s.Min = f.Size
		}
		s.Max = max(s.Max, f.Size)
		s.TotalSize += f.Size
	}
	s.TotalFiles = int64(len(files))
	if len(files) > 0 {
		s.Avg = float64(s.TotalSize) / float64(len(files))
	}
	return s
}

// optimizeCommitInfo is Delta's commitInfo for OPTIMIZE: the predicate and
// Z-order columns as JSON arrays in operationParameters, and file counts,
// bytes and the size distribution of the added files in operationMetrics.
// dataChange=false commits run at SnapshotIsolation in Delta.
func optimizeCommitInfo(now, readVersion int64, opts OptimizeOptions, adds, removed []AddFile) map[string]any {
	preds := []string{}
	if opts.Predicate != "" {
		preds = append(preds, opts.Predicate)
	}
	pj, _ := json.Marshal(preds)
	zo := opts.ZOrderBy
	if zo == nil {
		zo = []string{}
	}
	zj, _ := json.Marshal(zo)
	sizes := make([]int64, len(adds))
	var addBytes, removeBytes int64
	for i, a := range adds {
		sizes[i] = a.Size
		addBytes += a.Size
	}
	for _, r := range removed {
		removeBytes += r.Size
	}
	sort.Slice(sizes, func(i, j int) bool { return sizes[i] < sizes[j] })
	pct := func(p float64) int64 {
		if len(sizes) == 0 {
			return 0
		}
		return sizes[int(p*float64(len(sizes)-1))]
	}
	dvs := 0
	for _, r := range removed {
		if r.DeletionVector != nil {
			dvs++
		}
	}
	return map[string]any{
		"timestamp": now,
		"operation": "OPTIMIZE",
		"operationParameters": map[string]any{
			"predicate": string(pj),
			"zOrderBy":  string(zj),
			"auto":      false,
		},
		"readVersion":    readVersion,
		"isolationLevel": "SnapshotIsolation",
		"isBlindAppend":  false,
		"operationMetrics": map[string]string{
			"numRemovedFiles":           fmt.Sprint(len(removed)),
			"numRemovedBytes":           fmt.Sprint(removeBytes),
			"numAddedFiles":             fmt.Sprint(len(adds)),
			"numAddedBytes":             fmt.Sprint(addBytes),
			"numDeletionVectorsRemoved": fmt.Sprint(dvs),
			"minFileSize":               fmt.Sprint(pct(0)),
			"p25FileSize":               fmt.Sprint(pct(0.25)),
			"p50FileSize":               fmt.Sprint(pct(0.5)),
			"p75FileSize":               fmt.Sprint(pct(0.75)),
			"maxFileSize":               fmt.Sprint(pct(1)),
		},
		"engineInfo": "ingot/" + Version,
		"txnId":      uuid.NewString(),
	}
}

// zOrderColumns resolves ZORDER BY names to column indexes of the table
// schema (which is also the scan's output order), with Delta's checks.
func zOrderColumns(snap *Snapshot, names []string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for _, n := range names {
		i := snap.schema.FieldIndex(n)
		if i < 0 {
			return nil, fmt.Errorf("[DELTA_ZORDERING_COLUMN_DOES_NOT_EXIST] Z-Ordering column %q does not exist in data schema (%s): %w", n, strings.Join(snap.schema.Names(), ", "), ErrSchemaMismatch)
		}
		if indexFold(snap.metadata.PartitionColumns, n) >= 0 {
			return nil, fmt.Errorf("[DELTA_ZORDERING_ON_PARTITION_COLUMN] %s is a partition column; Z-Ordering can only be performed on data columns", n)
		}
		switch snap.schema.Fields[i].Type.(type) {
		case types.StructType, types.ArrayType, types.MapType:
			return nil, fmt.Errorf("[DELTA_ZORDERING_ON_COLUMN_WITHOUT_STATS] Z-Ordering on %s (%s) is not supported: it has no min/max statistics", n, snap.schema.Fields[i].Type.SQL())
		}
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out, nil
}
