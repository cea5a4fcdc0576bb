// Package dml implements Delta's row-level changes — DELETE, UPDATE and
// MERGE INTO — as copy-on-write rewrites: it finds the data files holding
// rows the statement changes, reads them, computes the new rows with
// vectorized plans (package plan over Arrow batches), writes the rows that
// survive to new files and commits the removes and adds as one Delta
// transaction, recording Spark's operation metrics in commitInfo. On a
// table with the change data feed it also writes the changed rows (delete,
// update pre/post-images, insert) as cdc files. It evaluates a table's
// CHECK constraints over the batches about to be written. On a table with
// delta.enableDeletionVectors, DELETE marks rows with deletion vectors and
// UPDATE marks the old rows and writes only the updated ones (dv.go);
// otherwise, and for MERGE, changes are copy-on-write.
//
// It knows nothing of SQL text or sessions: callers hand it parsed
// expressions (expr.Expr with unresolved column references), the source of
// a MERGE as a plan.Node, and the table as a *delta.Table; it does not
// touch the catalog.
package dml
