package sql

import "fmt"

// tokenKind classifies a lexed token. Keywords are not a kind of their own:
// Spark's keywords are mostly non-reserved, so the parser decides from
// context whether an identifier is a keyword (see token.is).
type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokIdent            // unquoted word: identifier or keyword
	tokQuoted           // `backquoted` identifier, never a keyword
	tokString           // 'single' or "double" quoted string, escapes decoded
	tokNumber           // numeric literal with its suffix, as written
	tokOp               // operator or punctuation
)

// token is one lexeme with the position of its first character: Line is
// 1-based and Col a 0-based character offset in the line, as Spark reports.
type token struct {
	kind tokenKind
	text string // decoded text (strings, quoted identifiers) or the raw lexeme
	raw  string // the lexeme exactly as written, for error messages
	line int
	col  int
	off  int // byte offset in the input
}

// is reports whether t is the unquoted keyword kw (given in upper case).
func (t token) is(kw string) bool {
	if t.kind != tokIdent || len(t.text) != len(kw) {
		return false
	}
	for i := 0; i < len(kw); i++ {
		c := t.text[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != kw[i] {
			return false
		}
	}
	return true
}

// isOp reports whether t is the operator or punctuation op.
func (t token) isOp(op string) bool { return t.kind == tokOp && t.text == op }

func (t token) pos() string { return fmt.Sprintf("line %d, pos %d", t.line, t.col) }
