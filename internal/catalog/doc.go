// Package catalog keeps the session catalog: databases (schemas) and the
// tables registered in them, persisted as small JSON files inside the
// warehouse so that they survive process restarts and are shared by every
// process that opens the same warehouse.
//
// It owns names (case-insensitive, stored lower-case as Spark's session
// catalog does), default locations (the "default" database is the warehouse
// root, others live in <warehouse>/<name>.db, managed tables in
// <db location>/<table>), locations stored canonical, and deleting on DROP
// exactly the data the catalog owns. It knows
// nothing of SQL, plans or Delta's internals: a table entry records where the
// table lives and which provider reads it; its schema and data files belong to
// the provider (the Delta log). The on-disk format is specified in
// docs/format/catalog.md.
package catalog
