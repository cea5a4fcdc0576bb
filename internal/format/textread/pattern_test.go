package textread

import (
	"strings"
	"testing"
	"time"
)

func TestTimestampParser(t *testing.T) {
	us := func(y int, mo time.Month, d, h, mi, s, micro int) int64 {
		return time.Date(y, mo, d, h, mi, s, micro*1000, time.UTC).UnixMicro()
	}
	for _, tc := range []struct {
		name, pattern, in string
		want              int64
		ok                bool
	}{
		{"iso-default", "", "2024-01-02T03:04:05Z", us(2024, 1, 2, 3, 4, 5, 0), true},
		{"spark-default-shape", "yyyy-MM-dd HH:mm:ss", "2024-01-02 03:04:05", us(2024, 1, 2, 3, 4, 5, 0), true},
		{"slashes-us", "MM/dd/yyyy HH:mm", "01/02/2024 03:04", us(2024, 1, 2, 3, 4, 0, 0), true},
		{"short-fields", "d.M.yy H:m", "2.1.24 3:4", us(2024, 1, 2, 3, 4, 0, 0), true},
		{"month-name", "dd MMM yyyy", "02 Jan 2024", us(2024, 1, 2, 0, 0, 0, 0), true},
		{"full-month-name", "MMMM d, yyyy", "January 2, 2024", us(2024, 1, 2, 0, 0, 0, 0), true},
		{"fraction", "yyyy-MM-dd HH:mm:ss.SSS", "2024-01-02 03:04:05.250", us(2024, 1, 2, 3, 4, 5, 250000), true},
		{"quoted-T-and-zone", "yyyy-MM-dd'T'HH:mm:ssXXX", "2024-01-02T03:04:05+01:00", us(2024, 1, 2, 2, 4, 5, 0), true},
		{"twelve-hour", "yyyy-MM-dd hh:mm a", "2024-01-02 03:04 PM", us(2024, 1, 2, 15, 4, 0, 0), true},
		{"doubled-quote", "yyyy''MM", "2024'01", us(2024, 1, 1, 0, 0, 0, 0), true},
		{"mismatch", "yyyy-MM-dd HH:mm:ss", "2024-01-02T03:04:05", 0, false},
		{"not-a-date", "yyyy-MM-dd", "hello", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewTimestampParser(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := p.Parse([]byte(tc.in))
			if got != tc.want || ok != tc.ok {
				t.Fatalf("%q.Parse(%q) = %d, %t; want %d, %t", tc.pattern, tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestTimestampParserErrors(t *testing.T) {
	for _, tc := range []struct {
		name, pattern, want string
	}{
		{"unclosed-quote", "yyyy'T", `timestampFormat "yyyy'T": unclosed quote`},
		{"fraction-without-dot", "HH:mm:ssSSS", `timestampFormat "HH:mm:ssSSS": fraction must follow '.'`},
		{"unknown-letter", "yyyy-QQ", `timestampFormat "yyyy-QQ": pattern letter 'Q' is not supported`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewTimestampParser(tc.pattern)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewTimestampParser(%q) error = %v, want %q", tc.pattern, err, tc.want)
			}
		})
	}
}
