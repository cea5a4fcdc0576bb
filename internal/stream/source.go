package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// ErrStreamingNotExecutable: a plan with streaming sources was executed as a
// batch query instead of through Start.
var ErrStreamingNotExecutable = errors.New("stream: streaming plan executed as a batch query")

// Source is a streaming source opened for one query: it plans the end
// offset of each batch and reads the data between two offsets. Offsets are
// the source's own JSON, stored verbatim in offsets/N.
type Source interface {
	// Description names the source in progress reports, e.g.
	// "FileStreamSource[file:/abs/dir]" or "DeltaSource[file:/abs/table]".
	Description() string
	Schema() types.StructType
	// LatestOffset returns the end offset of the next batch starting after
	// start (nil = from the beginning), honouring the source's read limit;
	// it returns start (equal JSON) when there is no new data.
	LatestOffset(ctx context.Context, start json.RawMessage) (json.RawMessage, error)
	// GetBatch returns a plan.Source reading exactly the data in (start, end].
	GetBatch(ctx context.Context, start, end json.RawMessage) (plan.Source, error)
}

// availableNowSource is implemented by sources that can pin the data
// available "now" for Trigger.AvailableNow, so a query that keeps finding
// new data still terminates, as Spark's SupportsTriggerAvailableNow.
type availableNowSource interface {
	prepareForAvailableNow(ctx context.Context) error
}

// SourceSpec describes a streaming source before a query runs: the
// DataFrame is built (ReadStream) before the checkpoint location is known
// (WriteStream), so the engine opens the Source when the query starts.
//
// The schema method is SourceSchema, not Schema, so that a spec struct can
// carry its schema in a field named Schema (FileSourceSpec does).
type SourceSpec interface {
	Description() string
	SourceSchema() types.StructType
	// Open opens the source of a query; sourceID is the index of its leaf
	// in plan order, which names its checkpoint directory sources/<id>/.
	Open(ctx context.Context, checkpoint storage.Store, sourceID int) (Source, error)
}

// namedSpec is implemented by specs that name their relation differently
// from their description (the table name a Scan's columns are qualified by).
type namedSpec interface {
	Name() string
}

// Leaf is the plan.Source placed in a streaming DataFrame's logical plan,
// plan.Scan{Source: &Leaf{Spec: spec}}. Analysis sees its name and schema;
// each micro-batch replaces it by the source's GetBatch. Executing it as a
// batch query fails, as in Spark.
type Leaf struct{ Spec SourceSpec }

var _ plan.Source = (*Leaf)(nil)

// Name is the spec's relation name (its Description when it has none).
func (l *Leaf) Name() string {
	if n, ok := l.Spec.(namedSpec); ok {
		return n.Name()
	}
	return l.Spec.Description()
}

// Schema is the spec's schema.
func (l *Leaf) Schema() types.StructType { return l.Spec.SourceSchema() }

// Scan fails: a streaming plan runs only through Start.
func (l *Leaf) Scan(ctx context.Context, req plan.ScanRequest) (batch.Reader, error) {
	return nil, fmt.Errorf("[UNSUPPORTED_STREAMING_OPERATION] Queries with streaming sources must be executed with writeStream.start(); %s: %w", l.Spec.Description(), ErrStreamingNotExecutable)
}

// IsStreaming reports whether the plan reads a streaming source (has a
// Leaf scan anywhere).
func IsStreaming(n plan.Node) bool { return len(leaves(n)) > 0 }

// leaves returns the distinct Leafs of the plan in plan order (pre-order,
// left to right): their index is the source id.
func leaves(n plan.Node) []*Leaf {
	var out []*Leaf
	seen := map[*Leaf]bool{}
	var walk func(plan.Node)
	walk = func(n plan.Node) {
		if n == nil {
			return
		}
		if s, ok := n.(*plan.Scan); ok {
			if l, ok := s.Source.(*Leaf); ok && !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
		for _, c := range n.Children() {
			walk(c)
		}
	}
	walk(n)
	return out
}

// substituteLeaves returns the plan with each Leaf scan reading srcs[leaf]
// instead (a rewrite of plan.Scan nodes; Alias, Columns and Filters kept).
func substituteLeaves(n plan.Node, srcs map[*Leaf]plan.Source) plan.Node {
	return plan.TransformUp(n, func(n plan.Node) plan.Node {
		s, ok := n.(*plan.Scan)
		if !ok {
			return n
		}
		l, ok := s.Source.(*Leaf)
		if !ok {
			return n
		}
		cp := *s
		cp.Source = srcs[l]
		return &cp
	})
}
