package exec

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/expr"
)

type evaluator = expr.Evaluator

// Project computes one output column per evaluator for every input batch.
type Project struct {
	input  Operator
	exprs  []evaluator
	names  []string
	schema *arrow.Schema
}

// NewProject returns a projection of input. schema names and types the
// output columns (one field per evaluator); names label them in EXPLAIN.
func NewProject(input Operator, exprs []expr.Evaluator, schema *arrow.Schema, names []string) (*Project, error) {
	if len(exprs) != schema.NumFields() {
		return nil, fmt.Errorf("exec: project: %d expressions for %d output fields", len(exprs), schema.NumFields())
	}
	return &Project{input: input, exprs: exprs, names: names, schema: schema}, nil
}

func (p *Project) Schema() *arrow.Schema { return p.schema }
func (p *Project) Children() []Operator  { return []Operator{p.input} }
func (p *Project) String() string        { return "Project [" + strings.Join(p.names, ", ") + "]" }

func (p *Project) Open(ctx context.Context) (batch.Reader, error) {
	in, err := p.input.Open(ctx)
	if err != nil {
		return nil, err
	}
	return &funcReader{
		schema: p.schema,
		close:  in.Close,
		next: func(ctx context.Context) (arrow.RecordBatch, error) {
			rec, err := in.Next(ctx)
			if err != nil {
				return nil, err
			}
			defer rec.Release()
			cols, err := evalAll(ctx, p.exprs, rec)
			if err != nil {
				return nil, fmt.Errorf("exec: project: %w", err)
			}
			defer releaseArrays(cols)
			if err := conformColumns(ctx, p.schema, cols); err != nil {
				return nil, fmt.Errorf("exec: project: %w", err)
			}
			return array.NewRecordBatch(p.schema, cols, rec.NumRows()), nil
		},
	}, nil
}

// conformColumns checks that cols match schema's types, replacing a column
// of the Null type (an untyped NULL literal) by nulls of the declared type.
func conformColumns(ctx context.Context, schema *arrow.Schema, cols []arrow.Array) error {
	for i, c := range cols {
		want := schema.Field(i).Type
		if arrow.TypeEqual(c.DataType(), want) {
			continue
		}
		if c.DataType().ID() == arrow.NULL {
			n := array.MakeArrayOfNull(allocator(ctx), want, c.Len())
			c.Release()
			cols[i] = n
			continue
		}
		return fmt.Errorf("column %d (%s) is %s, want %s", i, schema.Field(i).Name, c.DataType(), want)
	}
	return nil
}
