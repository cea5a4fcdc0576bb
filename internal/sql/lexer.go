package sql

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// lexer splits SQL text into tokens. It is run once over the whole input
// (tokenize) so the parser can look ahead freely.
type lexer struct {
	src       string
	i         int
	line      int
	lineStart int
	// The last column computed (colN runes from colStart, the start of its
	// line, to colOff): tokens come in order, so each column is counted on
	// from the previous one instead of from the start of the line, which
	// kept a long one-line statement quadratic.
	colStart, colOff, colN int
}

// tokenize lexes src completely; the last token is always tokEOF.
func tokenize(src string) ([]token, error) {
	lx := &lexer{src: src, line: 1}
	toks := make([]token, 0, len(src)/4+1)
	for {
		t, err := lx.next()
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		if t.kind == tokEOF {
			return toks, nil
		}
	}
}

func (lx *lexer) col(off int) int {
	if lx.colStart != lx.lineStart || off < lx.colOff {
		lx.colStart, lx.colOff, lx.colN = lx.lineStart, lx.lineStart, 0
	}
	lx.colN += utf8.RuneCountInString(lx.src[lx.colOff:off])
	lx.colOff = off
	return lx.colN
}

func (lx *lexer) tok(kind tokenKind, start int, text string) token {
	return token{kind: kind, text: text, raw: lx.src[start:lx.i], line: lx.line, col: lx.col(start), off: start}
}

// skip passes over white space and comments, counting lines.
func (lx *lexer) skip() error {
	for lx.i < len(lx.src) {
		c := lx.src[lx.i]
		switch {
		case c == '\n':
			lx.i++
			lx.line++
			lx.lineStart = lx.i
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			lx.i++
		case c == '-' && strings.HasPrefix(lx.src[lx.i:], "--"):
			for lx.i < len(lx.src) && lx.src[lx.i] != '\n' {
				lx.i++
			}
		case c == '/' && strings.HasPrefix(lx.src[lx.i:], "/*"):
			// Spark's block comments nest.
			start := token{line: lx.line, col: lx.col(lx.i)}
			depth := 0
			for {
				if lx.i >= len(lx.src) {
					return &ParseError{Class: "UNCLOSED_BRACKETED_COMMENT", Msg: "Found an unclosed bracketed comment. Please, append */ at the end of the comment.", Line: start.line, Pos: start.col}
				}
				switch {
				case strings.HasPrefix(lx.src[lx.i:], "/*"):
					depth++
					lx.i += 2
				case strings.HasPrefix(lx.src[lx.i:], "*/"):
					depth--
					lx.i += 2
				case lx.src[lx.i] == '\n':
					lx.i++
					lx.line++
					lx.lineStart = lx.i
				default:
					lx.i++
				}
				if depth == 0 {
					break
				}
			}
		default:
			return nil
		}
	}
	return nil
}

// threeCharOps and twoCharOps are matched longest first.
var (
	threeCharOps = []string{"<=>"}
	twoCharOps   = []string{"==", "!=", "<>", "<=", ">=", "||", "::", "->", "=>", "&&"}
)

func (lx *lexer) next() (token, error) {
	if err := lx.skip(); err != nil {
		return token{}, err
	}
	start := lx.i
	if lx.i >= len(lx.src) {
		return token{kind: tokEOF, line: lx.line, col: lx.col(start), off: start}, nil
	}
	c := lx.src[lx.i]
	switch {
	case c == '\'' || c == '"':
		return lx.str(c)
	case c == '`':
		return lx.quotedIdent()
	case c >= '0' && c <= '9' || c == '.' && lx.i+1 < len(lx.src) && isDigit(lx.src[lx.i+1]):
		return lx.number()
	case (c == 'x' || c == 'X') && lx.i+1 < len(lx.src) && lx.src[lx.i+1] == '\'':
		// X'0A1B' binary literal: lexed as a string whose raw text starts with X.
		startCol := lx.col(start)
		lx.i++
		t, err := lx.str('\'')
		if err != nil {
			return t, err
		}
		t.kind = tokNumber
		t.raw = lx.src[start:lx.i]
		t.text = t.raw
		t.col = startCol
		t.off = start
		return t, nil
	case isIdentStart(c):
		for lx.i < len(lx.src) && isIdentPart(lx.src[lx.i]) {
			lx.i++
		}
		if lx.i < len(lx.src) && lx.src[lx.i] >= utf8.RuneSelf {
			// Non-ASCII letters are allowed in identifiers.
			for lx.i < len(lx.src) {
				r, n := utf8.DecodeRuneInString(lx.src[lx.i:])
				if r < utf8.RuneSelf && !isIdentPart(byte(r)) {
					break
				}
				lx.i += n
			}
		}
		return lx.tok(tokIdent, start, lx.src[start:lx.i]), nil
	}
	for _, op := range threeCharOps {
		if strings.HasPrefix(lx.src[lx.i:], op) {
			lx.i += len(op)
			return lx.tok(tokOp, start, op), nil
		}
	}
	for _, op := range twoCharOps {
		if strings.HasPrefix(lx.src[lx.i:], op) {
			lx.i += len(op)
			return lx.tok(tokOp, start, op), nil
		}
	}
	if strings.IndexByte("=<>!+-*/%&|^~(),.;[]{}:?@", c) >= 0 {
		lx.i++
		return lx.tok(tokOp, start, string(c)), nil
	}
	_, n := utf8.DecodeRuneInString(lx.src[lx.i:])
	lx.i += n
	return token{}, syntaxErrorAt(lx.tok(tokOp, start, lx.src[start:lx.i]))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf
}
func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

// str lexes a quoted string with Spark's backslash escapes.
func (lx *lexer) str(q byte) (token, error) {
	start := lx.i
	startLine, startCol := lx.line, lx.col(start)
	lx.i++
	var b strings.Builder
	for {
		if lx.i >= len(lx.src) {
			return token{}, &ParseError{Class: "PARSE_SYNTAX_ERROR", Msg: "Syntax error at or near '" + lx.src[start:min(len(lx.src), start+20)] + "': unclosed string literal", Line: startLine, Pos: startCol}
		}
		c := lx.src[lx.i]
		switch {
		case c == q:
			lx.i++
			return token{kind: tokString, text: b.String(), raw: lx.src[start:lx.i], line: startLine, col: startCol, off: start}, nil
		case c == '\\' && lx.i+1 < len(lx.src):
			lx.i++
			lx.escape(&b)
		default:
			if c == '\n' {
				lx.line++
				lx.lineStart = lx.i + 1
			}
			b.WriteByte(c)
			lx.i++
		}
	}
}

// escape decodes the escape sequence after a backslash, as Spark's
// unescapeSQLString does: \% and \_ keep their backslash (they are LIKE
// escapes), \uXXXX and three-digit octal are code points, any other
// character stands for itself.
func (lx *lexer) escape(b *strings.Builder) {
	c := lx.src[lx.i]
	if c >= '0' && c <= '3' && lx.i+2 < len(lx.src) && isOctal(lx.src[lx.i+1]) && isOctal(lx.src[lx.i+2]) {
		n, _ := strconv.ParseUint(lx.src[lx.i:lx.i+3], 8, 16)
		b.WriteRune(rune(n))
		lx.i += 3
		return
	}
	switch c {
	case '0':
		b.WriteByte(0)
	case 'b':
		b.WriteByte('\b')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'Z':
		b.WriteByte(0x1a)
	case '%', '_':
		b.WriteByte('\\')
		b.WriteByte(c)
	case 'u':
		if lx.i+4 < len(lx.src) {
			if n, err := strconv.ParseUint(lx.src[lx.i+1:lx.i+5], 16, 32); err == nil {
				b.WriteRune(rune(n))
				lx.i += 5
				return
			}
		}
		b.WriteByte(c)
	default:
		r, n := utf8.DecodeRuneInString(lx.src[lx.i:])
		b.WriteRune(r)
		lx.i += n
		return
	}
	lx.i++
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// quotedIdent lexes a `backquoted` identifier; “ stands for one backquote.
func (lx *lexer) quotedIdent() (token, error) {
	start := lx.i
	startLine, startCol := lx.line, lx.col(start)
	lx.i++
	var b strings.Builder
	for {
		if lx.i >= len(lx.src) {
			return token{}, &ParseError{Class: "PARSE_SYNTAX_ERROR", Msg: "Syntax error at or near '`': unclosed quoted identifier", Line: startLine, Pos: startCol}
		}
		c := lx.src[lx.i]
		if c == '`' {
			if lx.i+1 < len(lx.src) && lx.src[lx.i+1] == '`' {
				b.WriteByte('`')
				lx.i += 2
				continue
			}
			lx.i++
			return token{kind: tokQuoted, text: b.String(), raw: lx.src[start:lx.i], line: startLine, col: startCol, off: start}, nil
		}
		if c == '\n' {
			lx.line++
			lx.lineStart = lx.i + 1
		}
		b.WriteByte(c)
		lx.i++
	}
}

// number lexes a numeric literal: digits, an optional fraction and
// exponent, and an optional type suffix (L S Y D F BD, any case). The
// parser decides the literal's type from the text.
func (lx *lexer) number() (token, error) {
	start := lx.i
	for lx.i < len(lx.src) && isDigit(lx.src[lx.i]) {
		lx.i++
	}
	if lx.i < len(lx.src) && lx.src[lx.i] == '.' {
		lx.i++
		for lx.i < len(lx.src) && isDigit(lx.src[lx.i]) {
			lx.i++
		}
	}
	if lx.i < len(lx.src) && (lx.src[lx.i] == 'e' || lx.src[lx.i] == 'E') {
		j := lx.i + 1
		if j < len(lx.src) && (lx.src[j] == '+' || lx.src[j] == '-') {
			j++
		}
		if j < len(lx.src) && isDigit(lx.src[j]) {
			for j < len(lx.src) && isDigit(lx.src[j]) {
				j++
			}
			lx.i = j
		}
	}
	rest := lx.src[lx.i:]
	switch {
	case len(rest) >= 2 && strings.EqualFold(rest[:2], "BD") && (len(rest) == 2 || !isIdentPart(rest[2])):
		lx.i += 2
	case len(rest) >= 1 && strings.IndexByte("LlSsYyDdFf", rest[0]) >= 0 && (len(rest) == 1 || !isIdentPart(rest[1])):
		lx.i++
	}
	if lx.i < len(lx.src) && isIdentPart(lx.src[lx.i]) {
		// Spark allows identifiers that start with digits ("1a", "2d_col"):
		// extend to a whole word and let it be an identifier.
		for lx.i < len(lx.src) && isIdentPart(lx.src[lx.i]) {
			lx.i++
		}
		return lx.tok(tokIdent, start, lx.src[start:lx.i]), nil
	}
	return lx.tok(tokNumber, start, lx.src[start:lx.i]), nil
}
