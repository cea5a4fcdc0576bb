// Package types defines ingot's data types: the Spark SQL type system
// (integer, long, double, string, timestamp, decimal, struct, array, map, ...)
// and its mapping onto Apache Arrow types.
//
// It owns the schema JSON exactly as Spark and Delta Lake write it (the
// schemaString of a Delta metaData action), Spark's printSchema tree format
// and the type names that appear in SQL (CAST(x AS BIGINT)). It knows nothing
// of files, tables, plans or execution; every other package may import it.
package types
