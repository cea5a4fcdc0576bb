package ingot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/sql"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// execMaintenance runs Delta table maintenance: OPTIMIZE, VACUUM and
// RESTORE TABLE. The work is the delta package's; this file resolves the
// table, translates the statement's options and shapes Delta's result
// rows.
func (s *Session) execMaintenance(ctx context.Context, stmt sql.Statement) (*DataFrame, error) {
	switch st := stmt.(type) {
	case *sql.Optimize:
		return s.optimize(ctx, st)
	case *sql.Vacuum:
		return s.vacuum(ctx, st)
	case *sql.Restore:
		return s.restore(ctx, st)
	}
	return nil, fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] statement not supported yet: %s", firstLine(stmt.String()))
}

// maintenanceTable opens the Delta table a maintenance statement names (a
// catalog table or delta.`path`) and checks that it exists.
func (s *Session) maintenanceTable(ctx context.Context, name sql.TableName) (*delta.Table, string, error) {
	var t *delta.Table
	var label string
	if name.IsPath() {
		if name.Format != "" && name.Format != "delta" {
			return nil, "", fmt.Errorf("ingot: [UNSUPPORTED_DATA_SOURCE] %s.`%s`: only delta tables are addressed by path", name.Format, name.Path)
		}
		var err error
		if t, err = openDelta(ctx, name.Path); err != nil {
			return nil, "", err
		}
		label = "delta.`" + name.Path + "`"
	} else {
		tn, err := s.catalogName(name)
		if err != nil {
			return nil, "", err
		}
		ct, err := s.catalog.GetTable(ctx, tn.db, tn.table)
		if err != nil {
			return nil, "", err
		}
		if t, err = openDelta(ctx, ct.Location); err != nil {
			return nil, "", err
		}
		label = ct.Ident()
	}
	ok, err := t.Exists(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("ingot: %s: %w", label, err)
	}
	if !ok {
		return nil, "", fmt.Errorf("ingot: [DELTA_MISSING_DELTA_TABLE] %s is not a Delta table: %w", label, delta.ErrNotATable)
	}
	return t, label, nil
}

// optimize runs OPTIMIZE and returns Delta's result row: the table path
// and the metrics struct (rendered as JSON).
func (s *Session) optimize(ctx context.Context, st *sql.Optimize) (*DataFrame, error) {
	t, label, err := s.maintenanceTable(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	opts := delta.OptimizeOptions{ZOrderBy: st.ZOrderBy}
	if opts.TargetFileSize, err = s.confBytes("spark.databricks.delta.optimize.maxFileSize"); err != nil {
		return nil, err
	}
	if opts.MinFileSize, err = s.confBytes("spark.databricks.delta.optimize.minFileSize"); err != nil {
		return nil, err
	}
	if st.Where != nil {
		snap, err := t.Snapshot(ctx)
		if err != nil {
			return nil, fmt.Errorf("ingot: %s: %w", label, err)
		}
		p, err := partitionPredicate(st.Where, snap.Schema(), snap.PartitionColumns(), s.sessionLocation())
		if err != nil {
			return nil, err
		}
		opts.Where, opts.Predicate = p, st.Where.String()
	}
	m, err := t.Optimize(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("ingot: OPTIMIZE %s: %w", label, err)
	}
	return s.localFrame(types.NewStruct(types.Field("path", types.String), types.Field("metrics", types.String)),
		[][]any{{t.Store().URL(), m.String()}})
}

// vacuum runs VACUUM and returns the files it deleted (or, with DRY RUN,
// would delete) as absolute paths.
func (s *Session) vacuum(ctx context.Context, st *sql.Vacuum) (*DataFrame, error) {
	t, label, err := s.maintenanceTable(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	opts := delta.VacuumOptions{
		RetentionHours:     st.RetainHours,
		DryRun:             st.DryRun,
		SkipRetentionCheck: !s.confBool("spark.databricks.delta.retentionDurationCheck.enabled", true),
		NoCommitInfo:       !s.confBool("spark.databricks.delta.vacuum.logging.enabled", true),
	}
	res, err := t.Vacuum(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("ingot: VACUUM %s: %w", label, err)
	}
	deleted := res.FilesDeleted
	if tc, ok := t.Store().(storage.TempCleaner); ok && !st.DryRun {
		// Temp files of writes killed before publishing their object are
		// in no Delta log, so VACUUM itself never sees them (List hides
		// them). Only ones older than StaleTempAge go: a younger one may be
		// a concurrent writer's, about to be renamed into place.
		temps, err := tc.RemoveStaleTemps(ctx, "", time.Now().Add(-storage.StaleTempAge))
		if err != nil {
			return nil, fmt.Errorf("ingot: VACUUM %s: %w", label, err)
		}
		deleted = append(deleted, temps...)
	}
	root := strings.TrimSuffix(t.Store().URL(), "/") + "/"
	rows := make([][]any, len(deleted))
	for i, p := range deleted {
		rows[i] = []any{root + p}
	}
	return s.localFrame(types.NewStruct(types.Field("path", types.String)), rows)
}

// restore runs RESTORE TABLE and returns Delta's metrics row.
func (s *Session) restore(ctx context.Context, st *sql.Restore) (*DataFrame, error) {
	t, label, err := s.maintenanceTable(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	var opts delta.RestoreOptions
	switch {
	case st.Timestamp != nil:
		ts, err := parseRestoreTimestamp(*st.Timestamp, s.sessionLocation())
		if err != nil {
			return nil, err
		}
		opts.Timestamp = ts
	case st.Version != nil:
		opts.Version = *st.Version
	default:
		return nil, errors.New("ingot: [PARSE_SYNTAX_ERROR] RESTORE needs VERSION AS OF or TIMESTAMP AS OF")
	}
	m, err := t.Restore(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("ingot: RESTORE %s: %w", label, err)
	}
	return s.localFrame(types.NewStruct(
		types.Field("table_size_after_restore", types.Long),
		types.Field("num_of_files_after_restore", types.Long),
		types.Field("num_removed_files", types.Long),
		types.Field("num_restored_files", types.Long),
		types.Field("removed_files_size", types.Long),
		types.Field("restored_files_size", types.Long),
	), [][]any{{m.TableSizeAfterRestore, m.NumOfFilesAfterRestore, m.NumRemovedFiles, m.NumRestoredFiles, m.RemovedFilesSize, m.RestoredFilesSize}})
}

// confBytes reads a size setting in bytes (0 when unset: the delta
// package's default applies).
func (s *Session) confBytes(key string) (int64, error) {
	v := strings.TrimSpace(s.GetConf(key, ""))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("ingot: [INVALID_CONF_VALUE] %s = %q is not a positive number of bytes", key, v)
	}
	return n, nil
}

// sessionLocation is spark.sql.session.timeZone (default UTC), in which
// timestamp strings without a zone are read.
func (s *Session) sessionLocation() *time.Location {
	if loc, err := time.LoadLocation(s.GetConf("spark.sql.session.timeZone", "UTC")); err == nil {
		return loc
	}
	return time.UTC
}

var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseRestoreTimestamp reads the string of TIMESTAMP AS OF the way a
// cast to TIMESTAMP does for the common forms.
func parseRestoreTimestamp(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timestampLayouts {
		if ts, err := time.ParseInLocation(layout, s, loc); err == nil {
			return ts, nil
		}
	}
	return time.Time{}, fmt.Errorf("ingot: [INVALID_TIMESTAMP_FORMAT] TIMESTAMP AS OF %q is not a timestamp (want yyyy-MM-dd[ HH:mm:ss[.SSS]])", s)
}

// partitionPredicate translates OPTIMIZE's WHERE into the delta package's
// filter form: a conjunction of comparisons of partition columns with
// literals. Delta accepts only partition columns there; a data column is
// DELTA_NON_PARTITION_COLUMN_REFERENCE.
func partitionPredicate(e expr.Expr, schema types.StructType, partCols []string, loc *time.Location) (*delta.Predicate, error) {
	p := &delta.Predicate{}
	var walk func(e expr.Expr) error
	unsupported := func(e expr.Expr) error {
		return fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] OPTIMIZE WHERE supports AND-ed comparisons of partition columns with literals, not %s", e.String())
	}
	column := func(e expr.Expr) (types.StructField, bool, error) {
		c, ok := e.(*expr.ColumnRef)
		if !ok {
			return types.StructField{}, false, nil
		}
		i := schema.FieldIndex(c.Name)
		if i < 0 {
			return types.StructField{}, false, fmt.Errorf("ingot: [UNRESOLVED_COLUMN.WITH_SUGGESTION] column %q not found in OPTIMIZE WHERE; columns: %s", c.Name, strings.Join(schema.Names(), ", "))
		}
		f := schema.Fields[i]
		if !containsFold(partCols, f.Name) {
			return f, false, fmt.Errorf("ingot: [DELTA_NON_PARTITION_COLUMN_REFERENCE] predicate references non-partition column %q; only the partition columns may be referenced: [%s]", f.Name, strings.Join(partCols, ", "))
		}
		return f, true, nil
	}
	ops := map[expr.BinaryOperator]delta.CompareOp{
		expr.OpEq: delta.OpEq, expr.OpNotEq: delta.OpNe, expr.OpLt: delta.OpLt,
		expr.OpLtEq: delta.OpLe, expr.OpGt: delta.OpGt, expr.OpGtEq: delta.OpGe,
	}
	flipped := map[delta.CompareOp]delta.CompareOp{
		delta.OpEq: delta.OpEq, delta.OpNe: delta.OpNe, delta.OpLt: delta.OpGt,
		delta.OpLe: delta.OpGe, delta.OpGt: delta.OpLt, delta.OpGe: delta.OpLe,
	}
	walk = func(e expr.Expr) error {
		switch n := e.(type) {
		case *expr.Binary:
			if n.Op == expr.OpAnd {
				if err := walk(n.Left); err != nil {
					return err
				}
				return walk(n.Right)
			}
			op, ok := ops[n.Op]
			if !ok {
				return unsupported(e)
			}
			colExpr, litExpr := n.Left, n.Right
			f, isCol, err := column(colExpr)
			if err != nil {
				return err
			}
			if !isCol {
				colExpr, litExpr, op = n.Right, n.Left, flipped[op]
				if f, isCol, err = column(colExpr); err != nil {
					return err
				}
				if !isCol {
					return unsupported(e)
				}
			}
			lit, ok := litExpr.(*expr.Literal)
			if !ok {
				return unsupported(e)
			}
			v, err := predicateValue(lit, f.Type, loc)
			if err != nil {
				return err
			}
			if v == nil {
				// A comparison with NULL is never true: no partition.
				p.And = append(p.And, delta.Term{Column: f.Name, Op: delta.OpIsNull}, delta.Term{Column: f.Name, Op: delta.OpIsNotNull})
				return nil
			}
			p.And = append(p.And, delta.Term{Column: f.Name, Op: op, Value: v})
			return nil
		case *expr.Unary:
			var op delta.CompareOp
			switch n.Op {
			case expr.OpIsNull:
				op = delta.OpIsNull
			case expr.OpIsNotNull:
				op = delta.OpIsNotNull
			default:
				return unsupported(e)
			}
			f, isCol, err := column(n.Child)
			if err != nil {
				return err
			}
			if !isCol {
				return unsupported(e)
			}
			p.And = append(p.And, delta.Term{Column: f.Name, Op: op})
			return nil
		}
		return unsupported(e)
	}
	if err := walk(e); err != nil {
		return nil, err
	}
	return p, nil
}

// predicateValue converts a literal to the Go value delta.Term expects for
// a column of type t: numbers as they are, DATE and TIMESTAMP as
// time.Time (from a typed literal or a string, as Spark casts it).
func predicateValue(lit *expr.Literal, t types.DataType, loc *time.Location) (any, error) {
	switch v := lit.Value.(type) {
	case nil:
		return nil, nil
	case expr.Decimal:
		return decimalString(v), nil
	case string:
		switch t.(type) {
		case types.DateType, types.TimestampType, types.TimestampNTZType:
			ts, err := parseRestoreTimestamp(v, loc)
			if err != nil {
				return nil, fmt.Errorf("ingot: [CAST_INVALID_INPUT] %q cannot be compared with %s column: %w", v, t.SQL(), err)
			}
			return ts, nil
		}
		return v, nil
	case int32:
		if _, ok := lit.Type.(types.DateType); ok {
			return time.Unix(int64(v)*86400, 0).UTC(), nil
		}
		return v, nil
	case int64:
		switch lit.Type.(type) {
		case types.TimestampType, types.TimestampNTZType:
			return time.UnixMicro(v).UTC(), nil
		}
		return v, nil
	}
	return lit.Value, nil
}

func decimalString(d expr.Decimal) string {
	u := d.Unscaled
	neg := strings.HasPrefix(u, "-")
	u = strings.TrimPrefix(u, "-")
	if d.Scale > 0 {
		for len(u) <= d.Scale {
			u = "0" + u
		}
		u = u[:len(u)-d.Scale] + "." + u[len(u)-d.Scale:]
	}
	if neg {
		u = "-" + u
	}
	return u
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
