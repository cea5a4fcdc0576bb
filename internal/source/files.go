package source

import (
	"context"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// Files reads a format.Set with a fixed schema.
type Files struct {
	Set   *format.Set
	Label string // shown in plans, e.g. "json /data/tracker"
	cols  types.StructType
}

var _ plan.Source = (*Files)(nil)

// NewFiles returns a source over set; schema nil-valued (no fields) means
// infer it from the files now.
func NewFiles(ctx context.Context, set *format.Set, schema types.StructType, label string) (*Files, error) {
	if len(schema.Fields) == 0 {
		var err error
		if schema, err = set.Infer(ctx); err != nil {
			return nil, err
		}
	}
	return &Files{Set: set, Label: label, cols: schema}, nil
}

func (f *Files) Name() string { return f.Label }

func (f *Files) Schema() types.StructType { return f.cols }

func (f *Files) Scan(ctx context.Context, req plan.ScanRequest) (batch.Reader, error) {
	return f.Set.Read(ctx, f.cols, req.Columns)
}
