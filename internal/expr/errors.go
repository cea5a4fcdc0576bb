package expr

import (
	"errors"
	"fmt"
)

// Sentinels callers test with errors.Is; the messages users see carry
// Spark's error class in brackets (see AnalysisError).
var (
	// ErrDataTypeMismatch: operands or arguments of types that cannot be
	// combined (DATATYPE_MISMATCH.*).
	ErrDataTypeMismatch = errors.New("expr: data type mismatch")
	// ErrUnknownFunction: a name not in the registry (UNRESOLVED_ROUTINE).
	ErrUnknownFunction = errors.New("expr: unknown function")
	// ErrWrongArgs: a call with the wrong number of arguments
	// (WRONG_NUM_ARGS).
	ErrWrongArgs = errors.New("expr: wrong number of arguments")
	// ErrUnbound: an expression still holding a ColumnRef or Star where a
	// bound tree is required (the analyzer did not run Bind).
	ErrUnbound = errors.New("expr: unbound expression")
	// ErrUnsupported: a valid expression this engine does not evaluate yet.
	ErrUnsupported = errors.New("expr: unsupported")
	// ErrInvalidArgument: a value a function rejects at run time, as Spark
	// does even in non-ANSI mode (INVALID_INDEX_OF_ZERO).
	ErrInvalidArgument = errors.New("expr: invalid argument")
)

// AnalysisError is a user-facing error naming Spark's error class, printed
// as "[CLASS] message".
type AnalysisError struct {
	Class   string // e.g. "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES"
	Message string
	kind    error
}

func (e *AnalysisError) Error() string { return "[" + e.Class + "] " + e.Message }

// Unwrap exposes the sentinel (ErrDataTypeMismatch, ...) for errors.Is.
func (e *AnalysisError) Unwrap() error { return e.kind }

// NewAnalysisError returns the user-facing error "[class] message" that
// errors.Is matches to the sentinel kind. The analyzer (package plan) builds
// its errors with it too, so every analysis error has this one type.
func NewAnalysisError(kind error, class, format string, args ...any) *AnalysisError {
	return &AnalysisError{Class: class, Message: fmt.Sprintf(format, args...), kind: kind}
}

func mismatch(class string, e Expr, format string, args ...any) error {
	return &AnalysisError{
		Class:   "DATATYPE_MISMATCH." + class,
		Message: fmt.Sprintf("Cannot resolve %q due to data type mismatch: ", e.String()) + fmt.Sprintf(format, args...),
		kind:    ErrDataTypeMismatch,
	}
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
