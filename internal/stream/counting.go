package stream

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/types"
)

// countingReader counts the rows that pass through a batch.Reader.
type countingReader struct {
	batch.Reader
	rows *atomic.Int64
}

func (r countingReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	rec, err := r.Reader.Next(ctx)
	if rec != nil {
		r.rows.Add(rec.NumRows())
	}
	return rec, err
}

// countingSource is a micro-batch's plan.Source, named as the Leaf it
// replaces (so qualified column references still resolve), counting the
// rows its scans return: the source's numInputRows in the progress report.
type countingSource struct {
	name  string
	inner plan.Source
	rows  atomic.Int64
}

func (s *countingSource) Name() string             { return s.name }
func (s *countingSource) Schema() types.StructType { return s.inner.Schema() }

func (s *countingSource) Scan(ctx context.Context, req plan.ScanRequest) (batch.Reader, error) {
	r, err := s.inner.Scan(ctx, req)
	if err != nil {
		return nil, err
	}
	return countingReader{r, &s.rows}, nil
}

// sparkPath renders a store URL as Spark prints a Hadoop path
// ("file:///a/b" -> "file:/a/b").
func sparkPath(url string) string {
	if rest, ok := strings.CutPrefix(url, "file://"); ok {
		return "file:" + rest
	}
	return url
}
