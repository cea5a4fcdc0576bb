package textread

import (
	"fmt"
	"strings"
	"time"
)

// TimestampParser turns text into microseconds since the epoch, UTC, either
// by Spark's default ISO-8601 rules (ParseTimestamp) or by a user's
// timestampFormat pattern. The zero value uses the ISO-8601 rules.
type TimestampParser struct {
	layout string // Go layout from the pattern; empty means ISO-8601
}

// NewTimestampParser returns a parser for a Spark timestampFormat (a Java
// DateTimeFormatter pattern such as "yyyy-MM-dd HH:mm:ss"); "" means the
// ISO-8601 forms. Readings without a zone are UTC, ingot's session time
// zone. A pattern it cannot translate is an error naming the pattern.
func NewTimestampParser(javaPattern string) (TimestampParser, error) {
	if javaPattern == "" {
		return TimestampParser{}, nil
	}
	layout, err := goLayout(javaPattern)
	if err != nil {
		return TimestampParser{}, err
	}
	return TimestampParser{layout: layout}, nil
}

// Parse reads b; false means it is not a timestamp of this form.
func (p TimestampParser) Parse(b []byte) (int64, bool) {
	if p.layout == "" {
		return ParseTimestamp(b)
	}
	t, err := time.ParseInLocation(p.layout, string(b), time.UTC)
	if err != nil {
		return 0, false
	}
	return t.UnixMicro(), true
}

// goLayout translates the common letters of a Java DateTimeFormatter pattern
// into a Go time layout. Runs of a letter are counted because in Java the
// count chooses the form ("M" 1, "MM" 01, "MMM" Jan, "MMMM" January); quoted
// text is literal and a doubled quote is one quote.
func goLayout(pattern string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c == '\'' {
			end := strings.IndexByte(pattern[i+1:], '\'')
			if end < 0 {
				return "", fmt.Errorf("timestampFormat %q: unclosed quote", pattern)
			}
			if end == 0 {
				b.WriteByte('\'')
			}
			b.WriteString(pattern[i+1 : i+1+end])
			i += end + 2
			continue
		}
		n := 1
		for i+n < len(pattern) && pattern[i+n] == c {
			n++
		}
		i += n
		var tok string
		switch c {
		case 'y', 'u':
			tok = "2006"
			if n == 2 {
				tok = "06"
			}
		case 'M':
			tok = map[int]string{1: "1", 2: "01", 3: "Jan"}[min(n, 3)]
			if n >= 4 {
				tok = "January"
			}
		case 'd':
			tok = map[bool]string{true: "2", false: "02"}[n == 1]
		case 'H':
			tok = "15"
		case 'h':
			tok = map[bool]string{true: "3", false: "03"}[n == 1]
		case 'm':
			tok = map[bool]string{true: "4", false: "04"}[n == 1]
		case 's':
			tok = map[bool]string{true: "5", false: "05"}[n == 1]
		case 'S':
			// Go reads a fraction only right after its separator.
			tok = strings.Repeat("0", n)
			if s := b.String(); !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ",") {
				return "", fmt.Errorf("timestampFormat %q: fraction must follow '.'", pattern)
			}
		case 'a':
			tok = "PM"
		case 'X':
			tok = map[int]string{1: "Z07", 2: "Z0700", 3: "Z07:00"}[min(n, 3)]
		case 'x':
			tok = map[int]string{1: "-07", 2: "-0700", 3: "-07:00"}[min(n, 3)]
		case 'Z':
			tok = "-0700"
		case 'E':
			tok = "Mon"
			if n >= 4 {
				tok = "Monday"
			}
		default:
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				return "", fmt.Errorf("timestampFormat %q: pattern letter %q is not supported", pattern, c)
			}
			tok = strings.Repeat(string(c), n)
		}
		b.WriteString(tok)
	}
	return b.String(), nil
}
