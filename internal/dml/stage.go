package dml

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// Staged is what StageDelete put in a transaction without committing it.
type Staged struct {
	Deleted int64 // rows deleted
	Copied  int64 // unchanged rows rewritten beside them
	Removed []delta.AddFile
	Added   []delta.AddFile
	// ChangeFiles says cdc files were staged for the deleted rows: every
	// other change of the commit (rows added with it) must then be
	// recorded in cdc files too, see StageAppend.
	ChangeFiles bool
	// Metrics are Delta's DELETE operation metrics for what was staged.
	Metrics map[string]string
}

// StageDelete stages in tx the removal of the target's rows for which
// where is true (every row when where is nil), exactly as Delete does —
// whole files removed, partly matching files rewritten or, with deletion
// vectors, marked — but leaves the commit to the caller, who may add more
// to the same version (a replaceWhere overwrite adds the new rows). It
// marks the whole table read. On error the caller aborts tx.
func StageDelete(ctx context.Context, tx *delta.Transaction, tgt Target, where expr.Expr) (Staged, error) {
	start := time.Now()
	snap := tx.Snapshot()
	cond := where
	if cond == nil {
		cond = expr.Lit(true)
	}
	files := candidateFiles(snap, tgt.Name, where)
	tx.ReadWholeTable()
	counts, matched, err := matchRows(ctx, tgt, snap, files, cond)
	if err != nil {
		return Staged{}, err
	}
	var st Staged
	var hit, rewriteIdx []int
	for i, c := range counts {
		if c == 0 {
			continue
		}
		st.Deleted += c
		hit = append(hit, i)
		st.Removed = append(st.Removed, files[i])
		if numRecords(files[i]) != c {
			rewriteIdx = append(rewriteIdx, i)
		}
	}
	if len(hit) == 0 {
		st.Removed = nil
		st.Metrics = map[string]string{}
		return st, nil
	}
	if dvOn(tx) {
		dv, err := markDeleted(ctx, tx, tgt, files, hit, counts, matched)
		if err != nil {
			return Staged{}, err
		}
		st.Removed = dv.removedFiles
		st.Metrics = dv.into(fileMetrics(map[string]string{"numDeletedRows": itoa(st.Deleted), "numCopiedRows": "0"}, nil, nil, start))
		return st, nil
	}
	if len(rewriteIdx) > 0 && changeFeedOn(tx) {
		// Whole files removed read as deletes by themselves; once a file
		// is rewritten the commit needs cdc files covering every deleted
		// row.
		gone := &plan.Project{Input: &plan.Filter{Input: scanOf(tgt, snap, files, hit, matched), Cond: col(matchCol)},
			Exprs: withChangeType(tableColumns(snap.Schema()), changeDelete)}
		if err := writeChanges(ctx, tx, tgt, gone); err != nil {
			return Staged{}, err
		}
		st.ChangeFiles = true
	}
	keep := &plan.Project{
		Input: &plan.Filter{Input: scanOf(tgt, snap, files, rewriteIdx, matched), Cond: &expr.Unary{Op: expr.OpNot, Child: col(matchCol)}},
		Exprs: tableColumns(snap.Schema()),
	}
	data, err := plan.Execute(ctx, keep, tgt.Exec)
	if err != nil {
		return Staged{}, err
	}
	cr := &countingReader{Reader: data}
	adds, err := tx.WriteFiles(ctx, cr, nil)
	if err != nil {
		return Staged{}, err
	}
	tx.Remove(st.Removed...)
	tx.Add(adds...)
	st.Added, st.Copied = adds, cr.rows
	st.Metrics = fileMetrics(map[string]string{"numDeletedRows": itoa(st.Deleted), "numCopiedRows": itoa(cr.rows)}, st.Removed, adds, start)
	return st, nil
}

// StageAppend writes data as new files of tx and stages their adds. After
// a StageDelete that wrote cdc files (del.ChangeFiles) it records the new
// rows as inserts in cdc files as well, read back from the files just
// written so data is consumed once. data is consumed and closed.
func StageAppend(ctx context.Context, tx *delta.Transaction, tgt Target, del Staged, data batch.Reader, partitionBy []string) ([]delta.AddFile, int64, error) {
	cr := &countingReader{Reader: data}
	adds, err := tx.WriteFiles(ctx, cr, partitionBy)
	if err != nil {
		return nil, 0, err
	}
	tx.Add(adds...)
	if del.ChangeFiles && len(adds) > 0 {
		snap := tx.Snapshot()
		ins := &plan.Project{Input: scanOf(tgt, snap, adds, allIndices(len(adds))),
			Exprs: withChangeType(tableColumns(snap.Schema()), changeInsert)}
		if err := writeChanges(ctx, tx, tgt, ins); err != nil {
			return nil, 0, err
		}
	}
	return adds, cr.rows, nil
}

// PredicateCheck fails a write whose rows do not all satisfy a predicate:
// Delta's replaceWhere constraint check, [DELTA_REPLACE_WHERE_MISMATCH].
// A row satisfies it only when the predicate is true (NULL fails, as a
// WHERE would not select the row for deletion either).
type PredicateCheck struct {
	text string
	ev   expr.Evaluator
	refs []int
	sch  types.StructType
}

// NewPredicateCheck binds cond (its SQL text is text) to schema.
func NewPredicateCheck(schema types.StructType, text string, cond expr.Expr) (*PredicateCheck, error) {
	ev, refs, err := compileOver(schema, cond)
	if err != nil {
		return nil, fmt.Errorf("dml: predicate %s: %w", text, err)
	}
	if _, ok := ev.Type().(types.BooleanType); !ok {
		return nil, fmt.Errorf("[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] predicate %s should be a boolean expression, not %s", text, ev.Type().SQL())
	}
	return &PredicateCheck{text: text, ev: ev, refs: refs, sch: schema}, nil
}

// Check fails naming the first row of rec the predicate does not accept.
func (c *PredicateCheck) Check(ctx context.Context, rec arrow.RecordBatch) error {
	res, err := c.ev.Eval(ctx, rec)
	if err != nil {
		return fmt.Errorf("dml: predicate %s: %w", c.text, err)
	}
	bad := firstNotTrue(res)
	res.Release()
	if bad < 0 {
		return nil
	}
	var vals []string
	seen := map[int]bool{}
	for _, i := range c.refs {
		if seen[i] {
			continue
		}
		seen[i] = true
		v := "null"
		if a := rec.Column(i); a.IsValid(bad) {
			v = a.ValueStr(bad)
		}
		vals = append(vals, c.sch.Fields[i].Name+" : "+v)
	}
	return fmt.Errorf("[DELTA_REPLACE_WHERE_MISMATCH] Written data does not conform to partial table overwrite condition or constraint '%s'. Row with values: %s", c.text, strings.Join(vals, ", "))
}

// Reader checks every batch of r before passing it on.
func (c *PredicateCheck) Reader(r batch.Reader) batch.Reader {
	return &predicateReader{Reader: r, c: c}
}

type predicateReader struct {
	batch.Reader
	c *PredicateCheck
}

func (r *predicateReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	rec, err := r.Reader.Next(ctx)
	if rec == nil || err != nil {
		return rec, err
	}
	if err := r.c.Check(ctx, rec); err != nil {
		rec.Release()
		return nil, err
	}
	return rec, nil
}
