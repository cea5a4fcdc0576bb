package dml

import (
	"context"
	"fmt"
	"math/bits"
	"time"

	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// dvOn reports whether DELETE and UPDATE mark rows deleted with deletion
// vectors instead of rewriting files: the protocol lets writers create
// vectors only when delta.enableDeletionVectors is true.
func dvOn(tx *delta.Transaction) bool {
	return delta.DeletionVectorsEnabled(tx.Metadata())
}

// dvCounts are the deletion-vector metrics Delta reports for DML.
type dvCounts struct {
	added, updated, removed int64 // numDeletionVectorsAdded/Updated/Removed
	removedFiles            []delta.AddFile
}

func (c dvCounts) into(m map[string]string) map[string]string {
	var rb int64
	for _, f := range c.removedFiles {
		rb += f.Size
	}
	m["numRemovedFiles"] = itoa(int64(len(c.removedFiles)))
	m["numRemovedBytes"] = itoa(rb)
	m["numDeletionVectorsAdded"] = itoa(c.added)
	m["numDeletionVectorsUpdated"] = itoa(c.updated)
	m["numDeletionVectorsRemoved"] = itoa(c.removed)
	return m
}

// markDeleted stages the matched rows of each candidate file (idx) as
// deleted: a file whose every remaining row matched is removed, the others
// get a deletion vector merged with the one they have. It returns the
// metrics Delta counts: vectors added to files without one, vectors
// replaced, vectors dropped with their files.
func markDeleted(ctx context.Context, tx *delta.Transaction, tgt Target, files []delta.AddFile, idx []int, counts []int64, matched map[int][]uint64) (dvCounts, error) {
	var c dvCounts
	for _, i := range idx {
		f := files[i]
		if f.DeletionVector == nil && numRecords(f) == counts[i] {
			tx.Remove(f)
			c.removedFiles = append(c.removedFiles, f)
			continue
		}
		old, err := tgt.Table.DeletedRows(ctx, f)
		if err != nil {
			return c, err
		}
		u, err := tx.UpdateDeletionVector(ctx, f, physicalRows(matched[i], counts[i], old))
		if err != nil {
			return c, fmt.Errorf("dml: %w", err)
		}
		// Every matched row was returned by the scan, so it cannot be in
		// the old vector; a mismatch would commit the new rows of an
		// UPDATE without hiding the old ones.
		if u.Deleted != counts[i] {
			return c, fmt.Errorf("dml: %s: %d matched rows but %d newly deleted (the file changed under the statement?): %w", f.Path, counts[i], u.Deleted, delta.ErrConcurrentModification)
		}
		switch {
		case u.RemovesFile:
			c.removedFiles = append(c.removedFiles, f)
			if f.DeletionVector != nil {
				c.removed++
			}
		case f.DeletionVector != nil:
			c.updated++
		default:
			c.added++
		}
	}
	return c, nil
}

// physicalRows turns the positions matchRows found, which count only the
// rows the file returns (its deletion vector applied), into row indexes of
// the data file: the p-th returned row is row p+j, j being the number of
// deleted rows before it. deleted is ascending.
func physicalRows(positions []uint64, n int64, deleted []uint64) []uint64 {
	out := make([]uint64, 0, n)
	j := 0
	for w, word := range positions {
		for word != 0 {
			p := uint64(w*64 + bits.TrailingZeros64(word))
			word &= word - 1
			for j < len(deleted) && deleted[j] <= p+uint64(j) {
				j++
			}
			out = append(out, p+uint64(j))
		}
	}
	return out
}

// updateWithDVs finishes an UPDATE on a table with deletion vectors: the
// matched rows are marked deleted in their files and only their new
// versions are written, to new files; unchanged rows are not copied.
// out projects the updated row from the target scan.
func updateWithDVs(ctx context.Context, tx *delta.Transaction, tgt Target, files []delta.AddFile, idx []int, counts []int64, matched map[int][]uint64, out []expr.Expr, chk *ConstraintChecker, updated int64, start time.Time) (Result, error) {
	snap := tx.Snapshot()
	hit := &plan.Project{Input: &plan.Filter{Input: scanOf(tgt, snap, files, idx, matched), Cond: col(matchCol)}, Exprs: out}
	data, err := plan.Execute(ctx, hit, tgt.Exec)
	if err != nil {
		tx.Abort(ctx)
		return Result{}, err
	}
	cr := &countingReader{Reader: chk.Reader(data)}
	adds, err := tx.WriteFiles(ctx, cr, nil)
	if err != nil {
		tx.Abort(ctx)
		return Result{}, err
	}
	if cr.rows != updated {
		tx.Abort(ctx)
		return Result{}, fmt.Errorf("dml: update: wrote %d rows for %d matched rows", cr.rows, updated)
	}
	dv, err := markDeleted(ctx, tx, tgt, files, idx, counts, matched)
	if err != nil {
		tx.Abort(ctx)
		return Result{}, err
	}
	tx.Add(adds...)
	m := fileMetrics(map[string]string{"numUpdatedRows": itoa(updated), "numCopiedRows": "0"}, nil, adds, start)
	dv.into(m)
	tx.SetOperationMetrics(m)
	v, err := tx.Commit(ctx, "UPDATE", tgt.Params)
	if err != nil {
		return Result{}, fmt.Errorf("dml: update: %w", err)
	}
	return Result{Version: v, Affected: updated, Updated: updated, Metrics: m}, nil
}
