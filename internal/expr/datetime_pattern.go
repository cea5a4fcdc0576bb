package expr

import (
	"fmt"
	"strings"
	"time"
)

// Parsing with Spark's datetime patterns (to_date, to_timestamp,
// unix_timestamp with a format). Go's time.Parse cannot stand in for
// Java's DateTimeFormatter here: fields a pattern leaves out default to
// 1970-01-01 00:00:00 (Go's year 0), "[...]" marks optional sections, ''
// is a quote, and a fraction "SSSSSS" accepts fewer digits than letters.

// patField is one element of a compiled pattern: a field (letter and
// count), a literal, or an optional section.
type patField struct {
	letter   byte
	count    int
	literal  string
	optional []patField
	// fixed: the next element is a number too, so this number takes
	// exactly count digits ("yyyyMMdd"), as Java's adjacent value parsing.
	fixed bool
}

// compileDatetimePattern splits a Spark datetime pattern into fields.
func compileDatetimePattern(p string) ([]patField, error) {
	fs, rest, err := compilePatternSection(p, false)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, fmt.Errorf("unbalanced ']' in datetime pattern %q", p)
	}
	return fs, nil
}

func compilePatternSection(p string, nested bool) ([]patField, string, error) {
	var out []patField
	lit := func(s string) {
		if n := len(out); n > 0 && out[n-1].letter == 0 && out[n-1].optional == nil {
			out[n-1].literal += s
			return
		}
		out = append(out, patField{literal: s})
	}
	for len(p) > 0 {
		c := p[0]
		switch {
		case c == '\'':
			if strings.HasPrefix(p, "''") {
				lit("'")
				p = p[2:]
				continue
			}
			end := strings.IndexByte(p[1:], '\'')
			if end < 0 {
				return nil, "", fmt.Errorf("unterminated quote in datetime pattern %q", p)
			}
			lit(p[1 : 1+end])
			p = p[end+2:]
		case c == '[':
			sec, rest, err := compilePatternSection(p[1:], true)
			if err != nil {
				return nil, "", err
			}
			out = append(out, patField{optional: sec})
			p = rest
		case c == ']':
			if !nested {
				return out, p, nil
			}
			return out, p[1:], nil
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			n := 1
			for n < len(p) && p[n] == c {
				n++
			}
			if err := checkPatternLetter(c, n); err != nil {
				return nil, "", err
			}
			out = append(out, patField{letter: c, count: n})
			p = p[n:]
		default:
			lit(p[:1])
			p = p[1:]
		}
	}
	for i := range out {
		out[i].fixed = i+1 < len(out) && isNumericField(out[i]) && isNumericField(out[i+1])
	}
	return out, "", nil
}

func isNumericField(f patField) bool {
	switch f.letter {
	case 'y', 'd', 'H', 'h', 'm', 's', 'S':
		return true
	case 'M':
		return f.count <= 2
	}
	return false
}

// checkPatternLetter rejects letters the parser does not know and counts
// Spark refuses (five or more letters of text fields).
func checkPatternLetter(c byte, n int) error {
	switch c {
	case 'y', 'd', 'H', 'h', 'm', 's', 'S', 'a', 'X', 'Z', 'x':
		return nil
	case 'M', 'E':
		if n >= 5 {
			return fmt.Errorf("too many pattern letters: %s", strings.Repeat(string(c), n))
		}
		return nil
	}
	return fmt.Errorf("datetime pattern letter %q: %w", c, ErrUnsupported)
}

// dtParse collects the fields of one parsed string.
type dtParse struct {
	year, month, day       int
	hour, minute, second   int
	micros                 int
	pm, hasAMPM, clockHour bool
	offset                 int // seconds east of UTC
}

// parseWithPattern parses s, reporting false where Spark returns NULL.
func parseWithPattern(fs []patField, s string) (time.Time, bool) {
	d := dtParse{year: 1970, month: 1, day: 1}
	rest, ok := d.parse(fs, s)
	if !ok || rest != "" {
		return time.Time{}, false
	}
	if d.hasAMPM || d.clockHour {
		if d.hour < 1 || d.hour > 12 {
			return time.Time{}, false
		}
		d.hour %= 12
		if d.pm {
			d.hour += 12
		}
	}
	if d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysInMonth(d.year, d.month) ||
		d.hour > 23 || d.minute > 59 || d.second > 59 {
		return time.Time{}, false
	}
	t := time.Date(d.year, time.Month(d.month), d.day, d.hour, d.minute, d.second, d.micros*1000, time.UTC)
	return t.Add(-time.Duration(d.offset) * time.Second), true
}

func daysInMonth(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func (d *dtParse) parse(fs []patField, s string) (string, bool) {
	for _, f := range fs {
		var ok bool
		switch {
		case f.optional != nil:
			saved := *d
			if rest, ok := d.parse(f.optional, s); ok {
				s = rest
			} else {
				*d = saved
			}
			continue
		case f.letter == 0:
			if !strings.HasPrefix(s, f.literal) {
				return s, false
			}
			s = s[len(f.literal):]
			continue
		}
		if s, ok = d.field(f, s); !ok {
			return s, false
		}
	}
	return s, true
}

func (d *dtParse) field(f patField, s string) (string, bool) {
	num := func(minW, maxW int) (int, string, bool) {
		if f.fixed {
			minW, maxW = f.count, f.count
		}
		n := 0
		for n < len(s) && n < maxW && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n < minW {
			return 0, s, false
		}
		v := 0
		for _, c := range s[:n] {
			v = v*10 + int(c-'0')
		}
		return v, s[n:], true
	}
	var v int
	var ok bool
	switch f.letter {
	case 'y':
		if f.count == 2 {
			if v, s, ok = num(2, 2); ok {
				d.year = 2000 + v
			}
			return s, ok
		}
		v, s, ok = num(f.count, 9)
		d.year = v
	case 'M':
		if f.count >= 3 {
			for m := time.January; m <= time.December; m++ {
				name := m.String()
				if f.count == 3 {
					name = name[:3]
				}
				if len(s) >= len(name) && strings.EqualFold(s[:len(name)], name) {
					d.month = int(m)
					return s[len(name):], true
				}
			}
			return s, false
		}
		v, s, ok = num(f.count, 2)
		d.month = v
	case 'd':
		v, s, ok = num(f.count, 2)
		d.day = v
	case 'H':
		v, s, ok = num(f.count, 2)
		d.hour = v
	case 'h':
		v, s, ok = num(f.count, 2)
		d.hour, d.clockHour = v, true
	case 'm':
		v, s, ok = num(f.count, 2)
		d.minute = v
	case 's':
		v, s, ok = num(f.count, 2)
		d.second = v
	case 'S':
		// Spark accepts up to count fraction digits; microseconds keep six.
		n := 0
		for n < len(s) && n < f.count && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 {
			return s, false
		}
		digits := (s[:n] + "000000")[:6]
		d.micros = 0
		for _, c := range digits {
			d.micros = d.micros*10 + int(c-'0')
		}
		return s[n:], true
	case 'a':
		for _, m := range []string{"AM", "PM"} {
			if len(s) >= 2 && strings.EqualFold(s[:2], m) {
				d.pm, d.hasAMPM = m == "PM", true
				return s[2:], true
			}
		}
		return s, false
	case 'E':
		for w := time.Sunday; w <= time.Saturday; w++ {
			name := w.String()
			if f.count <= 3 {
				name = name[:3]
			}
			if len(s) >= len(name) && strings.EqualFold(s[:len(name)], name) {
				return s[len(name):], true
			}
		}
		return s, false
	case 'X', 'Z', 'x':
		return d.zone(s)
	}
	return s, ok
}

// zone parses Z or an offset +HH, +HHMM, +HH:MM (with optional seconds).
func (d *dtParse) zone(s string) (string, bool) {
	if strings.HasPrefix(s, "Z") {
		return s[1:], true
	}
	if s == "" || s[0] != '+' && s[0] != '-' {
		return s, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	s = s[1:]
	parts := make([]int, 0, 3)
	for len(parts) < 3 {
		if len(parts) > 0 && strings.HasPrefix(s, ":") {
			s = s[1:]
		}
		if len(s) < 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
			break
		}
		parts = append(parts, int(s[0]-'0')*10+int(s[1]-'0'))
		s = s[2:]
	}
	if len(parts) == 0 {
		return s, false
	}
	secs := parts[0] * 3600
	if len(parts) > 1 {
		secs += parts[1] * 60
	}
	if len(parts) > 2 {
		secs += parts[2]
	}
	d.offset = sign * secs
	return s, true
}

// formatWithPattern prints t (UTC) with a compiled Spark pattern: numbers
// padded to their letter count, text fields by count (MMM Jan, MMMM
// January), S the leading fraction digits, optional sections printed in
// full, and zone offsets of the session zone, UTC.
func formatWithPattern(fs []patField, t time.Time) string {
	var b strings.Builder
	appendFormatted(&b, fs, t)
	return b.String()
}

func appendFormatted(b *strings.Builder, fs []patField, t time.Time) {
	pad := func(v, width int) {
		s := fmt.Sprint(v)
		if v < 0 {
			s = fmt.Sprint(-v)
			b.WriteByte('-')
		}
		for k := len(s); k < width; k++ {
			b.WriteByte('0')
		}
		b.WriteString(s)
	}
	for _, f := range fs {
		switch {
		case f.optional != nil:
			appendFormatted(b, f.optional, t)
			continue
		case f.letter == 0:
			b.WriteString(f.literal)
			continue
		}
		n := f.count
		switch f.letter {
		case 'y':
			if n == 2 {
				pad(t.Year()%100, 2)
			} else {
				pad(t.Year(), n)
			}
		case 'M':
			switch {
			case n >= 4:
				b.WriteString(t.Month().String())
			case n == 3:
				b.WriteString(t.Month().String()[:3])
			default:
				pad(int(t.Month()), n)
			}
		case 'd':
			pad(t.Day(), n)
		case 'H':
			pad(t.Hour(), n)
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			pad(h, n)
		case 'm':
			pad(t.Minute(), n)
		case 's':
			pad(t.Second(), n)
		case 'S':
			frac := fmt.Sprintf("%09d", t.Nanosecond())
			for len(frac) < n {
				frac += "0"
			}
			b.WriteString(frac[:n])
		case 'a':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'E':
			if n >= 4 {
				b.WriteString(t.Weekday().String())
			} else {
				b.WriteString(t.Weekday().String()[:3])
			}
		case 'X':
			b.WriteString("Z") // X prints Z for a zero offset
		case 'x':
			b.WriteString([]string{"+00", "+0000", "+00:00", "+0000", "+00:00"}[min(n, 5)-1])
		case 'Z':
			switch {
			case n <= 3:
				b.WriteString("+0000")
			case n == 4:
				b.WriteString("GMT")
			default:
				b.WriteString("Z")
			}
		}
	}
}
