package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
)

// Filter keeps the rows of each input batch for which the predicate is
// true; NULL counts as false, as in Spark's WHERE.
type Filter struct {
	input Operator
	pred  evaluator
	desc  string
}

// NewFilter returns a filter of input by pred (a boolean evaluator); desc
// renders the condition in EXPLAIN.
func NewFilter(input Operator, pred expr.Evaluator, desc string) *Filter {
	return &Filter{input: input, pred: pred, desc: desc}
}

func (f *Filter) Schema() *arrow.Schema { return f.input.Schema() }
func (f *Filter) Children() []Operator  { return []Operator{f.input} }
func (f *Filter) String() string        { return "Filter " + f.desc }

func (f *Filter) Open(ctx context.Context) (batch.Reader, error) {
	in, err := f.input.Open(ctx)
	if err != nil {
		return nil, err
	}
	return &funcReader{
		schema: in.Schema(),
		close:  in.Close,
		next: func(ctx context.Context) (arrow.RecordBatch, error) {
			for {
				rec, err := in.Next(ctx)
				if err != nil {
					return nil, err
				}
				out, err := filterBatch(ctx, rec, f.pred)
				rec.Release()
				if err != nil {
					return nil, fmt.Errorf("exec: filter %s: %w", f.desc, err)
				}
				if out.NumRows() > 0 {
					return out, nil
				}
				out.Release()
			}
		},
	}, nil
}

// filterBatch returns the rows of rec where pred is true (not released).
func filterBatch(ctx context.Context, rec arrow.RecordBatch, pred evaluator) (arrow.RecordBatch, error) {
	mask, err := pred.Eval(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer mask.Release()
	if mask.DataType().ID() != arrow.BOOL {
		if mask.DataType().ID() == arrow.NULL { // WHERE NULL keeps nothing
			return rec.NewSlice(0, 0), nil
		}
		return nil, fmt.Errorf("predicate is %s, not boolean", mask.DataType())
	}
	return compute.FilterRecordBatch(ctx, rec, mask, compute.DefaultFilterOptions())
}
