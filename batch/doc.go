// Package batch defines the one interface through which data moves between
// ingot's layers: a pull-based stream of Arrow record batches (Reader), with
// small helpers to build and drain such streams.
//
// File readers, Delta scans and physical operators all produce a Reader, so
// any of them can feed any other. It knows nothing of where batches come from.
package batch
