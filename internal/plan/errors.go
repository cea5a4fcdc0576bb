package plan

import (
	"errors"

	"github.com/ingotdata/ingot/internal/expr"
)

// Sentinels for the analysis errors callers test with errors.Is. The
// messages users see carry Spark's error class in brackets.
var (
	ErrUnresolvedColumn   = errors.New("plan: unresolved column")
	ErrAmbiguousReference = errors.New("plan: ambiguous reference")
	ErrMissingAggregation = errors.New("plan: missing aggregation")
	ErrInvalidPlan        = errors.New("plan: invalid plan")
)

// AnalysisError is a user-facing analysis error, "[CLASS] message": the
// type expr's errors have, so callers test one type whichever layer failed.
type AnalysisError = expr.AnalysisError

func analysisError(kind error, class, format string, args ...any) error {
	return expr.NewAnalysisError(kind, class, format, args...)
}
