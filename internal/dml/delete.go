package dml

import (
	"context"
	"time"

	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// Delete removes the rows of the target for which where is true (every row
// when where is nil); a row whose condition is NULL stays. Copy-on-write:
// files without a matching row are untouched, files whose rows all match
// are removed without being rewritten, the others are rewritten without
// the deleted rows. On a table with delta.enableDeletionVectors, matching
// rows are marked deleted with deletion vectors instead (dv.go).
func Delete(ctx context.Context, tgt Target, where expr.Expr) (Result, error) {
	start := time.Now()
	tx, err := tgt.Table.Begin(ctx)
	if err != nil {
		return Result{}, err
	}
	snap := tx.Snapshot()
	cond := where
	if cond == nil {
		cond = expr.Lit(true)
	}
	files := candidateFiles(snap, tgt.Name, where)
	tx.ReadWholeTable()
	counts, matched, err := matchRows(ctx, tgt, snap, files, cond)
	if err != nil {
		return Result{}, err
	}
	var removed []delta.AddFile
	var rewriteIdx []int
	var deleted int64
	for i, c := range counts {
		if c == 0 {
			continue
		}
		deleted += c
		removed = append(removed, files[i])
		if numRecords(files[i]) != c {
			rewriteIdx = append(rewriteIdx, i)
		}
	}
	if len(removed) == 0 {
		return Result{Version: -1, Metrics: map[string]string{}}, nil
	}
	if dvOn(tx) {
		return deleteWithDVs(ctx, tx, tgt, files, counts, matched, deleted, start)
	}
	if len(rewriteIdx) > 0 && changeFeedOn(tx) {
		// Whole files removed read as deletes by themselves; once a file
		// is rewritten the commit needs cdc files covering every deleted
		// row.
		var all []int
		for i, c := range counts {
			if c > 0 {
				all = append(all, i)
			}
		}
		gone := &plan.Project{Input: &plan.Filter{Input: scanOf(tgt, snap, files, all, matched), Cond: col(matchCol)},
			Exprs: withChangeType(tableColumns(snap.Schema()), changeDelete)}
		if err := writeChanges(ctx, tx, tgt, gone); err != nil {
			tx.Abort(ctx)
			return Result{}, err
		}
	}
	keep := &plan.Project{
		Input: &plan.Filter{Input: scanOf(tgt, snap, files, rewriteIdx, matched), Cond: &expr.Unary{Op: expr.OpNot, Child: col(matchCol)}},
		Exprs: tableColumns(snap.Schema()),
	}
	data, err := plan.Execute(ctx, keep, tgt.Exec)
	if err != nil {
		return Result{}, err
	}
	var m map[string]string
	v, copied, err := rewrite(ctx, tx, tgt, removed, data, "DELETE", func(added []delta.AddFile, written int64) map[string]string {
		m = fileMetrics(map[string]string{"numDeletedRows": itoa(deleted), "numCopiedRows": itoa(written)}, removed, added, start)
		return m
	})
	if err != nil {
		return Result{}, err
	}
	return Result{Version: v, Affected: deleted, Deleted: deleted, Copied: copied, Metrics: m}, nil
}
