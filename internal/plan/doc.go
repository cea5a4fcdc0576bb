// Package plan owns ingot's logical plans: the relational operators both
// front ends build (the DataFrame API and SQL produce the same trees), the
// analyzer that resolves names and types them with Spark's rules and error
// classes, the optimizer (one rule per file, rule_*.go), EXPLAIN rendering
// (in exec.ExplainTree's layout, so logical and physical trees read alike),
// and the lowering of an analyzed plan to package exec's physical operators.
// Its analysis errors are expr.AnalysisError values, one type for every
// "[CLASS] message" error whichever layer raised it.
//
// It knows nothing of SQL text, files, Delta tables or streaming: data
// enters through the Source interface, which upper layers implement, and an
// aggregation can be handed to the caller in parts (AggregateParts) so the
// streaming engine can drive it incrementally.
package plan
