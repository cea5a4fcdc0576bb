package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ingotdata/ingot/types"
)

var aggregates = map[string]bool{"count": true, "sum": true, "avg": true, "min": true, "max": true}

func compileCall(out *compiled, e *Call) error     { return ErrUnsupported }
func compileCaseWhen(out *compiled, e *CaseWhen) error {
	return ErrUnsupported
}
func compileIn(out *compiled, e *In) error     { return ErrUnsupported }
func compileLike(out *compiled, e *Like) error { return ErrUnsupported }


func coerceAgg(n *AggCall) (Expr, error) { return n, nil }

// AggResultType is the result type and nullability of an aggregate call.
func AggResultType(call *AggCall, argTypes []types.DataType) (types.DataType, bool, error) {
	return nil, false, fmt.Errorf("not implemented")
}

// NewGroupedAccumulator makes the accumulator of an aggregate call.
func NewGroupedAccumulator(call *AggCall, argTypes []types.DataType) (GroupedAccumulator, error) {
	return nil, fmt.Errorf("not implemented")
}

var _ = arrow.Null
