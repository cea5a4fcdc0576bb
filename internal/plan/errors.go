package plan

import (
	"errors"
	"fmt"
)

// Sentinels for the analysis errors callers test with errors.Is. The
// messages users see carry Spark's error class in brackets.
var (
	ErrUnresolvedColumn   = errors.New("plan: unresolved column")
	ErrAmbiguousReference = errors.New("plan: ambiguous reference")
	ErrMissingAggregation = errors.New("plan: missing aggregation")
	ErrInvalidPlan        = errors.New("plan: invalid plan")
)

// AnalysisError is a user-facing analysis error: "[CLASS] message".
type AnalysisError struct {
	Class   string
	Message string
	kind    error
}

func (e *AnalysisError) Error() string { return "[" + e.Class + "] " + e.Message }
func (e *AnalysisError) Unwrap() error { return e.kind }

func analysisError(kind error, class, format string, args ...any) error {
	return &AnalysisError{Class: class, Message: fmt.Sprintf(format, args...), kind: kind}
}
