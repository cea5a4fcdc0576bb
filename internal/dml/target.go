package dml

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// Target is the table a statement changes and how to run it.
type Target struct {
	Table *delta.Table
	// Name qualifies the target's columns in the statement's expressions:
	// its alias, else the table's name.
	Name string
	// ParseConstraint parses the SQL text of a CHECK constraint stored in
	// the table's properties; with it, rewritten and inserted rows are
	// checked before commit. Nil is allowed only for tables without
	// constraints.
	ParseConstraint func(sql string) (expr.Expr, error)
	// Params are the commitInfo operationParameters (Spark's: predicate,
	// matchedPredicates, ...), rendered by the caller.
	Params map[string]string
	Exec   plan.ExecOptions
	// Filter, when set, plans the rows of input satisfying cond for
	// DELETE and UPDATE: the SQL layer supplies it to turn subquery
	// predicates (IN, EXISTS) into joins. The result must keep input's
	// columns. Nil means a plain plan.Filter.
	Filter func(input plan.Node, cond expr.Expr) (plan.Node, error)
}

// Result is what a statement did. Version is the committed version, or -1
// when nothing changed and nothing was committed.
type Result struct {
	Version  int64
	Affected int64 // rows deleted + updated + inserted
	Deleted  int64
	Updated  int64
	Inserted int64
	Copied   int64 // unchanged rows rewritten with changed ones
	// Metrics are the commitInfo operationMetrics, Spark's names.
	Metrics map[string]string
}

// Assignment is `column = value` of UPDATE SET and MERGE's UPDATE.
type Assignment struct {
	Column string
	Value  expr.Expr
}

// qualifier qualifies the target's columns in plans: its Name, or for an
// unnamed target (a path-addressed table without alias) a reserved one,
// so this package's own references never collide with the source's
// columns; the user's unqualified references resolve either way.
func (tgt Target) qualifier() string {
	if tgt.Name == "" {
		return "__ingot_dml_target"
	}
	return tgt.Name
}

// checker builds the constraint checker for the table as tx sees it.
func checker(tx *delta.Transaction, tgt Target) (*ConstraintChecker, error) {
	defs := tx.Constraints()
	if len(defs) == 0 {
		return nil, nil
	}
	if tgt.ParseConstraint == nil {
		return nil, fmt.Errorf("dml: the table has CHECK constraints but no parser was given: %w", delta.ErrUnsupportedFeature)
	}
	var cs []Constraint
	for name, text := range defs {
		e, err := tgt.ParseConstraint(text)
		if err != nil {
			return nil, fmt.Errorf("dml: CHECK constraint %s (%s): %w", name, text, err)
		}
		cs = append(cs, Constraint{Name: name, SQL: text, Expr: e})
	}
	return NewConstraintChecker(tx.Snapshot().Schema(), cs)
}

// scanOf is the target's files (indices into candidates) as a plan leaf;
// matched feeds its match column (nil: all false).
func scanOf(tgt Target, snap *delta.Snapshot, candidates []delta.AddFile, idx []int, matched ...map[int][]uint64) plan.Node {
	src := &filesSource{table: tgt.Table, schema: snap.Schema(), parts: snap.PartitionColumns(), label: tgt.qualifier()}
	if len(matched) > 0 {
		src.matched = matched[0]
	}
	for _, i := range idx {
		src.files = append(src.files, candidates[i])
		src.index = append(src.index, i)
	}
	return &plan.Scan{Source: src, Alias: tgt.qualifier()}
}

func allIndices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// isTrue is `cond IS TRUE`: NULL counts as false, as a WHERE does.
func isTrue(cond expr.Expr) expr.Expr {
	return &expr.CaseWhen{Whens: []expr.When{{Cond: cond, Value: expr.Lit(true)}}, Else: expr.Lit(false)}
}

func col(name string) expr.Expr { return &expr.ColumnRef{Name: name} }

// tableColumns projects the table's columns, in order, from a node over
// the target scan.
func tableColumns(schema types.StructType) []expr.Expr {
	out := make([]expr.Expr, len(schema.Fields))
	for i, f := range schema.Fields {
		out[i] = col(f.Name)
	}
	return out
}

// forEach executes n and hands each batch to fn (which must not keep it).
func forEach(ctx context.Context, n plan.Node, opts plan.ExecOptions, fn func(arrow.RecordBatch) error) error {
	r, err := plan.Execute(ctx, n, opts)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		rec, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		err = fn(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
}

// matchRows runs the first pass of DELETE and UPDATE: which rows of each
// candidate file satisfy cond (a bitset of positions per file) and how
// many. Only the columns cond needs are read. The second pass reads the
// bits instead of evaluating cond again, so a condition with a subquery or
// a nondeterministic function selects the same rows in both.
func matchRows(ctx context.Context, tgt Target, snap *delta.Snapshot, files []delta.AddFile, cond expr.Expr) ([]int64, map[int][]uint64, error) {
	counts := make([]int64, len(files))
	matched := map[int][]uint64{}
	var in plan.Node = scanOf(tgt, snap, files, allIndices(len(files)))
	var err error
	if tgt.Filter != nil {
		in, err = tgt.Filter(in, cond)
		if err != nil {
			return nil, nil, err
		}
	} else {
		in = &plan.Filter{Input: in, Cond: cond}
	}
	n := &plan.Project{Input: in, Exprs: []expr.Expr{col(rowCol)}}
	err = forEach(ctx, n, tgt.Exec, func(rec arrow.RecordBatch) error {
		for _, id := range rec.Column(0).(*array.Int64).Int64Values() {
			f, p := int(id>>32), int(id&(1<<32-1))
			bits := matched[f]
			for len(bits) <= p>>6 {
				bits = append(bits, 0)
			}
			if bits[p>>6]&(1<<(uint(p)&63)) == 0 {
				bits[p>>6] |= 1 << (uint(p) & 63)
				counts[f]++
			}
			matched[f] = bits
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return counts, matched, nil
}

// numRecords is the row count of a file from its stats, or -1.
func numRecords(f delta.AddFile) int64 {
	if f.Stats == "" || f.DeletionVector != nil {
		return -1
	}
	st, err := delta.ParseStats(f.Stats)
	if err != nil || st == nil || !strings.Contains(f.Stats, "numRecords") {
		return -1
	}
	return st.NumRecords
}

// countingReader counts the rows passing through.
type countingReader struct {
	batch.Reader
	rows int64
}

func (r *countingReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	rec, err := r.Reader.Next(ctx)
	if rec != nil {
		r.rows += rec.NumRows()
	}
	return rec, err
}

// rewrite writes data as the replacement of removed and commits.
func rewrite(ctx context.Context, tx *delta.Transaction, tgt Target, removed []delta.AddFile, data batch.Reader, op string, metrics func(added []delta.AddFile, written int64) map[string]string) (int64, int64, error) {
	cr := &countingReader{Reader: data}
	adds, err := tx.WriteFiles(ctx, cr, nil)
	if err != nil {
		tx.Abort(ctx)
		return -1, 0, err
	}
	tx.Remove(removed...)
	tx.Add(adds...)
	tx.SetOperationMetrics(metrics(adds, cr.rows))
	v, err := tx.Commit(ctx, op, tgt.Params)
	if err != nil {
		return -1, 0, fmt.Errorf("dml: %s: %w", strings.ToLower(op), err)
	}
	return v, cr.rows, nil
}

func fileMetrics(m map[string]string, removed, added []delta.AddFile, start time.Time) map[string]string {
	var rb, ab int64
	for _, f := range removed {
		rb += f.Size
	}
	for _, f := range added {
		ab += f.Size
	}
	m["numRemovedFiles"] = strconv.Itoa(len(removed))
	m["numAddedFiles"] = strconv.Itoa(len(added))
	m["numRemovedBytes"] = strconv.FormatInt(rb, 10)
	m["numAddedBytes"] = strconv.FormatInt(ab, 10)
	m["numAddedChangeFiles"] = "0"
	m["executionTimeMs"] = strconv.FormatInt(time.Since(start).Milliseconds(), 10)
	return m
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
