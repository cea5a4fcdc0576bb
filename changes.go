package ingot

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// changesSource reads a Delta table's change data feed between two points:
// what table_changes('t', start, end) and the readChangeFeed option read.
// Its rows are the table's columns followed by _change_type,
// _commit_version and _commit_timestamp, as Delta's are.
type changesSource struct {
	table      *delta.Table
	label      string
	schema     types.StructType
	startV     int64     // first version, when startT is zero
	startT     time.Time // first commit time, when set
	endVersion int64     // last version inclusive; -1 = latest
}

func (c *changesSource) Name() string             { return c.label }
func (c *changesSource) Schema() types.StructType { return c.schema }

func (c *changesSource) Scan(ctx context.Context, req plan.ScanRequest) (batch.Reader, error) {
	var r batch.Reader
	var err error
	if !c.startT.IsZero() {
		r, err = c.table.ChangesSince(ctx, c.startT, c.endVersion, nil)
	} else {
		r, err = c.table.Changes(ctx, c.startV, c.endVersion, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("ingot: %s: %w", c.label, err)
	}
	return batch.Select(r, req.Columns), nil
}

// changeFeedSchema is the table schema plus Delta's change columns.
func changeFeedSchema(table types.StructType) types.StructType {
	out := types.StructType{Fields: append([]types.StructField(nil), table.Fields...)}
	out.Fields = append(out.Fields,
		types.Field("_change_type", types.String),
		types.Field("_commit_version", types.Long),
		types.Field("_commit_timestamp", types.Timestamp))
	return out
}

// changesNode builds the change-feed source of a catalog table; start and
// end are version numbers or timestamps (end nil: the latest version).
func (s *Session) changesNode(ctx context.Context, name string, start, end expr.Expr) (plan.Node, error) {
	ct, t, err := s.lookupTable(ctx, name)
	if err != nil {
		return nil, err
	}
	snap, err := snapshotAt(ctx, t, -1)
	if err != nil {
		return nil, err
	}
	// Checked here too, not only when the feed is read, so the error
	// surfaces where the query is written, as Spark's analysis does.
	if on, _ := strconv.ParseBool(snap.Metadata().Configuration["delta.enableChangeDataFeed"]); !on {
		return nil, fmt.Errorf("ingot: [DELTA_MISSING_CHANGE_DATA] %s does not record changes: set TBLPROPERTIES (delta.enableChangeDataFeed = true): %w", ct.Ident(), delta.ErrChangeDataNotEnabled)
	}
	src := &changesSource{table: t, schema: changeFeedSchema(snap.Schema()), endVersion: -1,
		label: fmt.Sprintf("table_changes(spark_catalog.%s.%s)", ct.Database, ct.Name)}
	if v, ok := constInt(start); ok {
		src.startV = v
	} else if src.startT, err = s.constTimestamp(start); err != nil {
		return nil, fmt.Errorf("ingot: table_changes start: %w", err)
	}
	if end != nil {
		if v, ok := constInt(end); ok {
			src.endVersion = v
		} else {
			ts, err := s.constTimestamp(end)
			if err != nil {
				return nil, fmt.Errorf("ingot: table_changes end: %w", err)
			}
			if src.endVersion, err = t.VersionAtTimestamp(ctx, ts); err != nil {
				return nil, fmt.Errorf("ingot: table_changes end %s: %w", ts.Format(time.RFC3339), err)
			}
		}
	}
	return &plan.Scan{Source: src}, nil
}

// ResolveTableChanges plans table_changes('t', start[, end]) for SQL.
func (r sessionResolver) ResolveTableChanges(ctx context.Context, table, start, end expr.Expr) (plan.Node, error) {
	lit, ok := table.(*expr.Literal)
	var name string
	if ok {
		name, ok = lit.Value.(string)
	}
	if !ok {
		return nil, fmt.Errorf("ingot: [INVALID_SQL_SYNTAX] table_changes needs the table name as a string, not %s", table)
	}
	return r.s.changesNode(ctx, name, start, end)
}

// constInt reads an integer literal.
func constInt(e expr.Expr) (int64, bool) {
	lit, ok := e.(*expr.Literal)
	if !ok {
		return 0, false
	}
	switch v := lit.Value.(type) {
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case int16:
		return int64(v), true
	case int8:
		return int64(v), true
	}
	return 0, false
}
