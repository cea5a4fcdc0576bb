package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
)

// JoinType is the kind of a join.
type JoinType int

const (
	InnerJoin JoinType = iota
	LeftOuterJoin
	RightOuterJoin
	FullOuterJoin
	LeftSemiJoin
	LeftAntiJoin
	CrossJoin
)

var joinTypeNames = [...]string{"Inner", "LeftOuter", "RightOuter", "FullOuter", "LeftSemi", "LeftAnti", "Cross"}

func (t JoinType) String() string {
	if t < 0 || int(t) >= len(joinTypeNames) {
		return fmt.Sprintf("JoinType(%d)", int(t))
	}
	return joinTypeNames[t]
}

// HashJoin joins left (probe side, streamed) to right (build side,
// materialized in a hash table) on equal keys, then keeps the pairs for
// which the residual condition (if any) is true. NULL keys never match.
//
// The output is the left columns then the right columns (left only for
// semi and anti joins). Rows of an outer side without a match are padded
// with NULLs; a right/full outer join emits the unmatched build rows after
// the probe side is exhausted.
type HashJoin struct {
	left, right         Operator
	typ                 JoinType
	leftKeys, rightKeys []evaluator
	residual            evaluator
	residualDesc        string
	schema              *arrow.Schema
	joinedSchema        *arrow.Schema // left ++ right, what the residual sees
}

// NewHashJoin returns a join of left and right. leftKeys[i] (over left's
// columns) must equal rightKeys[i] (over right's) and have the same type.
// residual, when non-nil, is evaluated over the left columns followed by the
// right columns; residualDesc renders it in EXPLAIN. No keys means every
// pair is a candidate (a cross or nested-loop join).
func NewHashJoin(left, right Operator, typ JoinType, leftKeys, rightKeys []expr.Evaluator, residual expr.Evaluator, residualDesc string) (*HashJoin, error) {
	if len(leftKeys) != len(rightKeys) {
		return nil, fmt.Errorf("exec: hash join: %d left keys, %d right keys", len(leftKeys), len(rightKeys))
	}
	if typ < 0 || int(typ) >= len(joinTypeNames) {
		return nil, fmt.Errorf("exec: hash join: unknown join type %d", int(typ))
	}
	for i := range leftKeys {
		lt, rt := leftKeys[i].Type(), rightKeys[i].Type()
		if lt.SQL() != rt.SQL() {
			return nil, fmt.Errorf("exec: hash join: key %d is %s on the left and %s on the right", i, lt.SQL(), rt.SQL())
		}
	}
	h := &HashJoin{left: left, right: right, typ: typ, leftKeys: leftKeys, rightKeys: rightKeys, residual: residual, residualDesc: residualDesc}
	lf, rf := left.Schema().Fields(), right.Schema().Fields()
	h.joinedSchema = arrow.NewSchema(append(append([]arrow.Field(nil), lf...), rf...), nil)
	var out []arrow.Field
	for _, f := range lf {
		f.Nullable = f.Nullable || typ == RightOuterJoin || typ == FullOuterJoin
		out = append(out, f)
	}
	if typ != LeftSemiJoin && typ != LeftAntiJoin {
		for _, f := range rf {
			f.Nullable = f.Nullable || typ == LeftOuterJoin || typ == FullOuterJoin
			out = append(out, f)
		}
	}
	h.schema = arrow.NewSchema(out, nil)
	return h, nil
}

func (h *HashJoin) Schema() *arrow.Schema { return h.schema }
func (h *HashJoin) Children() []Operator  { return []Operator{h.left, h.right} }
func (h *HashJoin) String() string {
	s := fmt.Sprintf("HashJoin %s keys=%d", h.typ, len(h.leftKeys))
	if h.residual != nil {
		s += " residual=" + h.residualDesc
	}
	return s
}

// buildSide is the materialized right input with its key hash table.
type buildSide struct {
	rec     arrow.RecordBatch
	table   *groupTable
	head    []int32 // first build row of each group
	next    []int32 // next build row of the same group, -1 ends
	matched []bool  // build rows matched so far (right/full outer)
}

func (h *HashJoin) build(ctx context.Context) (*buildSide, error) {
	r, err := h.right.Open(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := batch.ReadAll(ctx, r)
	if err != nil {
		return nil, err
	}
	rec, err := concatBatches(ctx, h.right.Schema(), recs)
	batch.Release(recs)
	if err != nil {
		return nil, err
	}
	b := &buildSide{rec: rec}
	keys, err := evalAll(ctx, h.rightKeys, rec)
	if err != nil {
		rec.Release()
		return nil, err
	}
	defer releaseArrays(keys)
	keyTypes := make([]arrow.DataType, len(keys))
	for i, k := range keys {
		keyTypes[i] = k.DataType()
	}
	if b.table, err = newGroupTable(keyTypes); err != nil {
		rec.Release()
		return nil, err
	}
	n := int(rec.NumRows())
	groups := make([]uint32, n)
	b.table.findOrInsert(keys, n, groups)
	b.head = make([]int32, b.table.numGroups())
	for i := range b.head {
		b.head[i] = -1
	}
	b.next = make([]int32, n)
	// Walk backwards so each chain lists build rows in input order.
	for row := n - 1; row >= 0; row-- {
		b.next[row] = -1
		if b.table.anyNull(row) {
			continue // a NULL key matches nothing
		}
		g := groups[row]
		b.next[row] = b.head[g]
		b.head[g] = int32(row)
	}
	if h.typ == RightOuterJoin || h.typ == FullOuterJoin {
		b.matched = make([]bool, n)
	}
	return b, nil
}

// maxJoinBatch bounds the rows of one output batch: a probe batch whose
// keys match many build rows is emitted in several batches.
const maxJoinBatch = 4 * DefaultBatchSize

func (h *HashJoin) Open(ctx context.Context) (batch.Reader, error) {
	b, err := h.build(ctx)
	if err != nil {
		return nil, fmt.Errorf("exec: hash join build: %w", err)
	}
	left, err := h.left.Open(ctx)
	if err != nil {
		b.rec.Release()
		return nil, err
	}
	probeDone, tailDone := false, false
	// The probe batch being emitted and its output row pairs.
	var cur arrow.RecordBatch
	var li, ri []int32
	off := 0
	return &funcReader{
		schema: h.schema,
		close: func() error {
			if cur != nil {
				cur.Release()
				cur = nil
			}
			b.rec.Release()
			return left.Close()
		},
		next: func(ctx context.Context) (arrow.RecordBatch, error) {
			for {
				if cur != nil && off < len(li) {
					end := min(off+maxJoinBatch, len(li))
					var rpart []int32
					if ri != nil {
						rpart = ri[off:end]
					}
					out, err := h.assemble(ctx, cur, b.rec, li[off:end], rpart)
					off = end
					if err != nil {
						return nil, fmt.Errorf("exec: hash join: %w", err)
					}
					return out, nil
				}
				if cur != nil {
					cur.Release()
					cur = nil
				}
				if probeDone {
					break
				}
				rec, err := left.Next(ctx)
				if errors.Is(err, io.EOF) {
					probeDone = true
					break
				}
				if err != nil {
					return nil, err
				}
				if li, ri, err = h.probe(ctx, b, rec); err != nil {
					rec.Release()
					return nil, fmt.Errorf("exec: hash join probe: %w", err)
				}
				cur, off = rec, 0
			}
			if b.matched != nil && !tailDone {
				tailDone = true
				out, err := h.unmatchedBuild(ctx, b)
				if err != nil || out.NumRows() > 0 {
					return out, err
				}
				out.Release()
			}
			return nil, io.EOF
		},
	}, nil
}

// probe matches one left batch against the build side and returns the
// output row pairs in probe order: left row li[k] with build row ri[k]
// (-1 for NULL padding); ri is nil for semi and anti joins.
func (h *HashJoin) probe(ctx context.Context, b *buildSide, rec arrow.RecordBatch) ([]int32, []int32, error) {
	keys, err := evalAll(ctx, h.leftKeys, rec)
	if err != nil {
		return nil, nil, err
	}
	defer releaseArrays(keys)
	rows := int(rec.NumRows())
	found := make([]int32, rows)
	b.table.find(keys, rows, true, found)

	// Candidate pairs, in probe row order.
	var li, ri []int32
	for row, g := range found {
		if g < 0 {
			continue
		}
		for r := b.head[g]; r >= 0; r = b.next[r] {
			li = append(li, int32(row))
			ri = append(ri, r)
		}
	}
	if h.residual != nil && len(li) > 0 {
		if li, ri, err = h.applyResidual(ctx, rec, b.rec, li, ri); err != nil {
			return nil, nil, err
		}
	}
	if b.matched != nil {
		for _, r := range ri {
			b.matched[r] = true
		}
	}
	switch h.typ {
	case LeftSemiJoin, LeftAntiJoin:
		hit := make([]bool, rows)
		for _, l := range li {
			hit[l] = true
		}
		keep := []int32{}
		for row := range rows {
			if hit[row] == (h.typ == LeftSemiJoin) {
				keep = append(keep, int32(row))
			}
		}
		return keep, nil, nil
	case LeftOuterJoin, FullOuterJoin:
		// Interleave unmatched left rows (right side NULL) in row order.
		var ol, or []int32
		j := 0
		for row := range int32(rows) {
			if j < len(li) && li[j] == row {
				for j < len(li) && li[j] == row {
					ol, or = append(ol, row), append(or, ri[j])
					j++
				}
				continue
			}
			ol, or = append(ol, row), append(or, -1)
		}
		return ol, or, nil
	}
	if ri == nil {
		ri = []int32{}
	}
	return li, ri, nil
}

// applyResidual keeps the candidate pairs for which the residual is true.
func (h *HashJoin) applyResidual(ctx context.Context, left, right arrow.RecordBatch, li, ri []int32) ([]int32, []int32, error) {
	cand, err := h.takePairs(ctx, h.joinedSchema, left, right, li, ri)
	if err != nil {
		return nil, nil, err
	}
	defer cand.Release()
	mask, err := h.residual.Eval(ctx, cand)
	if err != nil {
		return nil, nil, err
	}
	defer mask.Release()
	m, ok := mask.(*array.Boolean)
	if !ok {
		if mask.DataType().ID() == arrow.NULL {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("join condition is %s, not boolean", mask.DataType())
	}
	ol, or := li[:0], ri[:0]
	for i := range li {
		if m.IsValid(i) && m.Value(i) {
			ol, or = append(ol, li[i]), append(or, ri[i])
		}
	}
	return ol, or, nil
}

// assemble builds an output batch of h.schema from row pairs; a -1 index
// (or a nil right batch) yields NULLs.
func (h *HashJoin) assemble(ctx context.Context, left, right arrow.RecordBatch, li, ri []int32) (arrow.RecordBatch, error) {
	if h.typ == LeftSemiJoin || h.typ == LeftAntiJoin {
		return h.takePairs(ctx, h.schema, left, nil, li, nil)
	}
	return h.takePairs(ctx, h.schema, left, right, li, ri)
}

func (h *HashJoin) takePairs(ctx context.Context, schema *arrow.Schema, left, right arrow.RecordBatch, li, ri []int32) (arrow.RecordBatch, error) {
	mem := allocator(ctx)
	n := len(li)
	var cols []arrow.Array
	addSide := func(rec arrow.RecordBatch, fields []arrow.Field, idx []int32) error {
		if rec == nil {
			for _, f := range fields {
				cols = append(cols, array.MakeArrayOfNull(mem, f.Type, n))
			}
			return nil
		}
		ix := indexArray(mem, idx)
		defer ix.Release()
		for _, c := range rec.Columns() {
			t, err := compute.TakeArray(ctx, c, ix)
			if err != nil {
				return err
			}
			cols = append(cols, t)
		}
		return nil
	}
	err := addSide(left, h.left.Schema().Fields(), li)
	if err == nil && schema.NumFields() > len(cols) {
		err = addSide(right, h.right.Schema().Fields(), ri)
	}
	defer releaseArrays(cols)
	if err != nil {
		return nil, err
	}
	return array.NewRecordBatch(schema, cols, int64(n)), nil
}

// unmatchedBuild returns the build rows no probe row matched, with NULL
// left columns.
func (h *HashJoin) unmatchedBuild(ctx context.Context, b *buildSide) (arrow.RecordBatch, error) {
	var ri []int32
	for r, m := range b.matched {
		if !m {
			ri = append(ri, int32(r))
		}
	}
	return h.takePairs(ctx, h.schema, nil, b.rec, make([]int32, len(ri)), ri)
}

// indexArray makes Take indices; -1 becomes NULL (a NULL output row).
func indexArray(mem memory.Allocator, idx []int32) arrow.Array {
	b := array.NewInt32Builder(mem)
	defer b.Release()
	b.Reserve(len(idx))
	for _, i := range idx {
		if i < 0 {
			b.AppendNull()
		} else {
			b.UnsafeAppend(i)
		}
	}
	return b.NewArray()
}

// concatBatches concatenates recs into one batch of schema.
func concatBatches(ctx context.Context, schema *arrow.Schema, recs []arrow.RecordBatch) (arrow.RecordBatch, error) {
	mem := allocator(ctx)
	cols := make([]arrow.Array, schema.NumFields())
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	for i := range cols {
		if len(recs) == 0 {
			cols[i] = array.MakeArrayOfNull(mem, schema.Field(i).Type, 0)
			continue
		}
		parts := make([]arrow.Array, len(recs))
		for j, r := range recs {
			parts[j] = r.Column(i)
		}
		c, err := array.Concatenate(parts, mem)
		if err != nil {
			releaseArrays(cols)
			return nil, err
		}
		cols[i] = c
	}
	defer releaseArrays(cols)
	return array.NewRecordBatch(schema, cols, rows), nil
}
