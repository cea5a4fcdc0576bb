package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
)

// Scan is a leaf: it opens whatever produces its batches (a table, a file
// set, an in-memory relation) through a function supplied by the planner.
type Scan struct {
	name   string
	schema *arrow.Schema
	open   func(ctx context.Context) (batch.Reader, error)
}

// NewScan returns a leaf operator named name whose batches come from open.
func NewScan(name string, schema *arrow.Schema, open func(ctx context.Context) (batch.Reader, error)) *Scan {
	return &Scan{name: name, schema: schema, open: open}
}

func (s *Scan) Schema() *arrow.Schema { return s.schema }
func (s *Scan) Children() []Operator  { return nil }
func (s *Scan) String() string        { return "Scan " + s.name }

// Open opens the source and checks each batch against the declared schema:
// operators above index columns by position and trust their types, so a
// source that yields something else is an error here, not a panic later.
func (s *Scan) Open(ctx context.Context) (batch.Reader, error) {
	r, err := s.open(ctx)
	if err != nil {
		return nil, fmt.Errorf("exec: scan %s: %w", s.name, err)
	}
	return &funcReader{
		schema: s.schema,
		close:  r.Close,
		next: func(ctx context.Context) (arrow.RecordBatch, error) {
			rec, err := r.Next(ctx)
			if err != nil {
				return nil, err
			}
			if err := s.check(rec); err != nil {
				rec.Release()
				return nil, err
			}
			return rec, nil
		},
	}, nil
}

func (s *Scan) check(rec arrow.RecordBatch) error {
	if int(rec.NumCols()) != s.schema.NumFields() {
		return fmt.Errorf("exec: scan %s: batch has %d columns, want %d", s.name, rec.NumCols(), s.schema.NumFields())
	}
	for i, c := range rec.Columns() {
		if !arrow.TypeEqual(c.DataType(), s.schema.Field(i).Type) {
			return fmt.Errorf("exec: scan %s: column %d (%s) is %s, want %s", s.name, i, s.schema.Field(i).Name, c.DataType(), s.schema.Field(i).Type)
		}
	}
	return nil
}
