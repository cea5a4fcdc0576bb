package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
)

// Union concatenates its inputs' streams (UNION ALL), one input after the
// other. Inputs must have the same column types; the output takes the first
// input's names, as Spark does.
type Union struct {
	inputs []Operator
}

// NewUnion returns the concatenation of inputs.
func NewUnion(inputs ...Operator) (*Union, error) {
	if len(inputs) == 0 {
		return nil, errors.New("exec: union of no inputs")
	}
	first := inputs[0].Schema()
	for i, in := range inputs[1:] {
		s := in.Schema()
		if s.NumFields() != first.NumFields() {
			return nil, fmt.Errorf("exec: union input %d has %d columns, want %d", i+1, s.NumFields(), first.NumFields())
		}
		for j := range s.NumFields() {
			if !arrow.TypeEqual(s.Field(j).Type, first.Field(j).Type) {
				return nil, fmt.Errorf("exec: union input %d column %d is %s, want %s", i+1, j, s.Field(j).Type, first.Field(j).Type)
			}
		}
	}
	return &Union{inputs: inputs}, nil
}

func (u *Union) Schema() *arrow.Schema { return u.inputs[0].Schema() }
func (u *Union) Children() []Operator  { return u.inputs }
func (u *Union) String() string        { return "Union" }

func (u *Union) Open(ctx context.Context) (batch.Reader, error) {
	i := 0
	var cur batch.Reader
	schema := u.Schema()
	return &funcReader{
		schema: schema,
		close: func() error {
			if cur != nil {
				return cur.Close()
			}
			return nil
		},
		next: func(ctx context.Context) (arrow.RecordBatch, error) {
			for {
				if cur == nil {
					if i >= len(u.inputs) {
						return nil, io.EOF
					}
					r, err := u.inputs[i].Open(ctx)
					if err != nil {
						return nil, err
					}
					cur = r
					i++
				}
				rec, err := cur.Next(ctx)
				if errors.Is(err, io.EOF) {
					cur.Close()
					cur = nil
					continue
				}
				if err != nil {
					return nil, err
				}
				// Re-label the batch with the union's schema (first input's names).
				out := array.NewRecordBatch(schema, rec.Columns(), rec.NumRows())
				rec.Release()
				return out, nil
			}
		},
	}, nil
}
