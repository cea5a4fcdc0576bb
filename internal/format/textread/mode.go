package textread

import (
	"errors"
	"fmt"
	"strings"
)

// DefaultBatchSize is the number of rows per batch when a reader's BatchSize
// option is 0.
const DefaultBatchSize = 8192

// Mode is Spark's mode option: what happens to a record that does not fit the
// schema. Each format documents what "does not fit" and "malformed" mean for
// it; the three choices are common to both.
type Mode int

const (
	// Permissive nulls values that do not fit their column.
	Permissive Mode = iota
	// FailFast fails on the first record that does not fit.
	FailFast
	// DropMalformed drops records that do not fit.
	DropMalformed
)

// ErrTypeMismatch marks a value or record that does not fit its column
// (FailFast only).
var ErrTypeMismatch = errors.New("value does not fit column type")

// ParseMode parses Spark's mode option names, case-insensitively; "" is
// Permissive, Spark's default.
func ParseMode(s string) (Mode, error) {
	switch strings.ToUpper(s) {
	case "", "PERMISSIVE":
		return Permissive, nil
	case "FAILFAST":
		return FailFast, nil
	case "DROPMALFORMED":
		return DropMalformed, nil
	}
	return 0, fmt.Errorf("unknown mode %q (want PERMISSIVE, FAILFAST or DROPMALFORMED)", s)
}

func (m Mode) String() string {
	switch m {
	case FailFast:
		return "FAILFAST"
	case DropMalformed:
		return "DROPMALFORMED"
	}
	return "PERMISSIVE"
}
