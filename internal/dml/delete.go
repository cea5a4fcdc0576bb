package dml

import (
	"context"
	"fmt"

	"github.com/ingotdata/ingot/internal/expr"
)

// Delete removes the rows of the target for which where is true (every row
// when where is nil); a row whose condition is NULL stays. Copy-on-write:
// files without a matching row are untouched, files whose rows all match
// are removed without being rewritten, the others are rewritten without
// the deleted rows. On a table with delta.enableDeletionVectors, matching
// rows are marked deleted with deletion vectors instead (dv.go). It is
// StageDelete committed on its own.
func Delete(ctx context.Context, tgt Target, where expr.Expr) (Result, error) {
	tx, err := tgt.Table.Begin(ctx)
	if err != nil {
		return Result{}, err
	}
	st, err := StageDelete(ctx, tx, tgt, where)
	if err != nil {
		tx.Abort(ctx)
		return Result{}, err
	}
	if st.Deleted == 0 {
		tx.Abort(ctx)
		return Result{Version: -1, Metrics: map[string]string{}}, nil
	}
	tx.SetOperationMetrics(st.Metrics)
	v, err := tx.Commit(ctx, "DELETE", tgt.Params)
	if err != nil {
		return Result{}, fmt.Errorf("dml: delete: %w", err)
	}
	return Result{Version: v, Affected: st.Deleted, Deleted: st.Deleted, Copied: st.Copied, Metrics: st.Metrics}, nil
}
