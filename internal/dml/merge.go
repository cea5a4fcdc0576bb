package dml

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// MatchKind says which rows a WHEN clause of MERGE applies to.
type MatchKind int

const (
	Matched            MatchKind = iota // WHEN MATCHED
	NotMatched                          // WHEN NOT MATCHED [BY TARGET]
	NotMatchedBySource                  // WHEN NOT MATCHED BY SOURCE
)

// ActionKind is what a WHEN clause does.
type ActionKind int

const (
	UpdateAction ActionKind = iota
	DeleteAction
	InsertAction
)

// Clause is one WHEN clause of MERGE. Star is UPDATE SET * / INSERT *;
// Set holds UPDATE assignments; Columns and Values the INSERT (Columns
// empty: Values are in target column order).
type Clause struct {
	Match   MatchKind
	Cond    expr.Expr
	Action  ActionKind
	Star    bool
	Set     []Assignment
	Columns []string
	Values  []expr.Expr
}

// MergeSpec is MERGE INTO target USING Source ON On WHEN ... . Source's
// columns carry its alias as qualifier (the caller plans it so).
type MergeSpec struct {
	Source  plan.Node
	On      expr.Expr
	Clauses []Clause
}

// Row actions computed per joined row. A target row matched by a source
// row that no MATCHED clause applies to is actNoop: kept unchanged, but
// its file is rewritten, so a source row that matched it is never taken
// for unmatched in the second pass.
const (
	actDrop          = -1 // unmatched source row no INSERT applies to
	actCopy          = 0
	actUpdate        = 1
	actDelete        = 2
	actInsert        = 3
	actSourceUpdate  = 4 // NOT MATCHED BY SOURCE ... UPDATE
	actSourceDelete  = 5
	actNoop          = 6
	errMultipleMatch = "[DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE]"
)

// Merge runs MERGE INTO copy-on-write, in two passes over a join of the
// target's files with the source:
//
//  1. join every file with the source (inner, or left outer when there
//     are NOT MATCHED BY SOURCE clauses), keeping only file, row id and the
//     action each row gets: this finds the files to rewrite (those with a
//     matched row or a row a BY SOURCE clause changes) and catches a target
//     row that several source rows would change.
//  2. join only those files with the source (left outer, full outer when
//     rows may be inserted) and write every row that survives: updated,
//     inserted and copied ones.
//
// A merge with only NOT MATCHED clauses reads no target file twice: it is
// the source anti-joined to the target, and appends.
func Merge(ctx context.Context, tgt Target, m MergeSpec) (Result, error) {
	start := time.Now()
	if err := checkClauses(m.Clauses); err != nil {
		return Result{}, err
	}
	tx, err := tgt.Table.Begin(ctx)
	if err != nil {
		return Result{}, err
	}
	snap := tx.Snapshot()
	schema := snap.Schema()
	srcAnalyzed, err := plan.Analyze(m.Source)
	if err != nil {
		return Result{}, err
	}
	srcSchema := srcAnalyzed.Schema()
	mm := &merger{tgt: tgt, snap: snap, schema: schema, src: m.Source, srcSchema: srcSchema, spec: m}
	if mm.values, err = mm.clauseValues(); err != nil {
		return Result{}, err
	}
	chk, err := checker(tx, tgt)
	if err != nil {
		return Result{}, err
	}
	numSource, err := countRows(ctx, m.Source, tgt.Exec)
	if err != nil {
		return Result{}, err
	}
	var hasMatched, hasBySource, hasInsert bool
	for _, c := range m.Clauses {
		switch c.Match {
		case Matched:
			hasMatched = true
		case NotMatched:
			hasInsert = true
		case NotMatchedBySource:
			hasBySource = true
		}
	}
	files := snap.Files()
	if !hasBySource {
		// Target rows the ON condition rules out can neither match nor
		// block an insert; BY SOURCE clauses need them all.
		files = candidateFiles(snap, tgt.Name, m.On)
	}
	tx.ReadWholeTable()
	st := &mergeStats{}
	var removed []delta.AddFile
	var data batch.Reader
	if !hasMatched && !hasBySource {
		data, err = mm.insertOnly(ctx, files)
		if err != nil {
			return Result{}, err
		}
		data = &countingInserts{Reader: data, st: st}
	} else {
		touched, modified, err := mm.findTouched(ctx, files, hasBySource)
		if err != nil {
			return Result{}, err
		}
		idx := make([]int, 0, len(touched))
		for i := range files {
			if touched[i] {
				idx = append(idx, i)
				removed = append(removed, files[i])
			}
		}
		jt := plan.LeftOuter
		if hasInsert {
			jt = plan.FullOuter
		}
		if len(idx) > 0 && changeFeedOn(tx) {
			if err := writeChanges(ctx, tx, tgt, mm.changePlans(files, idx, jt)...); err != nil {
				tx.Abort(ctx)
				return Result{}, err
			}
		}
		out, err := plan.Execute(ctx, mm.actionPlan(files, idx, jt, true), tgt.Exec)
		if err != nil {
			return Result{}, err
		}
		n := len(schema.Fields)
		data = &mergeOutput{in: out, ntab: n, modified: modified, emitted: map[int64]bool{}, st: st,
			schema: arrow.NewSchema(out.Schema().Fields()[:n], nil)}
	}
	var metrics map[string]string
	v, _, err := rewrite(ctx, tx, tgt, removed, chk.Reader(data), "MERGE", func(added []delta.AddFile, written int64) map[string]string {
		metrics = st.metrics(numSource, written, removed, added, start)
		return metrics
	})
	if err != nil {
		return Result{}, err
	}
	res := Result{Version: v, Deleted: st.deleted + st.sourceDeleted, Updated: st.updated + st.sourceUpdated,
		Inserted: st.inserted, Copied: st.copied, Metrics: metrics}
	res.Affected = res.Deleted + res.Updated + res.Inserted
	return res, nil
}

// checkClauses applies Spark's rules on clause order: within each kind,
// only the last clause may omit its condition.
func checkClauses(cs []Clause) error {
	last := map[MatchKind]int{}
	for i, c := range cs {
		last[c.Match] = i
	}
	names := map[MatchKind]string{Matched: "NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION", NotMatched: "NON_LAST_NOT_MATCHED_BY_TARGET_CLAUSE_OMIT_CONDITION", NotMatchedBySource: "NON_LAST_NOT_MATCHED_BY_SOURCE_CLAUSE_OMIT_CONDITION"}
	for i, c := range cs {
		if c.Cond == nil && last[c.Match] != i {
			return fmt.Errorf("[%s] When there are more than one such clauses in a MERGE statement, only the last one can omit the condition", names[c.Match])
		}
		if (c.Match == NotMatched) != (c.Action == InsertAction) {
			return fmt.Errorf("[DELTA_MERGE_INVALID_WHEN_CLAUSE] INSERT is allowed only in WHEN NOT MATCHED clauses, UPDATE and DELETE only in the others")
		}
	}
	if len(cs) == 0 {
		return errors.New("[DELTA_MERGE_MISSING_WHEN] There must be at least one WHEN clause in a MERGE statement")
	}
	return nil
}

type merger struct {
	tgt       Target
	snap      *delta.Snapshot
	schema    types.StructType
	src       plan.Node
	srcSchema plan.Schema
	spec      MergeSpec
	values    [][]expr.Expr // per clause, per target column: the new value (nil: keep)
}

// sourceRef references a source column by name, qualified by the source's
// own qualifier so it does not collide with the target's column.
func (mm *merger) sourceRef(name string) (expr.Expr, error) {
	for _, c := range mm.srcSchema.Columns {
		if strings.EqualFold(c.Name, name) {
			return &expr.ColumnRef{Qualifier: c.Qualifier, Name: c.Name}, nil
		}
	}
	names := make([]string, len(mm.srcSchema.Columns))
	for i, c := range mm.srcSchema.Columns {
		names[i] = c.Name
	}
	return nil, fmt.Errorf("[DELTA_MERGE_UNRESOLVED_EXPRESSION] Cannot resolve %s in the UPDATE/INSERT * clause given the source columns %s", name, strings.Join(names, ", "))
}

// clauseValues resolves each clause's assignments to target columns.
func (mm *merger) clauseValues() ([][]expr.Expr, error) {
	out := make([][]expr.Expr, len(mm.spec.Clauses))
	for k, c := range mm.spec.Clauses {
		vals := make([]expr.Expr, len(mm.schema.Fields))
		switch {
		case c.Action == DeleteAction:
		case c.Star:
			for i, f := range mm.schema.Fields {
				r, err := mm.sourceRef(f.Name)
				if err != nil {
					if c.Action == UpdateAction {
						continue // UPDATE SET * keeps target columns the source lacks
					}
					return nil, err
				}
				vals[i] = r
			}
		case c.Action == UpdateAction:
			v, err := assignedValues(mm.schema, c.Set, "MERGE")
			if err != nil {
				return nil, err
			}
			vals = v
		case c.Action == InsertAction:
			cols := c.Columns
			if len(cols) == 0 {
				if len(c.Values) != len(mm.schema.Fields) {
					return nil, fmt.Errorf("[DELTA_MERGE_INSERT_COLUMN_ARITY] INSERT has %d values but the target table has %d columns", len(c.Values), len(mm.schema.Fields))
				}
				cols = mm.schema.Names()
			}
			if len(cols) != len(c.Values) {
				return nil, fmt.Errorf("[DELTA_MERGE_INSERT_COLUMN_ARITY] INSERT names %d columns but has %d values", len(cols), len(c.Values))
			}
			set := make([]Assignment, len(cols))
			for i := range cols {
				set[i] = Assignment{Column: cols[i], Value: c.Values[i]}
			}
			v, err := assignedValues(mm.schema, set, "MERGE INSERT")
			if err != nil {
				return nil, err
			}
			for i, f := range mm.schema.Fields {
				if v[i] == nil {
					v[i] = &expr.Literal{Type: f.Type} // columns not inserted are NULL
				}
			}
			vals = v
		}
		for i, f := range mm.schema.Fields {
			if vals[i] != nil {
				vals[i] = &expr.Cast{Child: vals[i], To: f.Type}
			}
		}
		out[k] = vals
	}
	return out, nil
}

func isNotNull(e expr.Expr) expr.Expr { return &expr.Unary{Op: expr.OpIsNotNull, Child: e} }
func isNull(e expr.Expr) expr.Expr    { return &expr.Unary{Op: expr.OpIsNull, Child: e} }
func and(a, b expr.Expr) expr.Expr {
	if b == nil {
		return a
	}
	return &expr.Binary{Op: expr.OpAnd, Left: a, Right: b}
}

// branches returns, in evaluation order, each case's condition over the
// joined row, its action and the clause it comes from (-1 for none).
func (mm *merger) branches() (conds []expr.Expr, acts []int, clause []int) {
	matched := and(isNotNull(col(fileCol)), isNotNull(col(srcCol)))
	add := func(c expr.Expr, a, k int) {
		conds, acts, clause = append(conds, c), append(acts, a), append(clause, k)
	}
	for k, c := range mm.spec.Clauses {
		if c.Match == Matched {
			a := actUpdate
			if c.Action == DeleteAction {
				a = actDelete
			}
			add(and(matched, c.Cond), a, k)
		}
	}
	add(matched, actNoop, -1)
	for k, c := range mm.spec.Clauses {
		if c.Match == NotMatched {
			add(and(isNull(col(fileCol)), c.Cond), actInsert, k)
		}
	}
	for k, c := range mm.spec.Clauses {
		if c.Match == NotMatchedBySource {
			a := actSourceUpdate
			if c.Action == DeleteAction {
				a = actSourceDelete
			}
			add(and(isNull(col(srcCol)), c.Cond), a, k)
		}
	}
	add(isNotNull(col(fileCol)), actCopy, -1)
	return conds, acts, clause
}

func (mm *merger) sourceWithMarker() plan.Node {
	return &plan.Project{Input: mm.src, Exprs: []expr.Expr{&expr.Star{}, &expr.Alias{Name: srcCol, Child: expr.Lit(true)}}}
}

// actionPlan joins the target files idx with the source and computes, per
// joined row, [the new table columns when withValues,] the row id and the
// action.
func (mm *merger) actionPlan(files []delta.AddFile, idx []int, jt plan.JoinType, withValues bool) plan.Node {
	return mm.actionPlanOld(files, idx, jt, withValues, false)
}

// oldCol names the pre-image of table column i in a change plan.
func oldCol(i int) string { return fmt.Sprintf("__ingot_dml_old_%d", i) }

// actionPlanOld is actionPlan that, withOld, also carries each target
// column's value before the merge (oldCol(i)), for the change feed.
func (mm *merger) actionPlanOld(files []delta.AddFile, idx []int, jt plan.JoinType, withValues, withOld bool) plan.Node {
	join := &plan.Join{Left: scanOf(mm.tgt, mm.snap, files, idx), Right: mm.sourceWithMarker(), Type: jt, On: mm.spec.On}
	conds, acts, clause := mm.branches()
	action := &expr.CaseWhen{Else: expr.Lit(int32(actDrop))}
	for i := range conds {
		action.Whens = append(action.Whens, expr.When{Cond: conds[i], Value: expr.Lit(int32(acts[i]))})
	}
	var out []expr.Expr
	if withValues {
		for i, f := range mm.schema.Fields {
			cw := &expr.CaseWhen{Else: &expr.ColumnRef{Qualifier: mm.tgt.qualifier(), Name: f.Name}}
			for b := range conds {
				k := clause[b]
				if k < 0 || mm.values[k][i] == nil {
					continue
				}
				cw.Whens = append(cw.Whens, expr.When{Cond: conds[b], Value: mm.values[k][i]})
			}
			var e expr.Expr = cw
			if len(cw.Whens) == 0 {
				e = cw.Else
			}
			out = append(out, &expr.Alias{Name: f.Name, Child: e})
		}
	}
	out = append(out, col(fileCol), col(rowCol), &expr.Alias{Name: actCol, Child: action})
	if withOld {
		for i, f := range mm.schema.Fields {
			out = append(out, &expr.Alias{Name: oldCol(i), Child: &expr.ColumnRef{Qualifier: mm.tgt.qualifier(), Name: f.Name}})
		}
	}
	return &plan.Project{Input: join, Exprs: out}
}

// changePlans are the cdc rows of the second pass: pre- and post-images
// of updated rows, deleted rows, inserted rows.
func (mm *merger) changePlans(files []delta.AddFile, idx []int, jt plan.JoinType) []plan.Node {
	base := mm.actionPlanOld(files, idx, jt, true, true)
	newCols, oldCols := make([]expr.Expr, len(mm.schema.Fields)), make([]expr.Expr, len(mm.schema.Fields))
	for i, f := range mm.schema.Fields {
		newCols[i] = col(f.Name)
		oldCols[i] = &expr.Alias{Name: f.Name, Child: col(oldCol(i))}
	}
	is := func(acts ...int) expr.Expr {
		var e expr.Expr
		for _, a := range acts {
			eq := &expr.Binary{Op: expr.OpEq, Left: col(actCol), Right: expr.Lit(int32(a))}
			if e == nil {
				e = eq
			} else {
				e = &expr.Binary{Op: expr.OpOr, Left: e, Right: eq}
			}
		}
		return e
	}
	branch := func(cond expr.Expr, cols []expr.Expr, typ string) plan.Node {
		return &plan.Project{Input: &plan.Filter{Input: base, Cond: cond}, Exprs: withChangeType(cols, typ)}
	}
	return []plan.Node{
		branch(is(actUpdate, actSourceUpdate), oldCols, changePreimage),
		branch(is(actUpdate, actSourceUpdate), newCols, changePostimage),
		branch(is(actDelete, actSourceDelete), oldCols, changeDelete),
		branch(is(actInsert), newCols, changeInsert),
	}
}

// findTouched is the first pass: which files to rewrite, and which target
// rows a MATCHED clause changes (each may be changed by one source row
// only).
func (mm *merger) findTouched(ctx context.Context, files []delta.AddFile, bySource bool) ([]bool, map[int64]bool, error) {
	jt := plan.Inner
	if bySource {
		jt = plan.LeftOuter
	}
	onlyDelete := true
	for _, c := range mm.spec.Clauses {
		if c.Match == Matched && (c.Action != DeleteAction || c.Cond != nil) {
			onlyDelete = false
		}
	}
	touched := make([]bool, len(files))
	modified := map[int64]bool{}
	err := forEach(ctx, mm.actionPlan(files, allIndices(len(files)), jt, false), mm.tgt.Exec, func(rec arrow.RecordBatch) error {
		fileA, rowA, actA := rec.Column(0).(*array.Int64), rec.Column(1).(*array.Int64).Int64Values(), rec.Column(2).(*array.Int32).Int32Values()
		for i, a := range actA {
			if a == actCopy || a == actDrop || fileA.IsNull(i) {
				continue
			}
			touched[fileA.Value(i)] = true
			if a != actUpdate && a != actDelete {
				continue
			}
			if modified[rowA[i]] && !onlyDelete {
				return fmt.Errorf("%s Cannot perform Merge as multiple source rows matched and attempted to modify the same target row in the Delta table in possibly conflicting ways. By SQL semantics of Merge, when multiple source rows match on the same target row, the result may be ambiguous as it is unclear which source row should be used to update or delete the matching target row. You can preprocess the source table to eliminate the possibility of multiple matches", errMultipleMatch)
			}
			modified[rowA[i]] = true
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return touched, modified, nil
}

// insertOnly is a merge with only NOT MATCHED clauses: the source rows
// without a match, through the first INSERT clause that applies.
func (mm *merger) insertOnly(ctx context.Context, files []delta.AddFile) (batch.Reader, error) {
	join := &plan.Join{Left: mm.src, Right: scanOf(mm.tgt, mm.snap, files, allIndices(len(files))), Type: plan.LeftAnti, On: mm.spec.On}
	var conds []expr.Expr
	var clause []int
	for k, c := range mm.spec.Clauses {
		cond := c.Cond
		if cond == nil {
			cond = expr.Lit(true)
		}
		conds, clause = append(conds, cond), append(clause, k)
	}
	var out []expr.Expr
	for i, f := range mm.schema.Fields {
		cw := &expr.CaseWhen{Else: &expr.Literal{Type: f.Type}}
		for b := range conds {
			cw.Whens = append(cw.Whens, expr.When{Cond: conds[b], Value: mm.values[clause[b]][i]})
		}
		out = append(out, &expr.Alias{Name: f.Name, Child: cw})
	}
	anyCond := expr.Expr(expr.Lit(false))
	for _, c := range conds {
		anyCond = &expr.Binary{Op: expr.OpOr, Left: anyCond, Right: isTrue(c)}
	}
	return plan.Execute(ctx, &plan.Project{Input: &plan.Filter{Input: join, Cond: anyCond}, Exprs: out}, mm.tgt.Exec)
}

func countRows(ctx context.Context, n plan.Node, opts plan.ExecOptions) (int64, error) {
	var rows int64
	err := forEach(ctx, &plan.Project{Input: n, Exprs: []expr.Expr{&expr.Alias{Name: "one", Child: expr.Lit(true)}}}, opts, func(rec arrow.RecordBatch) error {
		rows += rec.NumRows()
		return nil
	})
	return rows, err
}

type mergeStats struct {
	updated, deleted, inserted, copied, sourceUpdated, sourceDeleted int64
}

func (st *mergeStats) metrics(numSource, written int64, removed, added []delta.AddFile, start time.Time) map[string]string {
	m := fileMetrics(map[string]string{}, removed, added, start)
	out := map[string]string{
		"numSourceRows":                          itoa(numSource),
		"numTargetRowsInserted":                  itoa(st.inserted),
		"numTargetRowsUpdated":                   itoa(st.updated + st.sourceUpdated),
		"numTargetRowsMatchedUpdated":            itoa(st.updated),
		"numTargetRowsNotMatchedBySourceUpdated": itoa(st.sourceUpdated),
		"numTargetRowsDeleted":                   itoa(st.deleted + st.sourceDeleted),
		"numTargetRowsMatchedDeleted":            itoa(st.deleted),
		"numTargetRowsNotMatchedBySourceDeleted": itoa(st.sourceDeleted),
		"numTargetRowsCopied":                    itoa(st.copied),
		"numOutputRows":                          itoa(written),
		"numTargetFilesAdded":                    m["numAddedFiles"],
		"numTargetFilesRemoved":                  m["numRemovedFiles"],
		"numTargetChangeFilesAdded":              "0",
		"numTargetBytesAdded":                    m["numAddedBytes"],
		"numTargetBytesRemoved":                  m["numRemovedBytes"],
		"executionTimeMs":                        m["executionTimeMs"],
	}
	return out
}

// countingInserts counts the rows of an insert-only merge.
type countingInserts struct {
	batch.Reader
	st *mergeStats
}

func (r *countingInserts) Next(ctx context.Context) (arrow.RecordBatch, error) {
	rec, err := r.Reader.Next(ctx)
	if rec != nil {
		r.st.inserted += rec.NumRows()
	}
	return rec, err
}

// mergeOutput turns the second pass's joined rows into the rows to write:
// it drops deleted rows and unmatched source rows no INSERT applies to,
// keeps a target row matched by several source rows once, counts each
// action, and strips the hidden columns.
type mergeOutput struct {
	in       batch.Reader
	ntab     int
	modified map[int64]bool
	emitted  map[int64]bool
	st       *mergeStats
	schema   *arrow.Schema
}

func (r *mergeOutput) Schema() *arrow.Schema { return r.schema }
func (r *mergeOutput) Close() error          { return r.in.Close() }

func (r *mergeOutput) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		rec, err := r.in.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
		out, err := r.filter(ctx, rec)
		rec.Release()
		if err != nil || out.NumRows() > 0 {
			return out, err
		}
		out.Release()
	}
}

func (r *mergeOutput) filter(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	rows := rec.Column(r.ntab + 1).(*array.Int64)
	acts := rec.Column(r.ntab + 2).(*array.Int32).Int32Values()
	mb := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer mb.Release()
	mb.Resize(len(acts))
	for i, a := range acts {
		keep := false
		switch a {
		case actUpdate:
			r.st.updated++
			keep = true
		case actSourceUpdate:
			r.st.sourceUpdated++
			keep = true
		case actInsert:
			r.st.inserted++
			keep = true
		case actCopy:
			r.st.copied++
			keep = true
		case actNoop:
			id := rows.Value(i)
			if !r.modified[id] && !r.emitted[id] {
				r.emitted[id] = true
				r.st.copied++
				keep = true
			}
		case actDelete:
			// With only an unconditional DELETE several source rows may
			// match one target row; it is deleted (and counted) once.
			id := rows.Value(i)
			if !r.emitted[id] {
				r.emitted[id] = true
				r.st.deleted++
			}
		case actSourceDelete:
			r.st.sourceDeleted++
		}
		mb.UnsafeAppend(keep)
	}
	mask := mb.NewArray()
	defer mask.Release()
	cols := make([]arrow.Array, r.ntab)
	for i := range cols {
		cols[i] = rec.Column(i)
	}
	table := array.NewRecordBatch(r.schema, cols, rec.NumRows())
	defer table.Release()
	out, err := compute.FilterRecordBatch(ctx, table, mask, compute.DefaultFilterOptions())
	if err != nil {
		return nil, fmt.Errorf("dml: merge: %w", err)
	}
	return out, nil
}
