package delta

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// Transaction is an open, optimistic change to an existing table: it reads
// one snapshot, writes new data files, stages add and remove actions and a
// metadata change, and commits them all as one version. DML (DELETE,
// UPDATE, MERGE) and DDL (ALTER TABLE) are built on it.
//
// Isolation is Delta's WriteSerializable: a transaction conflicts with a
// concurrent commit that changed the metadata or protocol, removed a file
// this transaction read or removes, or (for a transaction that read the
// table) added files in a commit that was not a blind append. A concurrent
// blind append never conflicts: the commit is retried on top of it.
//
// A Transaction is not safe for concurrent use. Its files written but never
// committed are deleted by Abort or by a failed Commit.
type Transaction struct {
	t        *Table
	snap     *Snapshot
	metadata *Metadata // staged metaData, nil when unchanged
	protocol *Protocol // staged protocol upgrade
	adds     []AddFile
	cdcs     []AddCDCFile
	removes  []RemoveFile
	written  []AddFile // files this transaction created (cleanup on failure)
	read     map[string]bool
	readAll  bool
	metrics  map[string]string
	appID    string
	appVer   int64
	dvs      *dvStaging // deletion vectors written at commit (dv_write.go)
	done     bool
}

// Begin starts a transaction on the table's latest snapshot. The table
// must exist (ErrNotATable otherwise).
func (t *Table) Begin(ctx context.Context) (*Transaction, error) {
	snap, err := t.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("delta: begin transaction: %w", err)
	}
	return &Transaction{t: t, snap: snap, read: map[string]bool{}}, nil
}

// Snapshot is the version the transaction read.
func (tx *Transaction) Snapshot() *Snapshot { return tx.snap }

// ReadVersion is the version the transaction read.
func (tx *Transaction) ReadVersion() int64 { return tx.snap.version }

// Metadata is the table metadata as the transaction will commit it: the
// staged change if any, else the snapshot's.
func (tx *Transaction) Metadata() Metadata {
	if tx.metadata != nil {
		return *tx.metadata
	}
	return tx.snap.metadata
}

// ReadWholeTable records that the transaction's outcome depends on the
// whole table (it scanned with a predicate), so a concurrent commit adding
// files other than by blind append is a conflict: those files might hold
// rows the predicate would have matched.
func (tx *Transaction) ReadWholeTable() { tx.readAll = true }

// MarkRead records files whose contents the transaction depends on: a
// concurrent commit removing one of them is a conflict.
func (tx *Transaction) MarkRead(files ...AddFile) {
	for _, f := range files {
		tx.read[f.Path] = true
	}
}

// WriteFiles writes data as new data files laid out per the table's
// partitioning and returns their add actions; call Add to commit them.
// data's columns are matched to the table's by name (case-insensitive);
// table columns it lacks are written as NULL, a column the table lacks is
// ErrSchemaMismatch. partitionBy may be nil or must equal the table's
// partition columns. The caller is responsible for the table's CHECK
// constraints (see Constraints). data is consumed and closed.
func (tx *Transaction) WriteFiles(ctx context.Context, data batch.Reader, partitionBy []string) ([]AddFile, error) {
	defer data.Close()
	if tx.done {
		return nil, errors.New("delta: write files: transaction already finished")
	}
	snap := tx.effectiveSnapshot()
	plan, err := planWrite(snap, data.Schema(), WriteOptions{Mode: ModeAppend, PartitionBy: partitionBy, ConstraintsChecked: true})
	if err != nil {
		return nil, err
	}
	if plan.metadata != nil {
		return nil, fmt.Errorf("delta: write files: the data needs a metadata change (new columns or properties): stage it with UpdateMetadata first: %w", ErrSchemaMismatch)
	}
	adds, _, err := tx.t.writeFiles(ctx, data, plan, WriteOptions{})
	if err != nil {
		return nil, err
	}
	tx.written = append(tx.written, adds...)
	return adds, nil
}

// changeDataDir holds change data files, as the protocol lays them out.
const changeDataDir = "_change_data/"

// WriteChangeFiles writes the change data of this transaction (for a
// table with delta.enableChangeDataFeed) as cdc files under
// _change_data/, partitioned like the table, and returns their actions;
// call AddChanges to commit them. data holds the table's columns followed
// by _change_type (insert, delete, update_preimage, update_postimage).
// Per the protocol, a commit with cdc files is read by change data
// readers from them alone, so they must cover every row the commit
// changes. data is consumed and closed.
func (tx *Transaction) WriteChangeFiles(ctx context.Context, data batch.Reader) ([]AddCDCFile, error) {
	defer data.Close()
	if tx.done {
		return nil, errors.New("delta: write change files: transaction already finished")
	}
	if i := data.Schema().FieldIndices(ChangeTypeColumn); len(i) != 1 || i[0] != data.Schema().NumFields()-1 {
		return nil, fmt.Errorf("delta: write change files: the last column must be %s: %w", ChangeTypeColumn, ErrSchemaMismatch)
	}
	opts := WriteOptions{Mode: ModeAppend, MergeSchema: true, ConstraintsChecked: true}
	plan, err := planWrite(tx.effectiveSnapshot(), data.Schema(), opts)
	if err != nil {
		return nil, err
	}
	opts.changeData = true
	files, _, err := tx.t.writeFiles(ctx, data, plan, opts)
	if err != nil {
		return nil, err
	}
	tx.written = append(tx.written, files...)
	out := make([]AddCDCFile, len(files))
	for i, f := range files {
		out[i] = AddCDCFile{Path: f.Path, PartitionValues: f.PartitionValues, Size: f.Size, DataChange: false}
	}
	return out, nil
}

// AddChanges stages cdc actions (from WriteChangeFiles).
func (tx *Transaction) AddChanges(files ...AddCDCFile) { tx.cdcs = append(tx.cdcs, files...) }

// effectiveSnapshot is the snapshot with the staged metadata applied, so
// writes after an ALTER in the same transaction use the new schema.
func (tx *Transaction) effectiveSnapshot() *Snapshot {
	if tx.metadata == nil {
		return tx.snap
	}
	s := *tx.snap
	s.metadata = *tx.metadata
	if st, err := types.ParseSchema([]byte(tx.metadata.SchemaString)); err == nil {
		s.schema = st
	}
	if tx.protocol != nil {
		s.protocol = *tx.protocol
	}
	return &s
}

// Add stages add actions (usually from WriteFiles).
func (tx *Transaction) Add(files ...AddFile) { tx.adds = append(tx.adds, files...) }

// Remove stages remove actions for live files of the snapshot: logical
// deletes with a deletion timestamp and dataChange=true, carrying the
// file's partition values, size and stats as the protocol recommends.
// Removed files count as read (see MarkRead).
func (tx *Transaction) Remove(files ...AddFile) {
	now := time.Now().UnixMilli()
	for _, f := range files {
		size := f.Size
		tx.removes = append(tx.removes, RemoveFile{
			Path: f.Path, DeletionTimestamp: &now, DataChange: true, ExtendedFileMetadata: true,
			PartitionValues: f.PartitionValues, Size: &size, Stats: f.Stats, Tags: f.Tags,
			DeletionVector: f.DeletionVector, BaseRowID: f.BaseRowID, DefaultRowCommitVersion: f.DefaultRowCommitVersion,
		})
		tx.read[f.Path] = true
	}
}

// UpdateMetadata stages a new metaData action (schema, partitioning,
// configuration). Its id must stay the table's.
func (tx *Transaction) UpdateMetadata(md Metadata) error {
	if md.ID != tx.snap.metadata.ID {
		return fmt.Errorf("delta: update metadata: table id %q cannot change to %q", tx.snap.metadata.ID, md.ID)
	}
	schema, err := types.ParseSchema([]byte(md.SchemaString))
	if err != nil {
		return fmt.Errorf("delta: update metadata: schema: %w", err)
	}
	if err := refuseVariantWrite(schema); err != nil {
		return err
	}
	if md.Configuration == nil {
		md.Configuration = map[string]string{}
	}
	if md.PartitionColumns == nil {
		md.PartitionColumns = []string{}
	}
	tx.metadata = &md
	return nil
}

// SetProperties stages table properties (TBLPROPERTIES): set maps keys to
// new values, unset removes keys.
func (tx *Transaction) SetProperties(set map[string]string, unset ...string) error {
	md := tx.Metadata()
	conf := make(map[string]string, len(md.Configuration)+len(set))
	for k, v := range md.Configuration {
		conf[k] = v
	}
	for k, v := range set {
		conf[k] = v
	}
	for _, k := range unset {
		delete(conf, k)
	}
	md.Configuration = conf
	return tx.UpdateMetadata(md)
}

// SetSchema stages a new table schema, keeping partitioning and
// properties.
func (tx *Transaction) SetSchema(s types.StructType) error {
	b, err := types.MarshalSchema(s)
	if err != nil {
		return fmt.Errorf("delta: set schema: %w", err)
	}
	if protocolFor(s).MinReaderVersion > tx.snap.protocol.MinReaderVersion {
		return fmt.Errorf("delta: set schema: the new columns need a protocol upgrade (timestampNtz): %w", ErrUnsupportedFeature)
	}
	md := tx.Metadata()
	md.SchemaString = string(b)
	return tx.UpdateMetadata(md)
}

// SetOperationMetrics sets commitInfo.operationMetrics (Spark's names:
// numDeletedRows, numUpdatedRows, numCopiedRows, ...).
func (tx *Transaction) SetOperationMetrics(m map[string]string) { tx.metrics = m }

// SetAppTransaction adds a txn action (appId, version) to the commit, for
// idempotent writers.
func (tx *Transaction) SetAppTransaction(appID string, version int64) {
	tx.appID, tx.appVer = appID, version
}

// Constraints returns the CHECK constraints of the table as the
// transaction sees it: name -> SQL expression text, from the
// delta.constraints.<name> properties.
func (tx *Transaction) Constraints() map[string]string {
	return ConstraintsOf(tx.Metadata())
}

// ConstraintsOf returns the CHECK constraints stored in a table's
// configuration (delta.constraints.<name> = expression).
func ConstraintsOf(md Metadata) map[string]string {
	out := map[string]string{}
	for k, v := range md.Configuration {
		if strings.HasPrefix(k, "delta.constraints.") {
			out[strings.TrimPrefix(k, "delta.constraints.")] = v
		}
	}
	return out
}

// Abort deletes the files the transaction wrote. It is a no-op after
// Commit.
func (tx *Transaction) Abort(ctx context.Context) {
	if tx.done {
		return
	}
	tx.done = true
	tx.t.deleteFiles(ctx, tx.written)
}

// Commit writes the staged actions as the next version, with a commitInfo
// naming operation and its parameters, and returns the version. On a
// conflict it fails with ErrConcurrentModification (the files it wrote are
// deleted); a transaction cannot be committed twice.
func (tx *Transaction) Commit(ctx context.Context, operation string, params map[string]string) (int64, error) {
	if tx.done {
		return -1, errors.New("delta: commit: transaction already finished")
	}
	err := tx.writeDeletionVectors(ctx)
	v := int64(-1)
	if err == nil {
		v, err = tx.commit(ctx, operation, params)
	}
	if err != nil {
		tx.Abort(ctx)
		return -1, err
	}
	tx.done = true
	tx.t.maybeCheckpoint(ctx, v)
	return v, nil
}

func (tx *Transaction) commit(ctx context.Context, operation string, params map[string]string) (int64, error) {
	snap := tx.snap
	if err := checkWriteSupport(tx.effectiveSnapshot(), WriteOptions{Mode: ModeAppend, ConstraintsChecked: true}); err != nil {
		return -1, err
	}
	live := make(map[string]bool, len(snap.files))
	for _, f := range snap.files {
		live[f.Path] = true
	}
	dataRemoved := false
	for _, r := range tx.removes {
		if !live[r.Path] {
			return -1, fmt.Errorf("delta: commit: remove of %s, which is not a live file of version %d: %w", r.Path, snap.version, ErrConcurrentModification)
		}
		dataRemoved = dataRemoved || r.DataChange
	}
	if dataRemoved && strings.EqualFold(tx.Metadata().Configuration["delta.appendOnly"], "true") {
		return -1, fmt.Errorf("[DELTA_CANNOT_MODIFY_APPEND_ONLY] table %s is append-only (delta.appendOnly=true); it cannot be updated or deleted from: %w", tx.t.store.URL(), ErrUnsupportedFeature)
	}
	protocol := tx.requiredProtocol()
	blind := len(tx.removes) == 0 && !tx.readAll && len(tx.read) == 0 && tx.metadata == nil && protocol == nil
	now := time.Now().UnixMilli()
	if params == nil {
		params = map[string]string{}
	}
	metrics := tx.metrics
	if metrics == nil {
		metrics = map[string]string{}
	}
	ci := map[string]any{
		"timestamp":           now,
		"operation":           operation,
		"operationParameters": params,
		"readVersion":         snap.version,
		"isolationLevel":      "WriteSerializable",
		"isBlindAppend":       blind,
		"operationMetrics":    metrics,
		"engineInfo":          "ingot/" + Version,
		"txnId":               uuid.NewString(),
	}
	actions := []Action{{CommitInfo: ci}}
	if protocol != nil {
		actions = append(actions, Action{Protocol: protocol})
	}
	if tx.metadata != nil {
		actions = append(actions, Action{MetaData: tx.metadata})
	}
	for i := range tx.removes {
		actions = append(actions, Action{Remove: &tx.removes[i]})
	}
	for i := range tx.adds {
		actions = append(actions, Action{Add: &tx.adds[i]})
	}
	for i := range tx.cdcs {
		actions = append(actions, Action{CDC: &tx.cdcs[i]})
	}
	if tx.appID != "" {
		actions = append(actions, Action{Txn: &Txn{AppID: tx.appID, Version: tx.appVer, LastUpdated: &now}})
	}
	body, err := MarshalActions(actions)
	if err != nil {
		return -1, err
	}
	// Like Table.commit, but with the WriteSerializable checks of a
	// transaction that read and removed files; see conflictWith.
	v := snap.version + 1
	for attempt := 1; ; attempt++ {
		err := tx.t.store.PutIfAbsent(ctx, commitPath(v), body)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, storage.ErrExists) {
			return -1, fmt.Errorf("delta: commit %d: %w", v, err)
		}
		if attempt >= maxCommitAttempts {
			return -1, fmt.Errorf("delta: commit %d: gave up after %d attempts: %w: %w", v, attempt, ErrConcurrentModification, err)
		}
		winner, rerr := readCommit(ctx, tx.t.store, v)
		if rerr != nil {
			return -1, fmt.Errorf("delta: commit %d: read winning commit: %w", v, rerr)
		}
		if reason := tx.conflictWith(winner, blind); reason != "" {
			return -1, fmt.Errorf("delta: commit %d: %s: %w: %w", v, reason, ErrConcurrentModification, err)
		}
		v++
	}
}

// conflictWith returns why a concurrently committed version invalidates
// this transaction under WriteSerializable, or "" if the commit can be
// retried on top of it. Unlike Serializable, a concurrent blind append is
// allowed even when this transaction read the whole table: the appended
// rows are serialized after this transaction.
func (tx *Transaction) conflictWith(winner []Action, blind bool) string {
	winnerBlind := false
	for _, a := range winner {
		if a.CommitInfo != nil {
			b, _ := a.CommitInfo["isBlindAppend"].(bool)
			winnerBlind = b
		}
	}
	for _, a := range winner {
		switch {
		case a.MetaData != nil:
			return "[DELTA_METADATA_CHANGED] the table metadata changed concurrently"
		case a.Protocol != nil:
			return "[DELTA_PROTOCOL_CHANGED] the protocol changed concurrently"
		case a.Txn != nil && tx.appID != "" && a.Txn.AppID == tx.appID:
			return fmt.Sprintf("[DELTA_CONCURRENT_TRANSACTION] application %q committed concurrently", a.Txn.AppID)
		case blind:
			continue
		// Even a remove without data change (OPTIMIZE compacting the file)
		// conflicts: committing on top would resurrect or double the rows
		// the file held, now also in the compacted file.
		case a.Remove != nil && tx.read[a.Remove.Path]:
			return fmt.Sprintf("[DELTA_CONCURRENT_DELETE_READ] file %s, which this transaction read or removes, was removed concurrently", a.Remove.Path)
		case a.Add != nil && a.Add.DataChange && tx.readAll && !winnerBlind:
			return "[DELTA_CONCURRENT_APPEND] files were added concurrently to the data this transaction read"
		}
	}
	return ""
}

// requiredProtocol returns the protocol to commit when the staged metadata
// needs a newer writer version than the snapshot's (CHECK constraints need
// writer version 3 or the checkConstraints feature; enabling deletion
// vectors needs reader 3 / writer 7 with the deletionVectors feature),
// else nil.
func (tx *Transaction) requiredProtocol() *Protocol {
	if tx.protocol != nil {
		return tx.protocol
	}
	if tx.metadata == nil {
		return nil
	}
	p := tx.snap.protocol
	if DeletionVectorsEnabled(*tx.metadata) && !protocolSupports(p, "deletionVectors") {
		need := []string{"deletionVectors"}
		if len(ConstraintsOf(*tx.metadata)) > 0 {
			need = append(need, "checkConstraints")
		}
		return upgradeProtocol(&p, need)
	}
	if len(ConstraintsOf(*tx.metadata)) == 0 {
		return nil
	}
	if p.MinWriterVersion >= 7 {
		for _, f := range p.WriterFeatures {
			if f == "checkConstraints" {
				return nil
			}
		}
		np := p
		np.WriterFeatures = append(append([]string(nil), p.WriterFeatures...), "checkConstraints")
		sort.Strings(np.WriterFeatures)
		return &np
	}
	if p.MinWriterVersion >= 3 {
		return nil
	}
	np := p
	np.MinWriterVersion = 3
	return &np
}
