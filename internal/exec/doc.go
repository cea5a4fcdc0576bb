// Package exec implements ingot's physical operators over Arrow record
// batches: scan, project, filter, hash join (inner, outer, semi, anti and
// cross), hash aggregate, sort (and top-N), limit, union and distinct, plus
// Parallel, which runs per-batch stages on several goroutines in input
// order. Each operator opens into a batch.Reader, so batches stream from the
// leaves to the root; every operator releases what it holds on every path
// and stops when its context is cancelled. Explain renders an operator tree;
// ExplainTree is the one tree layout, which plan's logical EXPLAIN uses too.
//
// The reusable HashAggregator is exported so that the streaming engine can run
// an aggregation incrementally and checkpoint its partial state. Grouping,
// join build sides and distinct share one hash table (group_table.go) over
// typed key stores (hash_keys.go): keys are hashed a column at a time and
// compared as native values, never boxed per row. Sorting orders values as
// Spark does (compare.go, with expr.CompareFloat for NaN and -0.0), and
// sorts a single key as plain Go values (sort_fast.go).
//
// It knows nothing of logical plans, name resolution, SQL text, files or
// streaming: callers hand it compiled evaluators (expr.Evaluator), aggregate
// factories and bound column positions. Test support shared with plan's
// tests (batches from rows of Go values, rows rendered as text) lives in
// exectest.
package exec
