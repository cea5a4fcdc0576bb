package json

import (
	"bytes"
	"errors"
	"io"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ingotdata/ingot/internal/format/textread"
)

var decoderOptions = []jsontext.Options{
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
}

// framer walks the records of one file, leaving its decoder positioned just
// after each record's '{'. In multi-line mode the whole file is one value: an
// object, or an array of objects. In JSON Lines mode one decoder reads the
// file's top-level values in turn (resetting a decoder per line costs ~20%
// of throughput); the framer checks that each value sits on a line of its
// own, so a record cannot spill into the next line. A line holding an array
// yields one record per element. DropMalformed instead gives every line a
// decoder of its own, so a bad line can be skipped and reading resumes at
// the next.
type framer struct {
	name  string
	data  []byte
	multi bool
	drop  bool // DropMalformed: skip invalid lines instead of failing

	dec  *jsontext.Decoder
	src  bytes.Buffer
	next int   // JSON Lines: offset of the next line
	base int64 // offset in data where the decoder's input starts

	open    bool // the decoder holds a top-level value not yet finished
	inArray bool // ... and that value is an array of records
	done    bool
	skip    int // bytes of byte-order mark before the first record

	// JSON Lines with one decoder for the file (all modes but DropMalformed).
	shared   bool
	started  bool
	valStart int64 // offset of the current top-level value
	prevEnd  int64 // offset just after the previous one, -1 before the first

}

func newFramer(name string, data []byte, multi, drop bool) *framer {
	f := &framer{name: name, data: data, multi: multi, drop: drop, dec: jsontext.NewDecoder(bytes.NewReader(nil)),
		shared: !multi && !drop, prevEnd: -1}
	f.skip = textread.BOMLen(data)
	f.next = f.skip
	return f
}

// err turns a tokenizer error into a positioned one.
func (f *framer) err(err error) error {
	return syntaxError(f.name, f.data, f.base, err)
}

// offset is the absolute offset of the decoder's read position.
func (f *framer) offset() int64 { return f.base + f.dec.InputOffset() }

// notRecord reports a top-level value that is not an object.
func (f *framer) notRecord(k jsontext.Kind) error {
	off := skipSeparators(f.data, f.offset())
	if k == 0 {
		_, err := f.dec.ReadToken()
		if err != nil {
			return f.err(err)
		}
	}
	return positionError(f.name, f.data, off, ErrMalformed, "expected a JSON object, found %s", kindName(k))
}

// start points the decoder at input, beginning at absolute offset base.
func (f *framer) start(input []byte, base int64) {
	f.src = *bytes.NewBuffer(input)
	f.dec.Reset(&f.src, decoderOptions...)
	f.base = base
}

// Next advances to the next record, consuming its '{'. It returns false at
// the end of the file.
func (f *framer) Next() (bool, error) {
	for !f.done {
		if f.open {
			k := f.dec.PeekKind()
			if f.inArray {
				switch k {
				case '{':
					if _, err := f.dec.ReadToken(); err != nil {
						return false, f.err(err)
					}
					return true, nil
				case ']':
					if _, err := f.dec.ReadToken(); err != nil {
						return false, f.err(err)
					}
					f.inArray = false
					continue
				}
				return false, f.notRecord(k)
			}
			if f.shared {
				// The value must not have spanned lines.
				end := f.offset()
				if i := bytes.IndexByte(f.data[f.valStart:end], '\n'); i >= 0 {
					return false, positionError(f.name, f.data, f.valStart, ErrMalformed,
						"record continues past the end of its line (JSON Lines holds one record per line; use multiLine for pretty-printed JSON)")
				}
				f.open, f.prevEnd = false, end
				continue
			}
			// The top-level value is finished. In multi-line mode another
			// may follow: a file of several pretty-printed objects, or a JSON
			// Lines file read with multiLine=true, yields all its records
			// (Spark would read only the first value and silently drop the
			// rest; we never drop data).
			if k != 0 && f.multi {
				f.open = false
				continue
			}
			if k != 0 {
				off := skipSeparators(f.data, f.offset())
				return false, positionError(f.name, f.data, off, ErrMalformed, "unexpected data after the record")
			}
			if _, err := f.dec.ReadToken(); !errors.Is(err, io.EOF) {
				return false, f.err(err)
			}
			f.open = false
			if f.multi {
				f.done = true
			}
			continue
		}
		if ok, err := f.openValue(); err != nil {
			return false, err
		} else if !ok {
			continue
		}
		switch k := f.dec.PeekKind(); k {
		case '{':
			if _, err := f.dec.ReadToken(); err != nil {
				return false, f.err(err)
			}
			f.open = true
			return true, nil
		case '[':
			if _, err := f.dec.ReadToken(); err != nil {
				return false, f.err(err)
			}
			f.open, f.inArray = true, true
		default:
			if k == 0 && f.multi {
				// An empty or all-blank file holds no records.
				if _, err := f.dec.ReadToken(); errors.Is(err, io.EOF) {
					f.done = true
					continue
				}
			}
			return false, f.notRecord(k)
		}
	}
	return false, nil
}

// openValue starts the decoder on the next top-level value: the next
// non-blank line, or the whole file. In DropMalformed mode lines (or the
// file) that are not a valid object or array of objects are skipped here,
// so record decoding never meets a syntax error halfway through a row.
func (f *framer) openValue() (bool, error) {
	if f.multi {
		if f.started {
			return true, nil // the next of several top-level values
		}
		if f.drop && !wellFormed(f.data[f.skip:]) {
			f.done = true
			return false, nil
		}
		f.start(f.data[f.skip:], int64(f.skip))
		f.started = true
		return true, nil
	}
	if f.shared {
		if !f.started {
			f.start(f.data[f.skip:], int64(f.skip))
			f.started = true
		}
		from := int64(f.skip)
		if f.prevEnd >= 0 {
			from = f.prevEnd
		}
		p := from
		for p < int64(len(f.data)) && isSpace(f.data[p]) {
			p++
		}
		if p == int64(len(f.data)) {
			f.done = true
			return false, nil
		}
		if f.prevEnd >= 0 && bytes.IndexByte(f.data[from:p], '\n') < 0 {
			return false, positionError(f.name, f.data, p, ErrMalformed, "unexpected data after the record")
		}
		f.valStart = p
		return true, nil
	}
	for f.next < len(f.data) {
		start := f.next
		end := bytes.IndexByte(f.data[start:], '\n')
		if end < 0 {
			end = len(f.data)
		} else {
			end += start
		}
		f.next = end + 1
		line := f.data[start:end]
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if f.drop && !wellFormed(line) {
			continue
		}
		f.start(line, int64(start))
		return true, nil
	}
	f.done = true
	return false, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// wellFormed reports whether b is one object or an array of objects.
func wellFormed(b []byte) bool {
	b = bytes.TrimSpace(b)
	v := jsontext.Value(b)
	if !v.IsValid(decoderOptions...) {
		return false
	}
	switch v.Kind() {
	case '{':
		return true
	case '[':
		d := jsontext.NewDecoder(bytes.NewReader(b), decoderOptions...)
		d.ReadToken()
		for d.PeekKind() == '{' {
			if d.SkipValue() != nil {
				return false
			}
		}
		return d.PeekKind() == ']'
	}
	return false
}
