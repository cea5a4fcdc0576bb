package stream

import (
	"errors"
	"fmt"

	"github.com/ingotdata/ingot/internal/plan"
)

// ErrUnsupportedOperation: the streaming plan uses an operation the engine
// cannot run incrementally with the chosen output mode.
var ErrUnsupportedOperation = errors.New("stream: unsupported operation on a streaming plan")

// Spark 3.5 raises these checks as AnalysisExceptions without an error
// class; ingot names them UNSUPPORTED_STREAMING_OPERATION, keeping Spark's
// wording so the message is still searchable.
func unsupported(format string, args ...any) error {
	return &classifiedError{msg: "stream: [UNSUPPORTED_STREAMING_OPERATION] " + fmt.Sprintf(format, args...), kind: ErrUnsupportedOperation}
}

// classifiedError is a user-facing message that matches a sentinel with
// errors.Is without repeating the sentinel's text.
type classifiedError struct {
	msg  string
	kind error
}

func (e *classifiedError) Error() string { return e.msg }
func (e *classifiedError) Unwrap() error { return e.kind }

// streamingIn reports whether n reads a streaming source: a Leaf (before a
// batch is planned) or a micro-batch source standing in for one.
func streamingIn(n plan.Node) bool {
	if s, ok := n.(*plan.Scan); ok {
		switch s.Source.(type) {
		case *Leaf, *countingSource:
			return true
		}
	}
	for _, c := range n.Children() {
		if streamingIn(c) {
			return true
		}
	}
	return false
}

// streamingAggregates returns the Aggregate nodes over streaming input.
func streamingAggregates(n plan.Node) []*plan.Aggregate {
	var out []*plan.Aggregate
	var walk func(plan.Node)
	walk = func(n plan.Node) {
		if a, ok := n.(*plan.Aggregate); ok && streamingIn(a.Input) {
			out = append(out, a)
		}
		for _, c := range n.Children() {
			walk(c)
		}
	}
	walk(n)
	return out
}

// checkStreamingPlan applies Spark's UnsupportedOperationChecker rules
// that matter for the plans ingot runs (analyzed plan, Leaf scans): at most
// one streaming aggregation, which complete mode needs and append mode
// (without watermarks) forbids; sorting and limits only above the
// aggregation in complete mode; no stream-stream joins, no outer join
// preserving the static side; no streaming DISTINCT.
func checkStreamingPlan(n plan.Node, mode OutputMode) error {
	aggs := streamingAggregates(n)
	switch {
	case len(aggs) > 1:
		return unsupported("Multiple streaming aggregations are not supported with streaming DataFrames/Datasets")
	case len(aggs) == 0 && mode == Complete:
		return unsupported("Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets")
	case len(aggs) == 1 && mode == Append:
		return unsupported("Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark")
	case len(aggs) == 1 && mode == Update:
		return unsupported("Update output mode with a streaming aggregation is not supported by ingot yet; use complete mode")
	}
	var err error
	var walk func(n plan.Node, aboveAgg bool)
	walk = func(n plan.Node, aboveAgg bool) {
		if err != nil {
			return
		}
		if !streamingIn(n) {
			return
		}
		switch n := n.(type) {
		case *plan.Aggregate:
			aboveAgg = false // below it the input is the raw stream
			walk(n.Input, false)
			return
		case *plan.Sort:
			if !(aboveAgg && mode == Complete) {
				err = unsupported("Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode")
				return
			}
		case *plan.Limit:
			if !(aboveAgg && mode == Complete) {
				err = unsupported("Limits are not supported on streaming DataFrames/Datasets in %s output mode, unless on an aggregated DataFrame/Dataset in Complete output mode", mode.Spark())
				return
			}
		case *plan.Distinct:
			if !aboveAgg {
				err = unsupported("Distinct on streaming DataFrames/Datasets needs a state store, which ingot does not support yet")
				return
			}
		case *plan.Union:
			if !(n.All) && !aboveAgg {
				err = unsupported("Union (distinct) on streaming DataFrames/Datasets is not supported; use unionAll")
				return
			}
		case *plan.Join:
			l, r := streamingIn(n.Left), streamingIn(n.Right)
			switch {
			case l && r:
				err = unsupported("Stream-stream joins are not supported by ingot yet")
			case n.Type == plan.FullOuter:
				err = unsupported("Full outer joins with streaming DataFrames/Datasets are not supported")
			case n.Type == plan.LeftOuter && r:
				err = unsupported("Left outer join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left is not supported")
			case n.Type == plan.RightOuter && l:
				err = unsupported("Right outer join with a streaming DataFrame/Dataset on the left and a static DataFrame/Dataset on the right is not supported")
			case (n.Type == plan.LeftSemi || n.Type == plan.LeftAnti) && r:
				err = unsupported("Left semi/anti joins with a streaming DataFrame/Dataset on the right are not supported")
			}
			if err != nil {
				return
			}
		}
		for _, c := range n.Children() {
			walk(c, aboveAgg)
		}
	}
	walk(n, len(aggs) == 1)
	return err
}
