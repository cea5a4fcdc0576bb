package source

import (
	"context"
	"fmt"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// DeltaSnapshot reads every live file of a Delta table. With Pinned set it
// reads exactly Snapshot (time travel, or a streaming micro-batch); without,
// each scan reads the table's latest version, so a DataFrame defined before
// a writer commits sees the commit when it runs — as a Spark DataFrame over
// a catalog table does. The schema is fixed when the DataFrame is analyzed:
// a scan of a newer version whose schema differs fails rather than return
// rows of another shape.
type DeltaSnapshot struct {
	Table    *delta.Table
	Snapshot *delta.Snapshot // the version analyzed against
	Pinned   bool
	Label    string // the table's name, e.g. "spark_catalog.db.t"
	// IgnoreCorruptFiles is spark.sql.files.ignoreCorruptFiles (or the
	// reader option): a corrupt data file is skipped with a warning
	// instead of failing the scan (delta.ScanOptions.IgnoreCorruptFiles).
	IgnoreCorruptFiles bool
}

var _ plan.Source = (*DeltaSnapshot)(nil)

func (d *DeltaSnapshot) Name() string { return d.Label }

func (d *DeltaSnapshot) Schema() types.StructType { return d.Snapshot.Schema() }

func (d *DeltaSnapshot) Scan(ctx context.Context, req plan.ScanRequest) (batch.Reader, error) {
	snap := d.Snapshot
	if !d.Pinned && d.Table != nil {
		latest, err := d.Table.Snapshot(ctx)
		if err != nil {
			return nil, fmt.Errorf("source: %s: %w", d.Label, err)
		}
		if !types.Equal(latest.Schema(), snap.Schema()) {
			return nil, fmt.Errorf("source: [DELTA_SCHEMA_CHANGED] the schema of %s changed since the query was defined (version %d -> %d); define the DataFrame again", d.Label, snap.Version(), latest.Version())
		}
		snap = latest
	}
	return snap.Scan(ctx, delta.ScanOptions{Columns: columnNames(snap.Schema(), req.Columns), IgnoreCorruptFiles: d.IgnoreCorruptFiles})
}

// DeltaFiles reads chosen data files of a Delta table, as a streaming
// micro-batch does with the files added by the commits it covers.
type DeltaFiles struct {
	Table         *delta.Table
	TableSchema   types.StructType
	PartitionCols []string
	Files         []delta.AddFile
	Label         string
}

var _ plan.Source = (*DeltaFiles)(nil)

func (d *DeltaFiles) Name() string { return d.Label }

func (d *DeltaFiles) Schema() types.StructType { return d.TableSchema }

func (d *DeltaFiles) Scan(ctx context.Context, req plan.ScanRequest) (batch.Reader, error) {
	return d.Table.ReadFiles(ctx, d.TableSchema, d.PartitionCols, d.Files, columnNames(d.TableSchema, req.Columns))
}

// columnNames maps projection indices to names; nil means all columns.
func columnNames(schema types.StructType, cols []int) []string {
	if cols == nil {
		return nil
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = schema.Fields[c].Name
	}
	return out
}
