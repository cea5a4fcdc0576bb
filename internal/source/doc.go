// Package source adapts data to the plan layer's Source interface: a set of
// files of one format, a snapshot of a Delta table, or a chosen list of a
// Delta table's files (what a streaming micro-batch reads). Both the batch
// API and the streaming engine build their scans from these, so a file or
// table is read the same way in either. It knows nothing of SQL, sessions
// or checkpoints.
package source
