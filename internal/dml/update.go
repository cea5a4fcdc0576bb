package dml

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// Update sets the assigned columns of the rows for which where is true
// (every row when nil); a row whose condition is NULL is left as it is.
// Values are cast to the column types. Files holding updated rows are
// rewritten whole (copy-on-write), their other rows copied unchanged; on a
// table with delta.enableDeletionVectors the old rows are marked deleted
// with deletion vectors and only the updated rows are written (dv.go).
func Update(ctx context.Context, tgt Target, set []Assignment, where expr.Expr) (Result, error) {
	start := time.Now()
	tx, err := tgt.Table.Begin(ctx)
	if err != nil {
		return Result{}, err
	}
	snap := tx.Snapshot()
	schema := snap.Schema()
	values, err := assignedValues(schema, set, "UPDATE")
	if err != nil {
		return Result{}, err
	}
	cond := where
	if cond == nil {
		cond = expr.Lit(true)
	}
	chk, err := checker(tx, tgt)
	if err != nil {
		return Result{}, err
	}
	files := candidateFiles(snap, tgt.Name, where)
	tx.ReadWholeTable()
	counts, matched, err := matchRows(ctx, tgt, snap, files, cond)
	if err != nil {
		return Result{}, err
	}
	var removed []delta.AddFile
	var idx []int
	var updated int64
	for i, c := range counts {
		if c > 0 {
			updated += c
			removed = append(removed, files[i])
			idx = append(idx, i)
		}
	}
	if len(removed) == 0 {
		return Result{Version: -1, Metrics: map[string]string{}}, nil
	}
	out := make([]expr.Expr, len(schema.Fields))
	for i, f := range schema.Fields {
		if values[i] == nil {
			out[i] = col(f.Name)
			continue
		}
		out[i] = &expr.Alias{Name: f.Name, Child: &expr.CaseWhen{
			Whens: []expr.When{{Cond: col(matchCol), Value: &expr.Cast{Child: values[i], To: f.Type}}},
			Else:  col(f.Name),
		}}
	}
	if changeFeedOn(tx) {
		hit := &plan.Filter{Input: scanOf(tgt, snap, files, idx, matched), Cond: col(matchCol)}
		post := make([]expr.Expr, len(schema.Fields))
		for i, f := range schema.Fields {
			post[i] = col(f.Name)
			if values[i] != nil {
				post[i] = &expr.Alias{Name: f.Name, Child: &expr.Cast{Child: values[i], To: f.Type}}
			}
		}
		err := writeChanges(ctx, tx, tgt,
			&plan.Project{Input: hit, Exprs: withChangeType(tableColumns(schema), changePreimage)},
			&plan.Project{Input: hit, Exprs: withChangeType(post, changePostimage)})
		if err != nil {
			tx.Abort(ctx)
			return Result{}, err
		}
	}
	if dvOn(tx) {
		return updateWithDVs(ctx, tx, tgt, files, idx, counts, matched, out, chk, updated, start)
	}
	data, err := plan.Execute(ctx, &plan.Project{Input: scanOf(tgt, snap, files, idx, matched), Exprs: out}, tgt.Exec)
	if err != nil {
		return Result{}, err
	}
	var m map[string]string
	v, written, err := rewrite(ctx, tx, tgt, removed, chk.Reader(data), "UPDATE", func(added []delta.AddFile, written int64) map[string]string {
		m = fileMetrics(map[string]string{"numUpdatedRows": itoa(updated), "numCopiedRows": itoa(written - updated)}, removed, added, start)
		return m
	})
	if err != nil {
		return Result{}, err
	}
	return Result{Version: v, Affected: updated, Updated: updated, Copied: written - updated, Metrics: m}, nil
}

// assignedValues maps SET assignments to table column positions (nil for
// columns not assigned). Unknown, nested or repeated columns are errors.
func assignedValues(schema types.StructType, set []Assignment, stmt string) ([]expr.Expr, error) {
	values := make([]expr.Expr, len(schema.Fields))
	for _, a := range set {
		name := a.Column
		i := schema.FieldIndex(name)
		if i < 0 {
			if strings.Contains(name, ".") {
				return nil, fmt.Errorf("[UNSUPPORTED_FEATURE] %s of a nested field (%s) is not supported yet", stmt, name)
			}
			return nil, fmt.Errorf("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `%s` cannot be resolved. Did you mean one of the following? [%s]", name, strings.Join(schema.Names(), ", "))
		}
		if values[i] != nil {
			return nil, fmt.Errorf("[DUPLICATE_ASSIGNMENTS] The columns or variables `%s` appear more than once as assignment targets in %s", schema.Fields[i].Name, stmt)
		}
		values[i] = a.Value
	}
	return values, nil
}
