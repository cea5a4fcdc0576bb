package stream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The progress reports must print exactly as Spark's (json4s over Jackson)
// and as PySpark's dicts, which encoding/json cannot do: key order is
// Spark's field order, doubles print as Java's Double.toString ("0.0",
// "1.0E7"), NaN and empty maps are omitted, and the pretty form has
// Jackson's spacing. So reports build a small ordered tree, rendered three
// ways below.

// jobj is an ordered JSON object; a field whose value is omit is skipped.
type jobj []jfield

type jfield struct {
	k string
	v any // nil (null), string, int64, float64, bool, jobj, []any, json.RawMessage, omit
}

type omitT struct{}

var omit = omitT{}

// jdouble is a double field; NaN and infinities are omitted, as Spark does.
func jdouble(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return omit
	}
	return f
}

// jstringMap is a map field with sorted keys; empty maps are omitted.
func jstringMap(m map[string]string) any {
	if len(m) == 0 {
		return omit
	}
	o := make(jobj, 0, len(m))
	for _, k := range sortedKeys(m) {
		o = append(o, jfield{k, m[k]})
	}
	return o
}

func jlongMap(m map[string]int64) any {
	if len(m) == 0 {
		return omit
	}
	o := make(jobj, 0, len(m))
	for _, k := range sortedKeys(m) {
		o = append(o, jfield{k, m[k]})
	}
	return o
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// jraw is an embedded JSON document (a source offset): nil is null, invalid
// JSON becomes a string, as Spark's tryParse does.
func jraw(r json.RawMessage) any {
	if r == nil {
		return nil
	}
	v, err := parseOrdered(r)
	if err != nil {
		return string(r)
	}
	return v
}

// parseOrdered parses JSON keeping object key order; numbers stay
// json.Number so they print as written.
func parseOrdered(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := parseValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

func parseValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := jobj{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				o = append(o, jfield{kt.(string), v})
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil // nil, bool, string, json.Number
	}
}

// writeJSON renders v; indent < 0 is compact, else Jackson's pretty form
// at that nesting depth.
func writeJSON(b *strings.Builder, v any, indent int) {
	pretty := indent >= 0
	nl := func(d int) {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat("  ", d))
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		s, _ := json.Marshal(x)
		b.Write(s)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(javaDouble(x))
	case json.Number:
		b.WriteString(string(x))
	case jobj:
		n := 0
		b.WriteByte('{')
		for _, f := range x {
			if f.v == omit {
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			if pretty {
				nl(indent + 1)
			}
			writeJSON(b, f.k, -1)
			if pretty {
				b.WriteString(" : ")
				writeJSON(b, f.v, indent+1)
			} else {
				b.WriteByte(':')
				writeJSON(b, f.v, -1)
			}
			n++
		}
		switch {
		case pretty && n == 0:
			b.WriteString(" }")
		case pretty:
			nl(indent)
			b.WriteByte('}')
		default:
			b.WriteByte('}')
		}
	case []any:
		b.WriteByte('[')
		if pretty {
			b.WriteByte(' ')
		}
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
				if pretty {
					b.WriteByte(' ')
				}
			}
			writeJSON(b, e, indent)
		}
		if pretty && len(x) > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(']')
	}
}

// javaDouble formats f as Java's Double.toString: plain decimal with at
// least one fractional digit for 1e-3 <= |f| < 1e7, otherwise
// "d.dddE[-]n".
func javaDouble(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // "1.2345e+07"
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// writePython renders v as Python's repr of the dict json.loads returns,
// which is what PySpark prints for query.lastProgress.
func writePython(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("None")
	case string:
		b.WriteString(pyStr(x))
	case bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(pyFloat(x))
	case json.Number:
		if i, err := x.Int64(); err == nil {
			b.WriteString(strconv.FormatInt(i, 10))
		} else if f, err := x.Float64(); err == nil {
			b.WriteString(pyFloat(f))
		} else {
			b.WriteString(string(x))
		}
	case jobj:
		b.WriteByte('{')
		n := 0
		for _, f := range x {
			if f.v == omit {
				continue
			}
			if n > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyStr(f.k))
			b.WriteString(": ")
			writePython(b, f.v)
			n++
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writePython(b, e)
		}
		b.WriteByte(']')
	}
}

// pyFloat is Python's float repr: shortest digits, exponent form when the
// exponent is < -4 or >= 16.
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := 0
	if f != 0 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		_, exp, _ := strings.Cut(s, "e")
		e, _ = strconv.Atoi(exp)
	}
	if f != 0 && (e < -4 || e >= 16) {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		return mant + "e" + exp // Go pads the exponent to two digits, as Python
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// pyStr is Python's str repr: single quotes unless the string contains a
// single quote and no double quote.
func pyStr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteByte(q)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}
