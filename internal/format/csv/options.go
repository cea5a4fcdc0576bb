package csv

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ingotdata/ingot/internal/format/textread"
)

// DefaultBatchSize is the number of rows per batch when Options.BatchSize is 0.
const DefaultBatchSize = textread.DefaultBatchSize

// Mode says what happens to a row that does not fit the schema.
//
// A value that does not parse as its column's type (abc in an int column) is
// NULL in Permissive mode, as in Spark. A row with too few fields is padded
// with NULLs and one with too many is truncated (Spark's PERMISSIVE does the
// same). A file that cannot be split into records — a quoted field never
// closed — is an error in every mode but DropMalformed, which drops the
// unterminated tail; Spark would return it as one corrupt record.
type Mode = textread.Mode

const (
	// Permissive nulls values that do not fit and pads or truncates rows.
	Permissive = textread.Permissive
	// FailFast fails on the first value or row that does not fit.
	FailFast = textread.FailFast
	// DropMalformed drops rows that do not fit.
	DropMalformed = textread.DropMalformed
)

// ErrMalformed marks text that cannot be split into records.
var ErrMalformed = errors.New("malformed CSV")

// ErrTypeMismatch marks a value or row that does not fit (FailFast only).
var ErrTypeMismatch = textread.ErrTypeMismatch

// ParseMode parses Spark's mode option names, case-insensitively.
func ParseMode(s string) (Mode, error) {
	m, err := textread.ParseMode(s)
	if err != nil {
		return 0, fmt.Errorf("csv: %w", err)
	}
	return m, nil
}

// Options mirror the Spark CSV source options ingot supports. The zero value
// is Spark's defaults: no header, every column a string, ',' '"' '\\'.
type Options struct {
	// Header says the first record names the columns (and is not data).
	Header bool
	// InferSchema makes Infer guess column types; false makes every column
	// a string.
	InferSchema bool
	// Delimiter, Quote and Escape default to ',', '"' and '\\' when 0.
	// Inside a quoted field, Escape or a doubled Quote yields a literal Quote.
	Delimiter byte
	Quote     byte
	Escape    byte
	// NoQuote disables quoting (Spark's quote="" option).
	NoQuote bool
	// NullValue is the text read as NULL (default "": empty fields are NULL).
	NullValue string
	// NaNValue, PositiveInf and NegativeInf name the special doubles
	// (defaults "NaN", "Inf", "-Inf").
	NaNValue, PositiveInf, NegativeInf string
	// SampleRows limits inference to the first n data rows (0 = all).
	SampleRows int
	// SamplingRatio in (0,1) makes inference look at that fraction of the
	// rows, chosen deterministically (every k-th); 0 or 1 means all.
	SamplingRatio float64
	// TimestampFormat is a Spark (Java DateTimeFormatter) pattern such as
	// "yyyy-MM-dd HH:mm:ss"; empty means ISO-8601 forms. Readings without a
	// zone are UTC, ingot's session time zone.
	TimestampFormat string
	Mode            Mode
	// BatchSize is the rows per batch (DefaultBatchSize when 0).
	BatchSize int
	// Allocator for the batches' buffers (memory.DefaultAllocator when nil).
	Allocator memory.Allocator
}

func (o Options) withDefaults() Options {
	if o.Delimiter == 0 {
		o.Delimiter = ','
	}
	if o.Quote == 0 {
		o.Quote = '"'
	}
	if o.Escape == 0 {
		o.Escape = '\\'
	}
	if o.NaNValue == "" {
		o.NaNValue = "NaN"
	}
	if o.PositiveInf == "" {
		o.PositiveInf = "Inf"
	}
	if o.NegativeInf == "" {
		o.NegativeInf = "-Inf"
	}
	return o
}
