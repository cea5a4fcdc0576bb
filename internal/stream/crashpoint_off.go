//go:build !crashpoints

package stream

// crashPoint marks a place where the end-to-end crash tests kill the
// process (see crashpoint_on.go); in normal builds it does nothing. The
// points are, for batch N of a query: "offsets" after offsets/N is written,
// "sink" after the sink committed N, "commit" after commits/N is written.
func crashPoint(query, point string, batchID int64) {}
