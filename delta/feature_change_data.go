package delta

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/ingotdata/ingot/batch"
)

// Change types of rows in change data files besides ChangeInsert and
// ChangeDelete: the before and after images of an updated row.
const (
	ChangeUpdatePreimage  = "update_preimage"
	ChangeUpdatePostimage = "update_postimage"
)

// WriteChangeFiles writes data as change data files of the table: the
// rows with an extra _change_type column holding changeType (insert,
// delete, update_preimage or update_postimage), under _change_data/ in
// the table's partition layout, and returns their cdc actions
// (dataChange=false). data's columns are matched to the table's like
// Transaction.WriteFiles does; partitionBy may be nil or must equal the
// table's partition columns. data is consumed and closed.
//
// Nothing is committed: the caller adds the actions to the commit that
// changes the rows (WriteOptions.ChangeFiles, which Write deletes if its
// commit fails, or Transaction.AddChanges) or deletes them with
// DeleteChangeFiles. Appends and whole-file
// removes need no change files (readers derive inserts and deletes from
// add and remove actions); a commit that rewrites rows (UPDATE, MERGE, a
// DELETE copying the surviving rows) on a table with
// delta.enableChangeDataFeed=true must describe all of its changes with
// them, since readers then ignore its adds and removes.
func (t *Table) WriteChangeFiles(ctx context.Context, data batch.Reader, changeType string, partitionBy []string) ([]AddCDCFile, error) {
	fail := func(err error) ([]AddCDCFile, error) {
		data.Close()
		return nil, err
	}
	switch changeType {
	case ChangeInsert, ChangeDelete, ChangeUpdatePreimage, ChangeUpdatePostimage:
	default:
		return fail(fmt.Errorf("delta: write change files: unknown change type %q (insert, delete, update_preimage, update_postimage)", changeType))
	}
	tx, err := t.Begin(ctx)
	if err != nil {
		return fail(fmt.Errorf("delta: write change files: %w", err))
	}
	if parts := tx.Metadata().PartitionColumns; len(partitionBy) > 0 && !equalFoldList(partitionBy, parts) {
		return fail(fmt.Errorf("[DELTA_PARTITION_COLUMN_MISMATCH] change data partitioning %v does not match the table's %v: %w", partitionBy, parts, ErrSchemaMismatch))
	}
	if data.Schema().HasField(ChangeTypeColumn) {
		return fail(fmt.Errorf("delta: write change files: the data already has a %s column: %w", ChangeTypeColumn, ErrSchemaMismatch))
	}
	// The transaction only lays the files out (Transaction.WriteChangeFiles
	// closes the reader); it is never committed, nor aborted, which would
	// delete the files.
	return tx.WriteChangeFiles(ctx, &withChangeType{in: data, changeType: changeType})
}

// withChangeType appends a constant _change_type column to every batch.
type withChangeType struct {
	in         batch.Reader
	changeType string
	schema     *arrow.Schema
}

func (r *withChangeType) Schema() *arrow.Schema {
	if r.schema == nil {
		fields := append(append([]arrow.Field(nil), r.in.Schema().Fields()...),
			arrow.Field{Name: ChangeTypeColumn, Type: arrow.BinaryTypes.String, Nullable: true})
		r.schema = arrow.NewSchema(fields, nil)
	}
	return r.schema
}

func (r *withChangeType) Next(ctx context.Context) (arrow.RecordBatch, error) {
	rec, err := r.in.Next(ctx)
	if rec == nil || err != nil {
		return rec, err
	}
	defer rec.Release()
	ct, err := scalar.MakeArrayFromScalar(scalar.NewStringScalar(r.changeType), int(rec.NumRows()), memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("delta: write change files: %w", err)
	}
	defer ct.Release()
	cols := append(append([]arrow.Array(nil), rec.Columns()...), ct)
	return array.NewRecordBatch(r.Schema(), cols, rec.NumRows()), nil
}

func (r *withChangeType) Close() error { return r.in.Close() }

// DeleteChangeFiles deletes change data files that were written but not
// committed, best effort (an orphan is harmless: VACUUM removes it).
func (t *Table) DeleteChangeFiles(ctx context.Context, files []AddCDCFile) {
	adds := make([]AddFile, len(files))
	for i, f := range files {
		adds[i] = AddFile{Path: f.Path}
	}
	t.deleteFiles(ctx, adds)
}
