// Package gen writes the synthetic healthcare data set the seed pipeline
// runs on — a patient table (batch/patient_info.csv) and heart-rate readings
// (streaming/tracker/NNNNN.json) — deterministically from a seed, and
// computes the pipeline's expected gold table from those files with nothing
// but encoding/json and encoding/csv (ReferenceGold), as a test oracle.
//
// It knows nothing of ingot's engine: no Arrow, no readers, no plans. That
// independence is the point of the oracle; keep it that way.
package gen
