// Package expr owns scalar and aggregate expressions: their tree (column
// references, literals, casts, operators, function calls), type derivation
// with Spark's coercion rules, and vectorized evaluation over Arrow record
// batches, plus the function registry (scalar functions and grouped
// aggregate accumulators whose partial state can be saved and restored).
//
// It also owns the value semantics the layers above share rather than
// repeat: Spark's order of floating-point values (CompareFloat: NaN above
// all, -0.0 equal to 0.0), which min/max here and exec's sort use, and
// AnalysisError, the "[CLASS] message" error type that plan's analyzer
// builds with NewAnalysisError.
//
// It knows nothing of plans, tables, files, SQL text or streaming: callers
// hand it bound expressions and batches.
//
// The life of an expression: the analyzer calls Bind (ColumnRef ->
// BoundRef), then Coerce (inserts the implicit casts Spark's non-ANSI
// rules would, marked Implicit so they stay out of generated column
// names), then TypeOf for the output schema and Compile for an Evaluator.
// Kernels read typed slices straight from Arrow buffers and write typed
// buffers with a validity bitmap (buffers.go), one generic kernel per
// operator family over every fixed-width number type (arith.go,
// compare.go); constants are folded once at compile time and broadcast.
// Semantics follow Spark 3.5 with spark.sql.ansi.enabled=false: overflow
// wraps, division by zero and failed casts give NULL, the session time
// zone is UTC.
package expr
