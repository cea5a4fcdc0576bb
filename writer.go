package ingot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/delta"
)

// DataFrameWriter saves a DataFrame, as pyspark's DataFrameWriter does.
// Delta is the only format it writes.
type DataFrameWriter struct {
	df          *DataFrame
	mode        string
	format      string
	options     map[string]string
	partitionBy []string
}

// Write starts saving the DataFrame.
func (df *DataFrame) Write() *DataFrameWriter {
	return &DataFrameWriter{df: df, mode: "errorifexists", format: "delta", options: map[string]string{}}
}

// Mode is "append", "overwrite", "error"/"errorifexists" (default) or "ignore".
func (w *DataFrameWriter) Mode(m string) *DataFrameWriter { w.mode = strings.ToLower(m); return w }

// Format names the output format; only "delta" is written.
func (w *DataFrameWriter) Format(f string) *DataFrameWriter { w.format = strings.ToLower(f); return w }

// Option sets a writer option (mergeSchema, overwriteSchema, replaceWhere,
// ...). replaceWhere, with mode overwrite, replaces only the rows matching
// a SQL predicate (replace_where.go).
func (w *DataFrameWriter) Option(k string, v any) *DataFrameWriter {
	w.options[strings.ToLower(k)] = fmt.Sprint(v)
	return w
}

// Options sets several options.
func (w *DataFrameWriter) Options(opts map[string]string) *DataFrameWriter {
	for k, v := range opts {
		w.Option(k, v)
	}
	return w
}

// PartitionBy lays the data out in Hive-style directories by these columns.
func (w *DataFrameWriter) PartitionBy(cols ...string) *DataFrameWriter {
	w.partitionBy = cols
	return w
}

func (w *DataFrameWriter) check() error {
	if w.df.err != nil {
		return w.df.err
	}
	if w.format != "delta" {
		return fmt.Errorf("ingot: [UNSUPPORTED_DATA_SOURCE_FOR_WRITE] format %q: ingot writes only delta tables", w.format)
	}
	return nil
}

func (w *DataFrameWriter) deltaMode() (delta.SaveMode, error) {
	switch w.mode {
	case "append":
		return delta.ModeAppend, nil
	case "overwrite":
		return delta.ModeOverwrite, nil
	case "error", "errorifexists", "default", "":
		return delta.ModeErrorIfExists, nil
	case "ignore":
		return delta.ModeIgnore, nil
	}
	return 0, fmt.Errorf("ingot: [INVALID_SAVE_MODE] unknown save mode %q (append, overwrite, errorifexists, ignore)", w.mode)
}

func (w *DataFrameWriter) boolOpt(k string) bool {
	b, _ := strconv.ParseBool(w.options[strings.ToLower(k)])
	return b
}

// SaveAsTable writes to a catalog table, creating a managed Delta table in
// the database's location when it does not exist. Overwrite replaces the
// data (and, with overwriteSchema, the schema).
func (w *DataFrameWriter) SaveAsTable(ctx context.Context, name string) error {
	if err := w.check(); err != nil {
		return err
	}
	mode, err := w.deltaMode()
	if err != nil {
		return err
	}
	ct, created, err := w.df.s.ensureTable(ctx, name)
	if err != nil {
		return err
	}
	if !created {
		switch mode {
		case delta.ModeErrorIfExists:
			return fmt.Errorf("ingot: [TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view %s because it already exists", ct.Ident())
		case delta.ModeIgnore:
			return nil
		}
	}
	if err := w.saveTo(ctx, ct.Location, mode, "CREATE OR REPLACE TABLE AS SELECT"); err != nil {
		if created {
			// Do not leave a catalog entry pointing at no table.
			_ = w.df.s.catalog.DropTable(ctx, ct.Database, ct.Name, true)
		}
		return err
	}
	return nil
}

// Save writes a Delta table at a path.
func (w *DataFrameWriter) Save(ctx context.Context, path string) error {
	if err := w.check(); err != nil {
		return err
	}
	mode, err := w.deltaMode()
	if err != nil {
		return err
	}
	return w.saveTo(ctx, path, mode, "WRITE")
}

func (w *DataFrameWriter) saveTo(ctx context.Context, location string, mode delta.SaveMode, createOp string) error {
	t, err := openDelta(ctx, location)
	if err != nil {
		return err
	}
	exists, err := t.Exists(ctx)
	if err != nil {
		return err
	}
	op := "WRITE"
	if !exists {
		op = createOp
	}
	data, err := w.df.Stream(ctx)
	if err != nil {
		return err
	}
	defer data.Close()
	data, checked, err := constrain(ctx, t, w.df.Schema(), data)
	if err != nil {
		return err
	}
	if cond, text, err := w.replaceWhereCond(mode); err != nil {
		return err
	} else if cond != nil {
		if data, err = w.checkReplaceWhere(data, text, cond); err != nil {
			return err
		}
		if exists {
			return w.replaceWhere(ctx, t, location, cond, data)
		}
	}
	_, err = t.Write(ctx, data, delta.WriteOptions{
		ConstraintsChecked:  checked,
		Mode:                mode,
		PartitionBy:         w.partitionBy,
		Operation:           op,
		OperationParameters: map[string]string{"mode": modeName(mode), "partitionBy": jsonList(w.partitionBy)},
		MergeSchema:         w.boolOpt("mergeSchema") || w.df.s.confBool("spark.databricks.delta.schema.autoMerge.enabled", false),
		OverwriteSchema:     w.boolOpt("overwriteSchema") || (mode == delta.ModeOverwrite && createOp != "WRITE"),
	})
	if err != nil {
		return fmt.Errorf("ingot: write %s: %w", location, err)
	}
	return nil
}

func modeName(m delta.SaveMode) string {
	switch m {
	case delta.ModeAppend:
		return "Append"
	case delta.ModeOverwrite:
		return "Overwrite"
	case delta.ModeIgnore:
		return "Ignore"
	}
	return "ErrorIfExists"
}

func jsonList(ss []string) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(parts, ",") + "]"
}
