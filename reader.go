package ingot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/format"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/internal/source"
	"github.com/ingotdata/ingot/internal/sql"
	"github.com/ingotdata/ingot/types"
)

// DataFrameReader loads batch data, as pyspark's DataFrameReader does:
// Format("csv").Option("header", "true").Load(ctx, path).
type DataFrameReader struct {
	s       *Session
	format  string
	options map[string]string
	schema  *types.StructType
}

// Read starts a batch read.
func (s *Session) Read() *DataFrameReader {
	return &DataFrameReader{s: s, format: "parquet", options: map[string]string{}}
}

// Format names the input format: "csv", "json", "parquet" or "delta".
func (r *DataFrameReader) Format(f string) *DataFrameReader { r.format = strings.ToLower(f); return r }

// Option sets a reader option; values are formatted with fmt.Sprint, so
// Option("header", true) and Option("header", "true") are the same.
func (r *DataFrameReader) Option(k string, v any) *DataFrameReader {
	r.options[strings.ToLower(k)] = fmt.Sprint(v)
	return r
}

// Options sets several options.
func (r *DataFrameReader) Options(opts map[string]string) *DataFrameReader {
	for k, v := range opts {
		r.Option(k, v)
	}
	return r
}

// Schema sets the schema instead of inferring it.
func (r *DataFrameReader) Schema(st types.StructType) *DataFrameReader { r.schema = &st; return r }

// Load reads the file or directory at path (for delta, the table's root).
func (r *DataFrameReader) Load(ctx context.Context, path string) (*DataFrame, error) {
	if r.format == "delta" {
		return r.loadDelta(ctx, path)
	}
	opts := format.NewOptions(r.options)
	set, err := format.Open(ctx, path, r.format, opts)
	if err != nil {
		return nil, err
	}
	var schema types.StructType
	if r.schema != nil {
		schema = *r.schema
	}
	src, err := source.NewFiles(ctx, set, schema, r.format+" "+path)
	if err != nil {
		return nil, err
	}
	return r.s.scanFrame(src, ""), nil
}

// CSV, JSON and Parquet are Format(...).Load(path).
func (r *DataFrameReader) CSV(ctx context.Context, path string) (*DataFrame, error) {
	return r.Format("csv").Load(ctx, path)
}
func (r *DataFrameReader) JSON(ctx context.Context, path string) (*DataFrame, error) {
	return r.Format("json").Load(ctx, path)
}
func (r *DataFrameReader) Parquet(ctx context.Context, path string) (*DataFrame, error) {
	return r.Format("parquet").Load(ctx, path)
}

// Table reads a catalog table (time travel with the versionAsOf or
// timestampAsOf option).
//
// With the readChangeFeed option it reads the table's change data feed
// from startingVersion (or startingTimestamp) through endingVersion (or
// endingTimestamp, default the latest), as Delta's reader does.
func (r *DataFrameReader) Table(ctx context.Context, name string) (*DataFrame, error) {
	if cdf, _ := strconv.ParseBool(r.options["readchangefeed"]); cdf {
		start, end, err := r.changeRange()
		if err != nil {
			return nil, err
		}
		n, err := r.s.changesNode(ctx, name, start, end)
		if err != nil {
			return nil, err
		}
		return r.s.newDataFrame(n), nil
	}
	tt, err := r.timeTravel()
	if err != nil {
		return nil, err
	}
	return r.s.table(ctx, name, tt)
}

// timeTravel reads the versionAsOf / timestampAsOf options.
func (r *DataFrameReader) timeTravel() (*sql.TimeTravel, error) {
	if s, ok := r.options["versionasof"]; ok {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("ingot: versionAsOf=%q is not a table version", s)
		}
		return &sql.TimeTravel{Version: &v}, nil
	}
	if s, ok := r.options["timestampasof"]; ok {
		return &sql.TimeTravel{Timestamp: expr.Lit(s)}, nil
	}
	return nil, nil
}

func (r *DataFrameReader) loadDelta(ctx context.Context, path string) (*DataFrame, error) {
	tt, err := r.timeTravel()
	if err != nil {
		return nil, err
	}
	n, err := r.s.resolveRelation(ctx, sql.TableName{Format: "delta", Path: path}, tt)
	if err != nil {
		return nil, err
	}
	// The ignoreCorruptFiles option overrides the session setting.
	if v, ok := r.options["ignorecorruptfiles"]; ok {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("ingot: option ignoreCorruptFiles: %q is not a boolean", v)
		}
		if sc, ok := n.(*plan.Scan); ok {
			if src, ok := sc.Source.(*source.DeltaSnapshot); ok {
				src.IgnoreCorruptFiles = b
			}
		}
	}
	return r.s.newDataFrame(n), nil
}

// snapshotAt loads version (or the latest when version < 0), naming
// Spark's error class when the location holds no Delta table.
func snapshotAt(ctx context.Context, t *delta.Table, version int64) (*delta.Snapshot, error) {
	var snap *delta.Snapshot
	var err error
	if version >= 0 {
		snap, err = t.SnapshotAt(ctx, version)
	} else {
		snap, err = t.Snapshot(ctx)
	}
	if errors.Is(err, delta.ErrNotATable) {
		return nil, fmt.Errorf("[DELTA_MISSING_DELTA_TABLE] %s is not a Delta table: %w", t.Store().URL(), err)
	}
	return snap, err
}

// Table reads a catalog table at its latest version.
func (s *Session) Table(ctx context.Context, name string) (*DataFrame, error) {
	return s.table(ctx, name, nil)
}

func (s *Session) table(ctx context.Context, name string, tt *sql.TimeTravel) (*DataFrame, error) {
	tn, err := s.parseTableName(name)
	if err != nil {
		return nil, err
	}
	n, err := s.resolveRelation(ctx, sql.TableName{Database: tn.db, Name: tn.table}, tt)
	if err != nil {
		return nil, err
	}
	return s.newDataFrame(n), nil
}

// scanFrame is a DataFrame reading src, qualified by alias when given.
func (s *Session) scanFrame(src plan.Source, alias string) *DataFrame {
	return s.newDataFrame(&plan.Scan{Source: src, Alias: alias})
}

// changeRange reads the change feed's starting/ending version or timestamp
// options as constant expressions.
func (r *DataFrameReader) changeRange() (start, end expr.Expr, err error) {
	bound := func(version, timestamp string) (expr.Expr, error) {
		if v, ok := r.options[version]; ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("ingot: %s=%q is not a table version", version, v)
			}
			return expr.Lit(n), nil
		}
		if ts, ok := r.options[timestamp]; ok {
			return expr.Lit(ts), nil
		}
		return nil, nil
	}
	if start, err = bound("startingversion", "startingtimestamp"); err != nil {
		return nil, nil, err
	}
	if start == nil {
		return nil, nil, fmt.Errorf("ingot: [DELTA_CHANGE_DATA_FEED_START_NOT_SET] readChangeFeed needs startingVersion or startingTimestamp")
	}
	end, err = bound("endingversion", "endingtimestamp")
	return start, end, err
}
