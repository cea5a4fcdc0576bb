// Package stream is the streaming engine's on-disk machinery: the checkpoint
// of a streaming query (query id, write-ahead offset log, commit log, file
// source logs), the versioned state store of stateful operators, the
// recovery rule deciding which batch runs after a restart, the planning of
// file-source batches, and the progress/status reports users read.
//
// The layout follows Spark's so users recognise it (metadata, offsets/,
// commits/, sources/, state/); state files are our own Arrow IPC format. All
// bytes go through a storage.Store rooted at the checkpoint directory. The
// formats are specified in docs/format/checkpoint.md and
// docs/format/state-store.md.
//
// It knows nothing of SQL or of how a batch is computed: the micro-batch
// loop that drives plan/exec on top of these pieces will live here too, but
// the pieces themselves see state only as Arrow record batches and offsets
// only as opaque JSON per source.
package stream
