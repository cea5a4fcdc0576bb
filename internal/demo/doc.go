// Package demo runs the seed notebook (PySpark Medallion Architecture with
// Delta tables) on ingot's public API, printing what each notebook cell
// prints. It backs `ingot demo`; it owns no engine logic and uses only the
// public ingot package plus the data generator.
package demo
