package ingot

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/dml"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/sql"
	"github.com/ingotdata/ingot/types"
)

// replaceWhereCheckKey turns off the check that every written row matches
// the replaceWhere predicate (Delta's conf of the same name).
const replaceWhereCheckKey = "spark.databricks.delta.replaceWhere.constraintCheck.enabled"

// replaceWhereCond is the parsed replaceWhere option of an overwrite, or
// nil: Delta ignores the option in other modes.
func (w *DataFrameWriter) replaceWhereCond(mode delta.SaveMode) (expr.Expr, string, error) {
	text := w.options["replacewhere"]
	if text == "" || mode != delta.ModeOverwrite {
		return nil, "", nil
	}
	cond, err := sql.ParseExpr(text)
	if err != nil {
		return nil, "", fmt.Errorf("ingot: replaceWhere %q: %w", text, err)
	}
	if w.boolOpt("overwriteSchema") {
		return nil, "", fmt.Errorf("ingot: [DELTA_REPLACE_WHERE_WITH_OVERWRITE_SCHEMA] replaceWhere %q cannot be combined with overwriteSchema", text)
	}
	if err := checkDMLExprs("replaceWhere", cond); err != nil {
		return nil, "", err
	}
	return cond, text, nil
}

// checkReplaceWhere wraps data (already through constrain, so generated
// columns are present) so a row the predicate does not accept fails the
// write with [DELTA_REPLACE_WHERE_MISMATCH] before anything commits,
// unless the session turned the check off.
func (w *DataFrameWriter) checkReplaceWhere(data batch.Reader, text string, cond expr.Expr) (batch.Reader, error) {
	if !w.df.s.confBool(replaceWhereCheckKey, true) {
		return data, nil
	}
	schema, err := types.FromArrowSchema(data.Schema())
	if err != nil {
		return nil, err
	}
	chk, err := dml.NewPredicateCheck(schema, text, cond)
	if err != nil {
		return nil, fmt.Errorf("ingot: replaceWhere: %w", err)
	}
	return chk.Reader(data), nil
}

// replaceWhere overwrites the rows of an existing table that match cond
// with data, in one transaction: the matching rows are deleted as DELETE
// would (whole files removed, the rest rewritten or marked with deletion
// vectors) and the new rows added, so readers see either the old rows or
// the new ones. data has been through constrain and checkReplaceWhere; a
// failure there aborts the transaction with nothing committed.
func (w *DataFrameWriter) replaceWhere(ctx context.Context, t *delta.Table, location string, cond expr.Expr, data batch.Reader) error {
	start := time.Now()
	tx, err := t.Begin(ctx)
	if err != nil {
		data.Close()
		return err
	}
	tgt := dml.Target{Table: t, ParseConstraint: sql.ParseExpr, Exec: w.df.s.execOptions()}
	del, err := dml.StageDelete(ctx, tx, tgt, cond)
	if err != nil {
		data.Close()
		tx.Abort(ctx)
		return fmt.Errorf("ingot: replaceWhere on %s: %w", location, err)
	}
	adds, rows, err := dml.StageAppend(ctx, tx, tgt, del, data, w.partitionBy)
	if err != nil {
		tx.Abort(ctx)
		return fmt.Errorf("ingot: replaceWhere on %s: %w", location, err)
	}
	var outBytes int64
	for _, a := range adds {
		outBytes += a.Size
	}
	m := map[string]string{}
	for k, v := range del.Metrics {
		m[k] = v
	}
	if _, ok := m["numDeletedRows"]; !ok {
		m["numDeletedRows"], m["numCopiedRows"], m["numRemovedFiles"], m["numRemovedBytes"] = "0", "0", "0", "0"
	}
	delete(m, "numAddedFiles")
	delete(m, "numAddedBytes")
	m["numFiles"] = strconv.Itoa(len(adds) + len(del.Added))
	m["numOutputRows"] = strconv.FormatInt(rows+del.Copied, 10)
	m["numOutputBytes"] = strconv.FormatInt(outBytes+addedBytes(del.Added), 10)
	m["executionTimeMs"] = strconv.FormatInt(time.Since(start).Milliseconds(), 10)
	tx.SetOperationMetrics(m)
	partCols := w.partitionBy
	if partCols == nil {
		partCols = tx.Metadata().PartitionColumns
	}
	params := map[string]string{"mode": modeName(delta.ModeOverwrite), "partitionBy": jsonList(partCols), "predicate": predicateParam(cond)}
	if _, err := tx.Commit(ctx, "WRITE", params); err != nil {
		return fmt.Errorf("ingot: replaceWhere on %s: %w", location, err)
	}
	return nil
}

func addedBytes(fs []delta.AddFile) int64 {
	var n int64
	for _, f := range fs {
		n += f.Size
	}
	return n
}
