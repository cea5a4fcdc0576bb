// Package exec implements ingot's physical operators over Arrow record
// batches: scan, project, filter, hash join, hash aggregate, sort (and top-N),
// limit, union and distinct. Each operator opens into a batch.Reader, so
// batches stream from the leaves to the root; every operator releases what it
// holds on every path and stops when its context is cancelled.
//
// The reusable HashAggregator is exported so that the streaming engine can run
// an aggregation incrementally and checkpoint its partial state.
//
// It knows nothing of logical plans, name resolution, SQL text, files or
// streaming: callers hand it compiled evaluators (expr.Evaluator), aggregate
// factories and bound column positions.
package exec
