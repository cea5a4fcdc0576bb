package delta

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/uuid"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/parquetfile"
	"github.com/ingotdata/ingot/types"
)

// SaveMode is what a write does when the table already exists.
type SaveMode int

const (
	// ModeAppend adds the data to the table (creating it if missing).
	ModeAppend SaveMode = iota
	// ModeOverwrite replaces every live file with the data.
	ModeOverwrite
	// ModeErrorIfExists fails with ErrTableExists if the table exists.
	ModeErrorIfExists
	// ModeIgnore does nothing if the table exists.
	ModeIgnore
)

func (m SaveMode) String() string {
	switch m {
	case ModeAppend:
		return "Append"
	case ModeOverwrite:
		return "Overwrite"
	case ModeErrorIfExists:
		return "ErrorIfExists"
	case ModeIgnore:
		return "Ignore"
	}
	return fmt.Sprintf("SaveMode(%d)", int(m))
}

// WriteOptions configures Table.Write.
type WriteOptions struct {
	Mode SaveMode
	// PartitionBy names the partition columns of a new table (or, with
	// OverwriteSchema, the new partitioning). For an existing table it
	// must be empty or equal to the table's.
	PartitionBy []string
	// TxnAppID and TxnVersion, when TxnAppID is set, add a txn action to the
	// same commit, so a streaming sink can tell (AppTransactionVersion)
	// whether a batch already landed.
	TxnAppID   string
	TxnVersion int64
	// Operation and OperationParameters go into commitInfo (default
	// "WRITE" with mode and partitionBy).
	Operation           string
	OperationParameters map[string]string
	// Properties, Name and Description set the metadata of a new table
	// (Properties are also merged into an existing table's configuration).
	Properties        map[string]string
	Name, Description string
	// TargetFileRows rolls data files after this many rows (default 1Mi).
	TargetFileRows int64
	// MergeSchema adds the data's new columns to the table schema.
	MergeSchema bool
	// OverwriteSchema, with ModeOverwrite, replaces schema and partitioning.
	OverwriteSchema bool
	// KeepNullability, when the write creates (or replaces) the schema, keeps
	// the data schema's non-nullable columns as NOT NULL — what CREATE TABLE
	// (id INT NOT NULL) means; later writes of a NULL there fail with
	// [DELTA_NOT_NULL_CONSTRAINT_VIOLATED]. Without it every column is made
	// nullable, as Delta does for tables created from a DataFrame.
	KeepNullability bool
	// Compression of data files (default snappy).
	Compression string
	// ConstraintsChecked says the caller evaluated the table's CHECK
	// constraints (delta.constraints.*) on the data, so the write may go
	// to a table that has them instead of failing with
	// ErrUnsupportedFeature.
	ConstraintsChecked bool
	// Validate, when set, is called on every batch before its rows go
	// to files, with the batch aligned to the table schema (every table
	// column in table order, logical names, NULL for columns the data
	// lacks). The caller evaluates the table's CHECK constraints,
	// invariants and generated column expressions there (see
	// Snapshot.Constraints, Invariants, GeneratedColumns); an error
	// aborts the write and deletes the files already written. Setting it
	// lets writes go to tables with such constraints.
	Validate func(batch arrow.RecordBatch) error
	// GeneratedColumns, when the write creates or replaces the schema,
	// marks these columns (name -> SQL expression) as generated: the
	// expression is stored as delta.generationExpression in the column's
	// metadata and the protocol gains generatedColumns. Later writes must
	// then honour Snapshot.GeneratedColumns.
	GeneratedColumns map[string]string
	// DomainMetadata adds a domainMetadata action per entry (domain ->
	// configuration) to the commit, upgrading the protocol to the
	// domainMetadata writer feature. Domains starting with "delta." are
	// system-controlled and refused.
	DomainMetadata map[string]string
	// ChangeFiles adds cdc actions (from Table.WriteChangeFiles) to the
	// commit; they are deleted if the commit fails.
	ChangeFiles []AddCDCFile
	// stampsInCommitTimestamp says the commit path gives the commit an
	// in-commit timestamp (Write does; the transaction API does not yet),
	// so tables with delta.enableInCommitTimestamps may be written.
	stampsInCommitTimestamp bool
	// changeData writes change data files (under _change_data/, named
	// cdc-*) instead of data files: Transaction.WriteChangeFiles.
	changeData bool
}

// writePlan is the resolved shape of one write.
type writePlan struct {
	schema    types.StructType
	partCols  []string
	metadata  *Metadata // non-nil when the commit must carry a metaData action
	protocol  *Protocol // non-nil for a new table
	fileArrow *arrow.Schema
	dataIdx   []int // per table column: index in the input, or -1
	partIdx   []int // table column indices of partition columns
	fileIdx   []int // table column indices written to files
	// Table features (feature_plan.go): mapped stores physical names;
	// partKeys are the partition values' keys in partCols order;
	// tableArrow is the logical batch handed to WriteOptions.Validate;
	// ict stamps an in-commit timestamp, ictEnabling records enablement.
	mapped           bool
	partKeys         []string
	tableArrow       *arrow.Schema
	ict, ictEnabling bool
}

// Write commits data to the table as one new version and returns it. It
// creates the table on first write (protocol + metaData), appends or
// overwrites per opts.Mode, and records a txn action when opts.TxnAppID is
// set. data is consumed and closed.
func (t *Table) Write(ctx context.Context, data batch.Reader, opts WriteOptions) (int64, error) {
	defer data.Close()
	opts.stampsInCommitTimestamp = true
	domains, err := domainActions(opts.DomainMetadata)
	if err != nil {
		return -1, err
	}
	snap, err := t.Snapshot(ctx)
	if err != nil && !errors.Is(err, ErrNotATable) {
		return -1, err
	}
	if err != nil {
		snap = nil
	}
	if snap != nil {
		switch opts.Mode {
		case ModeErrorIfExists:
			return -1, fmt.Errorf("[DELTA_PATH_EXISTS] cannot write to existing table %s with mode ErrorIfExists: %w", t.store.URL(), ErrTableExists)
		case ModeIgnore:
			return snap.Version(), nil
		}
	}
	plan, err := planWrite(snap, data.Schema(), opts)
	if err != nil {
		return -1, err
	}
	adds, rows, err := t.writeFiles(ctx, data, plan, opts)
	if err != nil {
		return -1, err
	}
	now := time.Now().UnixMilli()
	readVersion := int64(-1)
	if snap != nil {
		readVersion = snap.Version()
	}
	overwrite := opts.Mode == ModeOverwrite && snap != nil
	blindAppend := !overwrite && plan.metadata == nil && plan.protocol == nil
	var bytesOut int64
	for _, a := range adds {
		bytesOut += a.Size
	}
	actions := []Action{{CommitInfo: t.commitInfo(now, readVersion, opts, plan, blindAppend, len(adds), rows, bytesOut)}}
	if plan.protocol != nil {
		actions = append(actions, Action{Protocol: plan.protocol})
	}
	if plan.metadata != nil {
		actions = append(actions, Action{MetaData: plan.metadata})
	}
	if overwrite {
		for _, f := range snap.Files() {
			size := f.Size
			actions = append(actions, Action{Remove: &RemoveFile{
				Path: f.Path, DeletionTimestamp: &now, DataChange: true, ExtendedFileMetadata: true,
				PartitionValues: f.PartitionValues, Size: &size, Tags: f.Tags, DeletionVector: f.DeletionVector,
			}})
		}
	}
	for i := range adds {
		actions = append(actions, Action{Add: &adds[i]})
	}
	for i := range opts.ChangeFiles {
		actions = append(actions, Action{CDC: &opts.ChangeFiles[i]})
	}
	actions = append(actions, domains...)
	if opts.TxnAppID != "" {
		actions = append(actions, Action{Txn: &Txn{AppID: opts.TxnAppID, Version: opts.TxnVersion, LastUpdated: &now}})
	}
	var v int64
	if intent := (commitIntent{blindAppend: blindAppend, txnAppID: opts.TxnAppID}); plan.ict || len(domains) > 0 {
		v, err = t.commitStamped(ctx, readVersion, actions, intent, plan)
	} else {
		v, err = t.commit(ctx, readVersion, actions, intent)
	}
	if err != nil && snap == nil && opts.Mode == ModeAppend && errors.Is(err, ErrConcurrentModification) {
		v, err = t.appendToRacedCreate(ctx, plan, actions, opts)
	}
	if err != nil {
		t.deleteFiles(ctx, adds)
		t.DeleteChangeFiles(ctx, opts.ChangeFiles)
		return -1, err
	}
	t.maybeCheckpoint(ctx, v)
	return v, nil
}

// appendToRacedCreate handles two writers creating the same table at once
// (say, the first micro-batches of two streaming queries): the loser's
// append still applies when the winner created the table with the same
// schema and partitioning, so it retries as a plain append on top of it
// instead of failing.
func (t *Table) appendToRacedCreate(ctx context.Context, plan *writePlan, actions []Action, opts WriteOptions) (int64, error) {
	snap, err := t.Snapshot(ctx)
	if err != nil {
		return -1, err
	}
	if !types.Equal(snap.schema, plan.schema) || !equalFoldList(snap.metadata.PartitionColumns, plan.partCols) {
		return -1, fmt.Errorf("delta: table %s was created concurrently with a different schema or partitioning: %w", t.store.URL(), ErrConcurrentModification)
	}
	if err := checkWriteSupport(snap, opts); err != nil {
		return -1, err
	}
	if err := racedCreateCompatible(snap, plan, actions); err != nil {
		return -1, err
	}
	if v, ok := snap.AppTransactionVersion(opts.TxnAppID); opts.TxnAppID != "" && ok && v >= opts.TxnVersion {
		return -1, fmt.Errorf("[DELTA_CONCURRENT_TRANSACTION] application %q committed version %d concurrently: %w", opts.TxnAppID, v, ErrConcurrentModification)
	}
	kept := actions[:0:0]
	for _, a := range actions {
		if a.Protocol != nil || a.MetaData != nil {
			continue
		}
		if a.CommitInfo != nil {
			ci := make(map[string]any, len(a.CommitInfo)+1)
			for k, v := range a.CommitInfo {
				ci[k] = v
			}
			ci["readVersion"] = snap.Version()
			ci["isBlindAppend"] = true
			a = Action{CommitInfo: ci}
		}
		kept = append(kept, a)
	}
	return t.commit(ctx, snap.Version(), kept, commitIntent{blindAppend: true, txnAppID: opts.TxnAppID})
}

func (t *Table) commitInfo(now, readVersion int64, opts WriteOptions, plan *writePlan, blind bool, files int, rows, bytesOut int64) map[string]any {
	op := opts.Operation
	if op == "" {
		op = "WRITE"
	}
	quoted := make([]string, len(plan.partCols))
	for i, c := range plan.partCols {
		quoted[i] = fmt.Sprintf("%q", c)
	}
	params := map[string]string{"mode": opts.Mode.String(), "partitionBy": "[" + strings.Join(quoted, ",") + "]"}
	for k, v := range opts.OperationParameters {
		params[k] = v
	}
	ci := map[string]any{
		"timestamp":           now,
		"operation":           op,
		"operationParameters": params,
		"isolationLevel":      "Serializable",
		"isBlindAppend":       blind,
		"operationMetrics": map[string]string{
			"numFiles":       fmt.Sprint(files),
			"numOutputRows":  fmt.Sprint(rows),
			"numOutputBytes": fmt.Sprint(bytesOut),
		},
		"engineInfo": "ingot/" + Version,
		"txnId":      uuid.NewString(),
	}
	if readVersion >= 0 {
		ci["readVersion"] = readVersion
	}
	return ci
}

// planWrite resolves the table schema, partitioning and metadata change of
// a write against the current snapshot (nil for a new table).
func planWrite(snap *Snapshot, in *arrow.Schema, opts WriteOptions) (*writePlan, error) {
	dataSchema, err := types.FromArrowSchema(in)
	if err != nil {
		return nil, fmt.Errorf("delta: write: input schema: %w", err)
	}
	if err := checkDuplicateNames(dataSchema); err != nil {
		return nil, err
	}
	if snap != nil {
		if err := checkWriteSupport(snap, opts); err != nil {
			return nil, err
		}
	}
	p := &writePlan{}
	replace := snap == nil || (opts.Mode == ModeOverwrite && opts.OverwriteSchema)
	if replace {
		p.schema = dataSchema
		if !opts.KeepNullability {
			p.schema = asNullable(dataSchema)
		}
		p.partCols, err = resolvePartitionCols(p.schema, opts.PartitionBy)
		if err != nil {
			return nil, err
		}
		md := Metadata{
			ID:               uuid.NewString(),
			Name:             opts.Name,
			Description:      opts.Description,
			Format:           Format{Provider: "parquet", Options: map[string]string{}},
			PartitionColumns: p.partCols,
			Configuration:    map[string]string{},
		}
		if snap != nil {
			md.ID = snap.metadata.ID
			md.Name, md.Description = snap.metadata.Name, snap.metadata.Description
			for k, v := range snap.metadata.Configuration {
				md.Configuration[k] = v
			}
			if opts.Name != "" {
				md.Name = opts.Name
			}
			if opts.Description != "" {
				md.Description = opts.Description
			}
		}
		for k, v := range opts.Properties {
			md.Configuration[k] = v
		}
		created := time.Now().UnixMilli()
		md.CreatedTime = &created
		p.metadata = &md
	} else {
		p.schema = snap.schema
		p.partCols = snap.metadata.PartitionColumns
		if len(opts.PartitionBy) > 0 && !equalFoldList(opts.PartitionBy, p.partCols) {
			return nil, fmt.Errorf("[DELTA_PARTITION_COLUMN_MISMATCH] partitioning %v does not match the table's %v (use OverwriteSchema with ModeOverwrite to change it): %w", opts.PartitionBy, p.partCols, ErrSchemaMismatch)
		}
		merged, changed, err := mergeSchema(snap.schema, dataSchema, opts.MergeSchema)
		if err != nil {
			return nil, err
		}
		newProps := false
		for k, v := range opts.Properties {
			if snap.metadata.Configuration[k] != v {
				newProps = true
			}
		}
		if changed || newProps {
			md := snap.metadata
			md.Configuration = map[string]string{}
			for k, v := range snap.metadata.Configuration {
				md.Configuration[k] = v
			}
			for k, v := range opts.Properties {
				md.Configuration[k] = v
			}
			p.schema = merged
			p.metadata = &md
		}
	}
	if err := applyTableFeatures(snap, p, dataSchema, replace, opts); err != nil {
		return nil, err
	}
	if p.metadata != nil {
		s, err := types.MarshalSchema(p.schema)
		if err != nil {
			return nil, fmt.Errorf("delta: write: schema: %w", err)
		}
		p.metadata.SchemaString = string(s)
	}
	isPart := map[string]bool{}
	for _, c := range p.partCols {
		isPart[strings.ToLower(c)] = true
	}
	var fileFields []arrow.Field
	for i, f := range p.schema.Fields {
		p.dataIdx = append(p.dataIdx, dataSchema.FieldIndex(f.Name))
		if isPart[strings.ToLower(f.Name)] {
			p.partIdx = append(p.partIdx, i)
			continue
		}
		p.fileIdx = append(p.fileIdx, i)
		fileFields = append(fileFields, p.fileField(f))
	}
	// partIdx must follow the metadata's partition column order, which
	// names directories.
	sort.SliceStable(p.partIdx, func(a, b int) bool {
		return indexFold(p.partCols, p.schema.Fields[p.partIdx[a]].Name) < indexFold(p.partCols, p.schema.Fields[p.partIdx[b]].Name)
	})
	p.fileArrow = arrow.NewSchema(fileFields, nil)
	p.tableArrow = p.schema.ArrowSchema()
	for _, c := range p.partCols {
		p.partKeys = append(p.partKeys, p.partitionKey(p.schema.Fields[p.schema.FieldIndex(c)]))
	}
	return p, nil
}

func protocolFor(s types.StructType) *Protocol {
	if containsNTZ(s) {
		return &Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"timestampNtz"}, WriterFeatures: []string{"timestampNtz"}}
	}
	return &Protocol{MinReaderVersion: 1, MinWriterVersion: 2}
}

func containsNTZ(t types.DataType) bool {
	switch t := t.(type) {
	case types.TimestampNTZType:
		return true
	case types.StructType:
		for _, f := range t.Fields {
			if containsNTZ(f.Type) {
				return true
			}
		}
	case types.ArrayType:
		return containsNTZ(t.ElementType)
	case types.MapType:
		return containsNTZ(t.KeyType) || containsNTZ(t.ValueType)
	}
	return false
}

func checkDuplicateNames(s types.StructType) error {
	seen := map[string]bool{}
	for _, f := range s.Fields {
		k := strings.ToLower(f.Name)
		if seen[k] {
			return fmt.Errorf("[COLUMN_ALREADY_EXISTS] the column %q appears twice in the data written: %w", f.Name, ErrSchemaMismatch)
		}
		seen[k] = true
	}
	return nil
}

// asNullable makes every top-level and nested struct field nullable, as
// Delta does for tables created from a DataFrame.
func asNullable(s types.StructType) types.StructType {
	out := types.StructType{Fields: make([]types.StructField, len(s.Fields))}
	for i, f := range s.Fields {
		f.Nullable = true
		if st, ok := f.Type.(types.StructType); ok {
			f.Type = asNullable(st)
		}
		out.Fields[i] = f
	}
	return out
}

func resolvePartitionCols(s types.StructType, by []string) ([]string, error) {
	out := []string{}
	for _, c := range by {
		i := s.FieldIndex(c)
		if i < 0 {
			return nil, fmt.Errorf("[DELTA_PARTITION_COLUMN_NOT_FOUND] partition column %q not found in schema (%s): %w", c, strings.Join(s.Names(), ", "), ErrSchemaMismatch)
		}
		switch s.Fields[i].Type.(type) {
		case types.StructType, types.ArrayType, types.MapType, types.NullType:
			return nil, fmt.Errorf("[INVALID_PARTITION_COLUMN_DATA_TYPE] cannot partition by %q of type %s: %w", c, s.Fields[i].Type.SQL(), ErrSchemaMismatch)
		}
		out = append(out, s.Fields[i].Name)
	}
	if len(out) > 0 && len(out) == len(s.Fields) {
		return nil, fmt.Errorf("[ALL_PARTITION_COLUMNS_NOT_ALLOWED] cannot use all columns for partition columns: %w", ErrSchemaMismatch)
	}
	return out, nil
}

// mergeSchema checks the data's columns against the table's. New columns
// are an error unless merge is set, in which case they are appended;
// a type change is always an error. Table columns the data lacks are
// written as NULL.
func mergeSchema(table, data types.StructType, merge bool) (types.StructType, bool, error) {
	var extra, mismatched []string
	out := types.StructType{Fields: append([]types.StructField(nil), table.Fields...)}
	for _, f := range data.Fields {
		i := table.FieldIndex(f.Name)
		if i < 0 {
			extra = append(extra, f.Name)
			nf := f
			nf.Nullable = true
			out.Fields = append(out.Fields, nf)
			continue
		}
		if !sameShape(table.Fields[i].Type, f.Type) {
			mismatched = append(mismatched, fmt.Sprintf("%s (table %s, data %s)", f.Name, table.Fields[i].Type.SQL(), f.Type.SQL()))
		}
	}
	if len(mismatched) > 0 {
		return table, false, fmt.Errorf("[DELTA_FAILED_TO_MERGE_FIELDS] column types differ: %s: %w", strings.Join(mismatched, ", "), ErrSchemaMismatch)
	}
	if len(extra) > 0 && !merge {
		return table, false, fmt.Errorf("[_LEGACY_ERROR_TEMP_DELTA_0007] a schema mismatch detected when writing to the Delta table: data has columns not in the table: %s (set MergeSchema to add them): %w", strings.Join(extra, ", "), ErrSchemaMismatch)
	}
	return out, len(extra) > 0, nil
}

// sameShape reports whether data of type b can be stored in a column of
// type a: the same type ignoring nested nullability (an Arrow list built
// with non-null elements is still an array<int> to Spark) and the case of
// struct field names.
func sameShape(a, b types.DataType) bool {
	switch a := a.(type) {
	case types.ArrayType:
		b, ok := b.(types.ArrayType)
		return ok && sameShape(a.ElementType, b.ElementType)
	case types.MapType:
		b, ok := b.(types.MapType)
		return ok && sameShape(a.KeyType, b.KeyType) && sameShape(a.ValueType, b.ValueType)
	case types.StructType:
		b, ok := b.(types.StructType)
		if !ok || len(a.Fields) != len(b.Fields) {
			return false
		}
		for i := range a.Fields {
			if !strings.EqualFold(a.Fields[i].Name, b.Fields[i].Name) || !sameShape(a.Fields[i].Type, b.Fields[i].Type) {
				return false
			}
		}
		return true
	}
	return types.Equal(a, b)
}

func equalFoldList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

func indexFold(list []string, s string) int {
	for i, x := range list {
		if strings.EqualFold(x, s) {
			return i
		}
	}
	return -1
}

// openFile is a data file being written for one partition.
type openFile struct {
	buf    bytes.Buffer
	w      *parquetfile.Writer
	dir    string
	values map[string]*string
}

// fileWriter routes rows to one open file per partition and rolls files at
// the target row count.
type fileWriter struct {
	t    *Table
	plan *writePlan
	opts WriteOptions
	open map[string]*openFile
	adds []AddFile
	seq  int
	mem  memory.Allocator
	rows int64
}

func (t *Table) writeFiles(ctx context.Context, data batch.Reader, plan *writePlan, opts WriteOptions) ([]AddFile, int64, error) {
	fw := &fileWriter{t: t, plan: plan, opts: opts, open: map[string]*openFile{}, mem: memory.DefaultAllocator}
	if fw.opts.TargetFileRows <= 0 {
		fw.opts.TargetFileRows = 1 << 20
	}
	fail := func(err error) ([]AddFile, int64, error) {
		for _, of := range fw.open {
			of.w.Abort()
		}
		t.deleteFiles(ctx, fw.adds)
		return nil, 0, err
	}
	for {
		rec, err := data.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(fmt.Errorf("delta: write: read input: %w", err))
		}
		err = fw.write(ctx, rec)
		rec.Release()
		if err != nil {
			return fail(err)
		}
	}
	keys := make([]string, 0, len(fw.open))
	for k := range fw.open {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := fw.finish(ctx, k); err != nil {
			return fail(err)
		}
	}
	return fw.adds, fw.rows, nil
}

// write aligns one input batch to the table's file schema and routes its
// rows to partitions.
func (fw *fileWriter) write(ctx context.Context, rec arrow.RecordBatch) error {
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	p := fw.plan
	column := func(ti int) (arrow.Array, error) {
		f := p.schema.Fields[ti]
		di := p.dataIdx[ti]
		if di < 0 {
			if !f.Nullable {
				return nil, fmt.Errorf("[DELTA_NOT_NULL_CONSTRAINT_VIOLATED] NOT NULL constraint violated for column %s: column missing from data", f.Name)
			}
			return array.MakeArrayOfNull(fw.mem, types.ToArrow(f.Type), n), nil
		}
		col := rec.Column(di)
		if !f.Nullable && col.NullN() > 0 {
			return nil, fmt.Errorf("[DELTA_NOT_NULL_CONSTRAINT_VIOLATED] NOT NULL constraint violated for column %s", f.Name)
		}
		if want := types.ToArrow(f.Type); !arrow.TypeEqual(col.DataType(), want) {
			// Same Spark type, different Arrow layout (large strings,
			// nanosecond timestamps, nested nullability): convert so every
			// file of the table has one physical schema.
			c, err := compute.CastArray(compute.WithAllocator(ctx, fw.mem), col, compute.SafeCastOptions(want))
			if err != nil {
				return nil, fmt.Errorf("delta: write: column %s: convert %s to %s: %w", f.Name, col.DataType(), want, err)
			}
			return c, nil
		}
		col.Retain()
		return col, nil
	}
	cols := make([]arrow.Array, len(p.fileIdx))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	if fw.opts.Validate != nil {
		if err := fw.validate(rec, column); err != nil {
			return err
		}
	}
	for i, ti := range p.fileIdx {
		c, err := column(ti)
		if err != nil {
			return err
		}
		if p.mapped {
			// Same buffers under the physical (nested) field names.
			phys := relabel(c, p.fileArrow.Field(i).Type)
			c.Release()
			c = phys
		}
		cols[i] = c
	}
	fileRec := array.NewRecordBatch(p.fileArrow, cols, int64(n))
	defer fileRec.Release()
	fw.rows += int64(n)
	if len(p.partIdx) == 0 {
		return fw.route(ctx, "", nil, fileRec)
	}
	parts := make([]arrow.Array, len(p.partIdx))
	defer func() {
		for _, c := range parts {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, ti := range p.partIdx {
		c, err := column(ti)
		if err != nil {
			return err
		}
		parts[i] = c
	}
	// Group rows by their serialized partition values. Building a key per
	// row is unavoidable here; the rows themselves move with Take.
	groups := map[string][]int64{}
	var order []string
	vals := map[string]map[string]*string{}
	var kb strings.Builder
	rowVals := make([]*string, len(parts))
	for r := 0; r < n; r++ {
		kb.Reset()
		for i, c := range parts {
			v, err := serializePartitionValue(c, r)
			if err != nil {
				return err
			}
			rowVals[i] = v
			if v == nil {
				kb.WriteString("\x00N")
			} else {
				kb.WriteString("\x00V")
				kb.WriteString(*v)
			}
		}
		k := kb.String()
		if _, seen := groups[k]; !seen {
			order = append(order, k)
			m := make(map[string]*string, len(parts))
			for i, v := range rowVals {
				m[p.partKeys[i]] = v
			}
			vals[k] = m
		}
		groups[k] = append(groups[k], int64(r))
	}
	if len(order) == 1 {
		return fw.route(ctx, order[0], vals[order[0]], fileRec)
	}
	for _, k := range order {
		idx := array.NewInt64Builder(fw.mem)
		idx.AppendValues(groups[k], nil)
		ia := idx.NewArray()
		idx.Release()
		sub, err := takeRecord(ctx, fileRec, ia)
		ia.Release()
		if err != nil {
			return fmt.Errorf("delta: write: split partitions: %w", err)
		}
		err = fw.route(ctx, k, vals[k], sub)
		sub.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

func takeRecord(ctx context.Context, rec arrow.RecordBatch, idx arrow.Array) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, rec.NumCols())
	for i := range cols {
		c, err := compute.TakeArray(ctx, rec.Column(i), idx)
		if err != nil {
			for _, x := range cols[:i] {
				x.Release()
			}
			return nil, err
		}
		cols[i] = c
	}
	out := array.NewRecordBatch(rec.Schema(), cols, int64(idx.Len()))
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

func (fw *fileWriter) route(ctx context.Context, key string, values map[string]*string, rec arrow.RecordBatch) error {
	of := fw.open[key]
	if of == nil {
		of = &openFile{values: values, dir: partitionDir(fw.plan.partKeys, values)}
		w, err := parquetfile.NewWriter(&of.buf, fw.plan.fileArrow, parquetfile.WriteOptions{Compression: fw.opts.Compression})
		if err != nil {
			return fmt.Errorf("delta: write: %w", err)
		}
		of.w = w
		fw.open[key] = of
	}
	if err := of.w.Write(rec); err != nil {
		return fmt.Errorf("delta: write: %w", err)
	}
	if of.w.NumRows() >= fw.opts.TargetFileRows {
		return fw.finish(ctx, key)
	}
	return nil
}

// finish closes a partition's open file, stores it and records its add.
func (fw *fileWriter) finish(ctx context.Context, key string) error {
	of := fw.open[key]
	delete(fw.open, key)
	st, err := of.w.Close()
	if err != nil {
		return fmt.Errorf("delta: write: %w", err)
	}
	codec := strings.ToLower(fw.opts.Compression)
	if codec == "" {
		codec = "snappy"
	}
	ext := "." + codec + ".parquet"
	if codec == "none" || codec == "uncompressed" {
		ext = ".parquet"
	}
	name := fmt.Sprintf("part-%05d-%s-c000%s", fw.seq, uuid.NewString(), ext)
	fw.seq++
	storeKey := of.dir + name
	if fw.opts.changeData {
		storeKey = changeDataDir + of.dir + "cdc-" + strings.TrimPrefix(name, "part-")
	}
	if err := fw.t.store.Put(ctx, storeKey, of.buf.Bytes()); err != nil {
		return fmt.Errorf("delta: write data file %s: %w", storeKey, err)
	}
	stats, err := statsJSON(st)
	if err != nil {
		return fmt.Errorf("delta: write: stats of %s: %w", storeKey, err)
	}
	values := of.values
	if values == nil {
		values = map[string]*string{}
	}
	fw.adds = append(fw.adds, AddFile{
		Path:             encodePath(storeKey),
		PartitionValues:  values,
		Size:             int64(of.buf.Len()),
		ModificationTime: time.Now().UnixMilli(),
		DataChange:       true,
		Stats:            stats,
	})
	return nil
}

// deleteFiles removes data files of a transaction that did not commit, best
// effort: an orphan left behind is harmless (VACUUM removes it) because no
// commit references it.
func (t *Table) deleteFiles(ctx context.Context, adds []AddFile) {
	for _, a := range adds {
		if key, err := decodePath(a.Path, t.store.URL()); err == nil {
			_ = t.store.Delete(context.WithoutCancel(ctx), key)
		}
	}
}
