package json

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/internal/format/textread"
)

// DefaultBatchSize is the number of rows per batch when Options.BatchSize is 0.
const DefaultBatchSize = textread.DefaultBatchSize

// Mode says what happens to a record that does not fit.
//
// ingot departs from Spark's PERMISSIVE default in one way: a file that is not
// syntactically JSON (a truncated object, a stray '}') is an error naming the
// file, line and column in every mode but DropMalformed, instead of a silent
// all-NULL row. A value that parses but does not fit its column's type (a
// string in a bigint column) becomes NULL in Permissive mode, as in Spark.
type Mode = textread.Mode

const (
	// Permissive nulls values that do not fit their column; syntax errors fail.
	Permissive = textread.Permissive
	// FailFast fails on the first syntax error or type mismatch.
	FailFast = textread.FailFast
	// DropMalformed drops records (JSON Lines: lines; multi-line: the whole
	// file) that are not valid JSON, and rows holding a value that does not fit.
	DropMalformed = textread.DropMalformed
)

// ErrMalformed marks input that is not a JSON record (syntax error, or a
// top-level value that is not an object).
var ErrMalformed = errors.New("malformed JSON record")

// ErrTypeMismatch marks a value that does not fit its column (FailFast only).
var ErrTypeMismatch = textread.ErrTypeMismatch

// ParseMode parses Spark's mode option names, case-insensitively.
func ParseMode(s string) (Mode, error) {
	m, err := textread.ParseMode(s)
	if err != nil {
		return 0, fmt.Errorf("json: %w", err)
	}
	return m, nil
}

// Options mirror the Spark JSON source options ingot supports.
type Options struct {
	// MultiLine false reads JSON Lines (one record per line; a line holding an
	// array yields one row per element). True reads the whole file as one
	// object or a top-level array of objects.
	MultiLine bool
	// PrimitivesAsString infers every number and boolean as string.
	PrimitivesAsString bool
	// PrefersDecimal infers fractional numbers as decimal when they fit.
	PrefersDecimal bool
	// AllowNumbersAsStrings lets a JSON string holding a number fill a numeric
	// column. Spark has no such option (it yields NULL); off by default.
	AllowNumbersAsStrings bool
	// SamplingRatio in (0,1) makes Infer look at that fraction of the records,
	// chosen deterministically (every k-th); 0 or 1 means all.
	SamplingRatio float64
	Mode          Mode
	// BatchSize is the rows per batch (DefaultBatchSize when 0).
	BatchSize int
	// Allocator for the batches' buffers (memory.DefaultAllocator when nil).
	Allocator memory.Allocator
}
