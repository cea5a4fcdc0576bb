package csv

import (
	"fmt"
	"strings"
	"time"
)

// timestampParser turns text into microseconds since the epoch, UTC.
type timestampParser struct {
	layout string // Go layout from TimestampFormat; empty means ISO-8601
}

func newTimestampParser(javaPattern string) (timestampParser, error) {
	if javaPattern == "" {
		return timestampParser{}, nil
	}
	layout, err := goLayout(javaPattern)
	if err != nil {
		return timestampParser{}, err
	}
	return timestampParser{layout: layout}, nil
}

func (p timestampParser) parse(b []byte) (int64, bool) {
	if p.layout == "" {
		return parseISOTimestamp(b)
	}
	t, err := time.ParseInLocation(p.layout, string(b), time.UTC)
	if err != nil {
		return 0, false
	}
	return t.UnixMicro(), true
}

// goLayout translates the common letters of a Java DateTimeFormatter pattern
// (the form Spark's timestampFormat option takes) into a Go time layout.
func goLayout(pattern string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c == '\'' {
			end := strings.IndexByte(pattern[i+1:], '\'')
			if end < 0 {
				return "", fmt.Errorf("csv: timestampFormat %q: unclosed quote", pattern)
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
			tok = strings.Repeat("0", n)
			if s := b.String(); !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ",") {
				return "", fmt.Errorf("csv: timestampFormat %q: fraction must follow '.'", pattern)
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
				return "", fmt.Errorf("csv: timestampFormat %q: pattern letter %q is not supported", pattern, c)
			}
			tok = strings.Repeat(string(c), n)
		}
		b.WriteString(tok)
	}
	return b.String(), nil
}

// parseISOTimestamp parses the ISO-8601 forms Spark's default timestamp
// parser accepts: yyyy[-[m]m[-[d]d]], then optionally ' ' or 'T' and
// hh:mm[:ss[.fraction]], then an optional zone (Z, UTC, ±hh, ±hh:mm, ±hhmm).
// A reading without a zone is UTC.
func parseISOTimestamp(s []byte) (int64, bool) {
	y, mo, d, s, ok := parseYMD(s)
	if !ok {
		return 0, false
	}
	var hh, mm, ss, micros int
	if len(s) > 0 && (s[0] == ' ' || s[0] == 'T') {
		if hh, s, ok = digits(s[1:], 1, 2); !ok || len(s) == 0 || s[0] != ':' {
			return 0, false
		}
		if mm, s, ok = digits(s[1:], 1, 2); !ok {
			return 0, false
		}
		if len(s) > 0 && s[0] == ':' {
			if ss, s, ok = digits(s[1:], 1, 2); !ok {
				return 0, false
			}
			if len(s) > 0 && s[0] == '.' {
				s = s[1:]
				n := 0
				for n < len(s) && s[n] >= '0' && s[n] <= '9' {
					if n < 6 {
						micros = micros*10 + int(s[n]-'0')
					}
					n++
				}
				if n == 0 {
					return 0, false
				}
				for k := n; k < 6; k++ {
					micros *= 10
				}
				s = s[n:]
			}
		}
		if hh > 23 || mm > 59 || ss > 59 {
			return 0, false
		}
	}
	offset, ok := parseZone(s)
	if !ok {
		return 0, false
	}
	t := time.Date(y, time.Month(mo), d, hh, mm, ss, 0, time.UTC)
	return (t.Unix()-int64(offset))*1e6 + int64(micros), true
}

// parseYMD reads yyyy[-mm[-dd]] and checks the date exists.
func parseYMD(s []byte) (y, m, d int, rest []byte, ok bool) {
	if y, s, ok = digits(s, 4, 4); !ok {
		return
	}
	m, d = 1, 1
	if len(s) > 0 && s[0] == '-' {
		if m, s, ok = digits(s[1:], 1, 2); !ok {
			return
		}
		if len(s) > 0 && s[0] == '-' {
			if d, s, ok = digits(s[1:], 1, 2); !ok {
				return
			}
		}
	}
	if m < 1 || m > 12 || d < 1 || d > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, 0, 0, nil, false
	}
	return y, m, d, s, true
}

func digits(s []byte, min, max int) (int, []byte, bool) {
	n, i := 0, 0
	for i < len(s) && i < max && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:], i >= min
}

func parseZone(s []byte) (int, bool) {
	switch string(s) {
	case "", "Z", "UTC", " UTC", "GMT":
		return 0, true
	}
	if s[0] != '+' && s[0] != '-' {
		return 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	h, rest, ok := digits(s[1:], 2, 2)
	if !ok {
		return 0, false
	}
	m := 0
	if len(rest) > 0 && rest[0] == ':' {
		rest = rest[1:]
	}
	if len(rest) > 0 {
		if m, rest, ok = digits(rest, 2, 2); !ok || len(rest) > 0 {
			return 0, false
		}
	}
	if h > 18 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// parseDate parses yyyy[-[m]m[-[d]d]] (then ' ' or 'T' and anything) into
// days since the epoch.
func parseDate(s []byte) (int32, bool) {
	y, m, d, rest, ok := parseYMD(s)
	if !ok || (len(rest) > 0 && rest[0] != ' ' && rest[0] != 'T') {
		return 0, false
	}
	return int32(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400), true
}
