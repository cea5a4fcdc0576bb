package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
)

// SortKey is one ordering of a Sort.
type SortKey struct {
	Expr       expr.Evaluator
	Desc       bool
	NullsFirst bool
	// Name renders the key in EXPLAIN.
	Name string
}

// Sort orders its whole input by keys, stably (rows with equal keys keep
// their input order). With a limit >= 0 it is a top-N: it keeps only the
// best limit rows while reading, so memory stays bounded by the limit plus
// a few batches.
type Sort struct {
	input Operator
	keys  []SortKey
	limit int64
	opts  Options
}

// NewSort returns input ordered by keys; limit < 0 means all rows.
func NewSort(input Operator, keys []SortKey, limit int64, opts Options) *Sort {
	return &Sort{input: input, keys: keys, limit: limit, opts: opts}
}

func (s *Sort) Schema() *arrow.Schema { return s.input.Schema() }
func (s *Sort) Children() []Operator  { return []Operator{s.input} }
func (s *Sort) String() string {
	parts := make([]string, len(s.keys))
	for i, k := range s.keys {
		dir, nulls := "ASC", "NULLS LAST"
		if k.Desc {
			dir = "DESC"
		}
		if k.NullsFirst {
			nulls = "NULLS FIRST"
		}
		parts[i] = k.Name + " " + dir + " " + nulls
	}
	if s.limit >= 0 {
		return fmt.Sprintf("TopN %d [%s]", s.limit, strings.Join(parts, ", "))
	}
	return "Sort [" + strings.Join(parts, ", ") + "]"
}

func (s *Sort) Open(ctx context.Context) (batch.Reader, error) {
	in, err := s.input.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	schema := s.input.Schema()
	var buf []arrow.RecordBatch
	var rows int64
	defer func() { batch.Release(buf) }()
	compactAt := max(2*s.limit, int64(s.opts.batchSize()))
	for {
		rec, err := in.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		buf = append(buf, rec)
		rows += rec.NumRows()
		if s.limit >= 0 && rows > compactAt {
			top, err := s.sorted(ctx, schema, buf, s.limit)
			if err != nil {
				return nil, err
			}
			batch.Release(buf)
			buf, rows = []arrow.RecordBatch{top}, top.NumRows()
		}
	}
	out, err := s.sorted(ctx, schema, buf, s.limit)
	if err != nil {
		return nil, err
	}
	return sliceOut(schema, out, s.opts.batchSize()), nil
}

// sorted concatenates recs and returns their rows in order, at most limit
// of them when limit >= 0.
func (s *Sort) sorted(ctx context.Context, schema *arrow.Schema, recs []arrow.RecordBatch, limit int64) (arrow.RecordBatch, error) {
	all, err := concatBatches(ctx, schema, recs)
	if err != nil {
		return nil, fmt.Errorf("exec: sort: %w", err)
	}
	defer all.Release()
	idx, err := sortIndices(ctx, all, s.keys)
	if err != nil {
		return nil, fmt.Errorf("exec: sort: %w", err)
	}
	if limit >= 0 && int64(len(idx)) > limit {
		idx = idx[:limit]
	}
	ix := indexArray(allocator(ctx), idx)
	defer ix.Release()
	cols := make([]arrow.Array, 0, all.NumCols())
	defer func() { releaseArrays(cols) }()
	for _, c := range all.Columns() {
		t, err := compute.TakeArray(ctx, c, ix)
		if err != nil {
			return nil, fmt.Errorf("exec: sort: %w", err)
		}
		cols = append(cols, t)
	}
	return array.NewRecordBatch(schema, cols, int64(len(idx))), nil
}

// sortIndices returns the row positions of rec in key order (stable).
func sortIndices(ctx context.Context, rec arrow.RecordBatch, keys []SortKey) ([]int32, error) {
	type key struct {
		arr        arrow.Array
		cmp        rowCompare
		desc       bool
		nullsFirst bool
		hasNulls   bool
	}
	ks := make([]key, len(keys))
	defer func() {
		for _, k := range ks {
			if k.arr != nil {
				k.arr.Release()
			}
		}
	}()
	for i, k := range keys {
		a, err := k.Expr.Eval(ctx, rec)
		if err != nil {
			return nil, err
		}
		ks[i] = key{arr: a, desc: k.Desc, nullsFirst: k.NullsFirst, hasNulls: a.NullN() > 0}
		if ks[i].cmp, err = newRowCompare(a); err != nil {
			return nil, err
		}
	}
	if len(ks) == 1 {
		if idx, ok := sortSingleKey(ks[0].arr, ks[0].desc, ks[0].nullsFirst); ok {
			return idx, nil
		}
	}
	n := int(rec.NumRows())
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	// pdqsort with the row position as the last tie-breaker is stable and
	// much faster than slices.SortStableFunc's insertion/merge passes.
	slices.SortFunc(idx, func(x, y int32) int {
		i, j := int(x), int(y)
		for _, k := range ks {
			if k.hasNulls {
				xn, yn := k.arr.IsNull(i), k.arr.IsNull(j)
				if xn || yn {
					if xn && yn {
						continue
					}
					// NULL placement is independent of the direction.
					if xn == k.nullsFirst {
						return -1
					}
					return 1
				}
			}
			c := k.cmp(i, j)
			if c != 0 {
				if k.desc {
					return -c
				}
				return c
			}
		}
		return int(x - y)
	})
	return idx, nil
}
