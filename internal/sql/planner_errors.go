package sql

import (
	"errors"
	"fmt"
)

// ErrUnsupported is wrapped by the planner's errors for SQL that parses but
// that the engine cannot run yet (window functions, subquery expressions,
// GROUPING SETS, ...), so callers can tell "not yet" from "wrong".
var ErrUnsupported = errors.New("sql: unsupported feature")

// ErrInvalidQuery is wrapped by the planner's errors for queries Spark
// rejects in analysis (a bad LIMIT, a wrong number of column aliases).
var ErrInvalidQuery = errors.New("sql: invalid query")

// PlanError is a user-facing error of the planner: "[CLASS] message", with
// Spark's error class.
type PlanError struct {
	Class   string
	Message string
	kind    error
}

func (e *PlanError) Error() string { return "[" + e.Class + "] " + e.Message }
func (e *PlanError) Unwrap() error { return e.kind }

// unsupported reports SQL the engine does not run yet. Spark's class is
// UNSUPPORTED_FEATURE; a wrong answer would be worse than this error.
func unsupported(format string, args ...any) error {
	return &PlanError{Class: "UNSUPPORTED_FEATURE", Message: fmt.Sprintf(format, args...), kind: ErrUnsupported}
}

func invalid(class, format string, args ...any) error {
	return &PlanError{Class: class, Message: fmt.Sprintf(format, args...), kind: ErrInvalidQuery}
}
