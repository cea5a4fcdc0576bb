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

func (s *Scan) Open(ctx context.Context) (batch.Reader, error) {
	r, err := s.open(ctx)
	if err != nil {
		return nil, fmt.Errorf("exec: scan %s: %w", s.name, err)
	}
	return r, nil
}
