package exec

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
)

// Limit passes on the first n rows of its input and then stops reading.
type Limit struct {
	input Operator
	n     int64
}

// NewLimit returns the first n rows of input.
func NewLimit(input Operator, n int64) *Limit { return &Limit{input: input, n: n} }

func (l *Limit) Schema() *arrow.Schema { return l.input.Schema() }
func (l *Limit) Children() []Operator  { return []Operator{l.input} }
func (l *Limit) String() string        { return fmt.Sprintf("Limit %d", l.n) }

func (l *Limit) Open(ctx context.Context) (batch.Reader, error) {
	in, err := l.input.Open(ctx)
	if err != nil {
		return nil, err
	}
	left := l.n
	return &funcReader{
		schema: in.Schema(),
		close:  in.Close,
		next: func(ctx context.Context) (arrow.RecordBatch, error) {
			if left <= 0 {
				return nil, io.EOF
			}
			rec, err := in.Next(ctx)
			if err != nil {
				return nil, err
			}
			if rec.NumRows() <= left {
				left -= rec.NumRows()
				return rec, nil
			}
			out := rec.NewSlice(0, left)
			rec.Release()
			left = 0
			return out, nil
		},
	}, nil
}
