// Package expr owns scalar and aggregate expressions: their tree (column
// references, literals, casts, operators, function calls), type derivation
// with Spark's coercion rules, and vectorized evaluation over Arrow record
// batches, plus the function registry (scalar functions and grouped
// aggregate accumulators whose partial state can be saved and restored).
//
// It knows nothing of plans, tables, files, SQL text or streaming: callers
// hand it bound expressions and batches.
//
// The life of an expression: the analyzer calls Bind (ColumnRef ->
// BoundRef), then Coerce (inserts the implicit casts Spark's non-ANSI
// rules would, marked Implicit so they stay out of generated column
// names), then TypeOf for the output schema and Compile for an Evaluator.
// Kernels read typed slices straight from Arrow buffers and write typed
// buffers with a validity bitmap (buffers.go); constants are folded once at
// compile time and broadcast. Semantics follow Spark 3.5 with
// spark.sql.ansi.enabled=false: overflow wraps, division by zero and
// failed casts give NULL, the session time zone is UTC.
package expr
