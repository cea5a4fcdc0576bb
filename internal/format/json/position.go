package json

import (
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ingotdata/ingot/internal/format/textread"
)

// skipSeparators moves off past whitespace and the ':' or ',' before a value,
// so a reported column points at the value itself.
func skipSeparators(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
			continue
		}
		break
	}
	return off
}

// syntaxError rewrites a tokenizer error as "json: name:line:col: message",
// wrapping ErrMalformed. base is the offset in data where the decoder's
// input started (the line start in JSON Lines mode).
func syntaxError(name string, data []byte, base int64, err error) error {
	var se *jsontext.SyntacticError
	off := int64(len(data)) // end of input by default
	msg := err.Error()
	switch {
	case errors.As(err, &se):
		off = base + se.ByteOffset
		if se.Err != nil {
			msg = se.Err.Error()
		}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "unexpected end of JSON input"
	}
	line, col := textread.LineCol(data, int(off))
	return fmt.Errorf("json: %s:%d:%d: %s: %w", name, line, col, msg, ErrMalformed)
}

// positionError builds an error at an absolute offset of data.
func positionError(name string, data []byte, off int64, sentinel error, format string, args ...any) error {
	line, col := textread.LineCol(data, int(off))
	return fmt.Errorf("json: %s:%d:%d: %s: %w", name, line, col, fmt.Sprintf(format, args...), sentinel)
}
