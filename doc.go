// Package ingot is the public Go API of the ingot lakehouse engine: a
// Session (warehouse, catalog, configuration), lazy DataFrames and Columns,
// SQL, batch readers and writers, and Structured Streaming queries over Delta
// Lake tables, mirroring PySpark so a notebook translates line by line:
//
//	s, _ := ingot.NewSession(ctx, ingot.Config{Warehouse: "spark-warehouse"})
//	patients, _ := s.Read().Format("csv").Option("header", "true").
//		Option("inferSchema", "true").Load(ctx, "patient_info.csv")
//	err := patients.Write().Mode("overwrite").Format("delta").SaveAsTable(ctx, "db.dim_patients")
//
// Transformations (Select, Filter, Join, GroupBy().Agg, OrderBy) are lazy and
// chain: the first analysis error sticks to the DataFrame and is returned by
// Err and by every action (Collect, Count, Show). Operations that touch
// storage (Load, Table, SQL, Save) return their error directly.
//
// The package is thin glue: the same logical plan comes out of the DataFrame
// API and of SQL text, and execution, Delta, catalog and streaming live in the
// packages below it. It owns no data format and no execution logic.
package ingot
