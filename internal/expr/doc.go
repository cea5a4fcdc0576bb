// Package expr owns scalar and aggregate expressions: their tree (column
// references, literals, casts, operators, function calls), type derivation
// with Spark's coercion rules, and vectorized evaluation over Arrow record
// batches, plus the function registry (scalar functions and grouped
// aggregate accumulators whose partial state can be saved and restored).
//
// It knows nothing of plans, tables, files, SQL text or streaming: callers
// hand it bound expressions and batches.
package expr
