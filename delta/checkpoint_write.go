package delta

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/parquetfile"
	"github.com/ingotdata/ingot/types"
)

// tombstoneRetention is delta.deletedFileRetentionDuration's default: a
// checkpoint keeps remove actions this recent so VACUUM does not delete
// files a reader of an older version may still need.
const tombstoneRetention = 7 * 24 * time.Hour

var (
	strMap  = types.MapType{KeyType: types.String, ValueType: types.String, ValueContainsNull: true}
	strList = types.ArrayType{ElementType: types.String, ContainsNull: true}
	dvType  = types.NewStruct(
		types.Field("storageType", types.String), types.Field("pathOrInlineDv", types.String),
		types.Field("offset", types.Integer), types.Field("sizeInBytes", types.Integer),
		types.Field("cardinality", types.Long))
)

// checkpointSchema is the classic checkpoint layout of PROTOCOL.md, one
// nullable struct column per action type; each row sets exactly one.
var checkpointSchema = types.NewStruct(
	types.Field("txn", types.NewStruct(types.Field("appId", types.String), types.Field("version", types.Long), types.Field("lastUpdated", types.Long))),
	types.Field("add", types.NewStruct(
		types.Field("path", types.String), types.Field("partitionValues", strMap), types.Field("size", types.Long),
		types.Field("modificationTime", types.Long), types.Field("dataChange", types.Boolean), types.Field("tags", strMap),
		types.Field("deletionVector", dvType), types.Field("baseRowId", types.Long), types.Field("defaultRowCommitVersion", types.Long),
		types.Field("clusteringProvider", types.String), types.Field("stats", types.String))),
	types.Field("remove", types.NewStruct(
		types.Field("path", types.String), types.Field("deletionTimestamp", types.Long), types.Field("dataChange", types.Boolean),
		types.Field("extendedFileMetadata", types.Boolean), types.Field("partitionValues", strMap), types.Field("size", types.Long),
		types.Field("tags", strMap), types.Field("deletionVector", dvType), types.Field("baseRowId", types.Long),
		types.Field("defaultRowCommitVersion", types.Long))),
	types.Field("metaData", types.NewStruct(
		types.Field("id", types.String), types.Field("name", types.String), types.Field("description", types.String),
		types.Field("format", types.NewStruct(types.Field("provider", types.String), types.Field("options", strMap))),
		types.Field("schemaString", types.String), types.Field("partitionColumns", strList),
		types.Field("configuration", strMap), types.Field("createdTime", types.Long))),
	types.Field("protocol", types.NewStruct(
		types.Field("minReaderVersion", types.Integer), types.Field("minWriterVersion", types.Integer),
		types.Field("readerFeatures", strList), types.Field("writerFeatures", strList))),
	types.Field("domainMetadata", types.NewStruct(
		types.Field("domain", types.String), types.Field("configuration", types.String), types.Field("removed", types.Boolean))),
)

// maybeCheckpoint writes a checkpoint every delta.checkpointInterval
// commits. A failure is ignored: the commit already succeeded, and readers
// replay JSON commits when no checkpoint exists.
func (t *Table) maybeCheckpoint(ctx context.Context, version int64) {
	if version <= 0 {
		return
	}
	s, err := t.SnapshotAt(ctx, version)
	if err != nil || version%s.checkpointInterval() != 0 {
		return
	}
	if s.WriteCheckpoint(ctx) == nil {
		t.cleanupAfterCheckpoint(ctx, s) // log_cleanup.go
	}
}

// WriteCheckpoint writes a single-file classic checkpoint of the snapshot
// (_delta_log/<version>.checkpoint.parquet) and points _last_checkpoint at
// it. Rewriting an existing checkpoint is harmless: it has the same content.
func (s *Snapshot) WriteCheckpoint(ctx context.Context) error {
	now := time.Now()
	var rows []Action
	rows = append(rows, Action{Protocol: &s.protocol}, Action{MetaData: &s.metadata})
	appIDs := make([]string, 0, len(s.txns))
	for id := range s.txns {
		appIDs = append(appIDs, id)
	}
	sort.Strings(appIDs)
	for _, id := range appIDs {
		tx := s.txns[id]
		rows = append(rows, Action{Txn: &tx})
	}
	for _, d := range s.domains {
		d := d
		rows = append(rows, Action{DomainMetadata: &d})
	}
	var removes []*RemoveFile
	for _, r := range s.removes {
		if r.DeletionTimestamp != nil && now.Sub(time.UnixMilli(*r.DeletionTimestamp)) > tombstoneRetention {
			continue
		}
		removes = append(removes, r)
	}
	sort.Slice(removes, func(i, j int) bool { return removes[i].Path < removes[j].Path })
	schema := checkpointSchema.ArrowSchema()
	rec, err := checkpointRecord(schema, rows)
	if err != nil {
		return fmt.Errorf("delta: checkpoint %d: %w", s.version, err)
	}
	defer rec.Release()
	recs := []arrow.RecordBatch{rec}
	defer func() { batch.Release(recs[1:]) }()
	// File actions are built column by column in batches: a big table's
	// checkpoint is millions of them.
	const fileBatch = 64 << 10
	for i := 0; i < len(s.files); i += fileBatch {
		recs = append(recs, fileActionRecord(schema, s.files[i:min(i+fileBatch, len(s.files))], nil))
	}
	for i := 0; i < len(removes); i += fileBatch {
		recs = append(recs, fileActionRecord(schema, nil, removes[i:min(i+fileBatch, len(removes))]))
	}
	var buf bytes.Buffer
	if _, err := parquetfile.WriteBatches(ctx, &buf, schema, recs, parquetfile.WriteOptions{StatsColumns: -1}); err != nil {
		return fmt.Errorf("delta: checkpoint %d: %w", s.version, err)
	}
	p := fmt.Sprintf("%s%020d.checkpoint.parquet", logDir, s.version)
	if err := s.table.store.Put(ctx, p, buf.Bytes()); err != nil {
		return fmt.Errorf("delta: checkpoint %d: %w", s.version, err)
	}
	last, _ := json.Marshal(map[string]any{
		"version": s.version, "size": len(rows) + len(s.files) + len(removes), "sizeInBytes": buf.Len(), "numOfAddFiles": len(s.files),
	})
	if err := s.table.store.Put(ctx, logDir+"_last_checkpoint", last); err != nil {
		return fmt.Errorf("delta: checkpoint %d: _last_checkpoint: %w", s.version, err)
	}
	return nil
}

// fileActionRecord builds checkpoint rows for add actions (then remove
// actions, written with dataChange=false) directly with Arrow builders.
func fileActionRecord(schema *arrow.Schema, adds []AddFile, removes []*RemoveFile) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	idx := func(name string) int { return schema.FieldIndices(name)[0] }
	addB := b.Field(idx("add")).(*array.StructBuilder)
	rmB := b.Field(idx("remove")).(*array.StructBuilder)
	others := []array.Builder{}
	for i := range schema.NumFields() {
		if n := schema.Field(i).Name; n != "add" && n != "remove" {
			others = append(others, b.Field(i))
		}
	}
	for i := range adds {
		a := &adds[i]
		for _, o := range others {
			o.AppendNull()
		}
		rmB.AppendNull()
		addB.Append(true)
		// add: path, partitionValues, size, modificationTime, dataChange,
		// tags, deletionVector, baseRowId, defaultRowCommitVersion,
		// clusteringProvider, stats (checkpointSchema order).
		addB.FieldBuilder(0).(*array.StringBuilder).Append(a.Path)
		appendStringMap(addB.FieldBuilder(1).(*array.MapBuilder), a.PartitionValues, true)
		addB.FieldBuilder(2).(*array.Int64Builder).Append(a.Size)
		addB.FieldBuilder(3).(*array.Int64Builder).Append(a.ModificationTime)
		addB.FieldBuilder(4).(*array.BooleanBuilder).Append(a.DataChange)
		appendPlainMap(addB.FieldBuilder(5).(*array.MapBuilder), a.Tags)
		appendDV(addB.FieldBuilder(6).(*array.StructBuilder), a.DeletionVector)
		appendOptInt(addB.FieldBuilder(7).(*array.Int64Builder), a.BaseRowID)
		appendOptInt(addB.FieldBuilder(8).(*array.Int64Builder), a.DefaultRowCommitVersion)
		appendOptString(addB.FieldBuilder(9).(*array.StringBuilder), a.ClusteringProvider)
		appendOptString(addB.FieldBuilder(10).(*array.StringBuilder), a.Stats)
	}
	for _, r := range removes {
		for _, o := range others {
			o.AppendNull()
		}
		addB.AppendNull()
		rmB.Append(true)
		// remove: path, deletionTimestamp, dataChange, extendedFileMetadata,
		// partitionValues, size, tags, deletionVector, baseRowId,
		// defaultRowCommitVersion.
		rmB.FieldBuilder(0).(*array.StringBuilder).Append(r.Path)
		appendOptInt(rmB.FieldBuilder(1).(*array.Int64Builder), r.DeletionTimestamp)
		rmB.FieldBuilder(2).(*array.BooleanBuilder).Append(false)
		rmB.FieldBuilder(3).(*array.BooleanBuilder).Append(r.ExtendedFileMetadata)
		appendStringMap(rmB.FieldBuilder(4).(*array.MapBuilder), r.PartitionValues, false)
		appendOptInt(rmB.FieldBuilder(5).(*array.Int64Builder), r.Size)
		appendPlainMap(rmB.FieldBuilder(6).(*array.MapBuilder), r.Tags)
		appendDV(rmB.FieldBuilder(7).(*array.StructBuilder), r.DeletionVector)
		appendOptInt(rmB.FieldBuilder(8).(*array.Int64Builder), r.BaseRowID)
		appendOptInt(rmB.FieldBuilder(9).(*array.Int64Builder), r.DefaultRowCommitVersion)
	}
	return b.NewRecordBatch()
}

func appendStringMap(mb *array.MapBuilder, m map[string]*string, emptyNotNull bool) {
	if m == nil && !emptyNotNull {
		mb.AppendNull()
		return
	}
	mb.Append(true)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kb, ib := mb.KeyBuilder().(*array.StringBuilder), mb.ItemBuilder().(*array.StringBuilder)
	for _, k := range keys {
		kb.Append(k)
		if v := m[k]; v != nil {
			ib.Append(*v)
		} else {
			ib.AppendNull()
		}
	}
}

func appendPlainMap(mb *array.MapBuilder, m map[string]string) {
	if m == nil {
		mb.AppendNull()
		return
	}
	pm := make(map[string]*string, len(m))
	for k, v := range m {
		pm[k] = &v
	}
	appendStringMap(mb, pm, true)
}

func appendDV(sb *array.StructBuilder, dv *DeletionVector) {
	if dv == nil {
		sb.AppendNull()
		return
	}
	sb.Append(true)
	sb.FieldBuilder(0).(*array.StringBuilder).Append(dv.StorageType)
	sb.FieldBuilder(1).(*array.StringBuilder).Append(dv.PathOrInlineDv)
	if dv.Offset != nil {
		sb.FieldBuilder(2).(*array.Int32Builder).Append(*dv.Offset)
	} else {
		sb.FieldBuilder(2).(*array.Int32Builder).AppendNull()
	}
	sb.FieldBuilder(3).(*array.Int32Builder).Append(dv.SizeInBytes)
	sb.FieldBuilder(4).(*array.Int64Builder).Append(dv.Cardinality)
}

func appendOptInt(b *array.Int64Builder, v *int64) {
	if v == nil {
		b.AppendNull()
		return
	}
	b.Append(*v)
}

func appendOptString(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
		return
	}
	b.Append(s)
}

// checkpointRecord builds the checkpoint batch through Arrow's JSON
// decoder: each action is re-encoded as its JSON object, with map fields
// turned into Arrow's [{"key":..,"value":..}] form. Checkpoints are
// written once per interval, so the detour costs little and keeps one
// definition of every action's shape.
func checkpointRecord(schema *arrow.Schema, rows []Action) (arrow.RecordBatch, error) {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, a := range rows {
		raw, err := json.Marshal(a)
		if err != nil {
			return nil, err
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil {
			return nil, err
		}
		for name, v := range obj {
			idx := checkpointSchema.FieldIndex(name)
			if idx < 0 {
				delete(obj, name)
				continue
			}
			obj[name] = shapeForArrow(v, checkpointSchema.Fields[idx].Type)
		}
		out, err := json.Marshal(obj)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(out)
	}
	b.WriteByte(']')
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(b.String()))
	return rec, err
}

// shapeForArrow drops fields the schema lacks and rewrites JSON objects
// that are Spark maps into Arrow's key/value list form.
func shapeForArrow(v any, t types.DataType) any {
	switch t := t.(type) {
	case types.StructType:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		for k, x := range m {
			if i := t.FieldIndex(k); i >= 0 {
				out[t.Fields[i].Name] = shapeForArrow(x, t.Fields[i].Type)
			}
		}
		return out
	case types.MapType:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kv := make([]any, 0, len(m))
		for _, k := range keys {
			kv = append(kv, map[string]any{"key": k, "value": m[k]})
		}
		return kv
	}
	return v
}
