// Package stream is ingot's micro-batch streaming engine: what Spark's
// Structured Streaming does for a query reading files or Delta tables and
// writing a Delta table. It owns the query loop (Start, Query), the
// streaming sources (FileSourceSpec, DeltaSourceSpec) and sink (DeltaSink),
// the checkpoint of a query (query id, write-ahead offset log, commit log,
// file source logs), the versioned state store of the streaming
// aggregation, the recovery rule deciding which batch runs after a
// restart, and the progress/status reports users read.
//
// A streaming DataFrame's plan holds Leaf scans; each micro-batch replaces
// them by the data of the batch (a plan.Source from the source's GetBatch),
// then runs the plan as a batch query through package plan, except that a
// streaming aggregation is driven here, batch by batch, over an
// exec.HashAggregator whose state is checkpointed (stateful_aggregate.go).
// The recovery argument is written above Query.loop (micro_batch.go).
//
// The checkpoint layout follows Spark's so users recognise it (metadata,
// offsets/, commits/, sources/, state/); state files are our own Arrow IPC
// format, specified with the rest in docs/format/checkpoint.md and
// docs/format/state-store.md. All bytes go through a storage.Store rooted
// at the checkpoint directory.
//
// It knows nothing of SQL text, sessions or the catalog: the public ingot
// package builds the plan and the source specs and calls Start.
package stream
