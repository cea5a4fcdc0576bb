package csv

import (
	"fmt"

	"github.com/ingotdata/ingot/internal/format/textread"
)

// splitter cuts a file's bytes into records of fields. Unquoted fields are
// slices of the input (no copy); quoted fields are unescaped into buf. A
// quoted field may span lines. Blank lines are skipped, as Spark does.
type splitter struct {
	name                 string
	data                 []byte
	pos                  int
	line                 int // line of data[pos], 1-based
	delim, quote, escape byte
	noQuote              bool

	recLine int // line where the last record started
	recOff  int // offset in data where the last record started
	spans   []span
	buf     []byte
	fields  [][]byte
}

type span struct {
	quoted     bool
	start, end int
	off        int // offset in data where the field starts (its quote, if quoted)
}

func newSplitter(name string, data []byte, o Options) *splitter {
	s := &splitter{name: name, data: data, line: 1, delim: o.Delimiter, quote: o.Quote, escape: o.Escape, noQuote: o.NoQuote}
	s.pos = textread.BOMLen(data)
	return s
}

// next returns the fields of the next record, valid until the next call, or
// ok=false at the end of the input.
func (s *splitter) next() (fields [][]byte, ok bool, err error) {
	data, n := s.data, len(s.data)
	for s.pos < n {
		switch {
		case data[s.pos] == '\n':
			s.pos++
			s.line++
			continue
		case data[s.pos] == '\r' && (s.pos+1 == n || data[s.pos+1] == '\n'):
			s.pos++
			continue
		}
		break
	}
	if s.pos >= n {
		return nil, false, nil
	}
	s.recLine, s.recOff = s.line, s.pos
	s.spans, s.buf = s.spans[:0], s.buf[:0]
	pos := s.pos
	for {
		if !s.noQuote && pos < n && data[pos] == s.quote {
			open := pos
			pos++
			start := len(s.buf)
			closed := false
			for pos < n {
				c := data[pos]
				if c == s.escape && s.escape != s.quote && pos+1 < n && (data[pos+1] == s.quote || data[pos+1] == s.escape) {
					s.buf = append(s.buf, data[pos+1])
					pos += 2
					continue
				}
				if c == s.quote {
					if pos+1 < n && data[pos+1] == s.quote {
						s.buf = append(s.buf, c)
						pos += 2
						continue
					}
					pos++
					closed = true
					break
				}
				if c == '\n' {
					s.line++
				}
				s.buf = append(s.buf, c)
				pos++
			}
			if !closed {
				s.pos = n
				line, col := textread.LineCol(data, open)
				return nil, false, fmt.Errorf("csv: %s:%d:%d: quoted field never closed: %w", s.name, line, col, ErrMalformed)
			}
			// Text after the closing quote is kept literally, as Spark's
			// parser does with an unescaped quote inside a value.
			for pos < n && data[pos] != s.delim && data[pos] != '\n' {
				if data[pos] != '\r' || (pos+1 < n && data[pos+1] != '\n') {
					s.buf = append(s.buf, data[pos])
				}
				pos++
			}
			s.spans = append(s.spans, span{quoted: true, start: start, end: len(s.buf), off: open})
		} else {
			start := pos
			if i := indexEither(data[pos:], s.delim, '\n'); i < 0 {
				pos = n
			} else {
				pos += i
			}
			end := pos
			if end > start && data[end-1] == '\r' && (pos == n || data[pos] == '\n') {
				end--
			}
			s.spans = append(s.spans, span{start: start, end: end, off: start})
		}
		if pos >= n {
			break
		}
		if data[pos] == s.delim {
			pos++
			continue
		}
		pos++ // '\n'
		s.line++
		break
	}
	s.pos = pos
	s.fields = s.fields[:0]
	for _, sp := range s.spans {
		if sp.quoted {
			s.fields = append(s.fields, s.buf[sp.start:sp.end:sp.end])
		} else {
			s.fields = append(s.fields, data[sp.start:sp.end:sp.end])
		}
	}
	return s.fields, true, nil
}

// position returns the line and column (1-based, in bytes) of field i of
// the last record, or of the record's start if it has no field i.
func (s *splitter) position(i int) (line, col int) {
	off := s.recOff
	if i >= 0 && i < len(s.spans) {
		off = s.spans[i].off
	}
	return textread.LineCol(s.data, off)
}

// indexEither returns the index of the first a or b in p, or -1.
func indexEither(p []byte, a, b byte) int {
	for i, c := range p {
		if c == a || c == b {
			return i
		}
	}
	return -1
}
