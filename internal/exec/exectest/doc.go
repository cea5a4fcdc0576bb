// Package exectest is test support shared by the engine packages (exec,
// plan): it builds record batches from rows of Go values and renders the
// rows of a batch stream as text, so tests state inputs and expected
// outputs readably.
//
// It is for tests only: it goes value by value through []any, which the
// engine itself never does, and it knows nothing of operators or plans —
// only of Arrow batches, Spark types and batch.Reader.
package exectest
