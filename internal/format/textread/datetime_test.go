package textread

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	day := func(y int, m time.Month, d int) int32 {
		return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	}
	for _, tc := range []struct {
		name string
		in   string
		want int32
		ok   bool
	}{
		{"full", "2024-03-15", day(2024, 3, 15), true},
		{"epoch", "1970-01-01", 0, true},
		{"year-only", "2024", day(2024, 1, 1), true},
		{"year-month", "2024-7", day(2024, 7, 1), true},
		{"one-digit-day", "2024-02-9", day(2024, 2, 9), true},
		{"leap-day", "2024-02-29", day(2024, 2, 29), true},
		{"time-ignored", "2024-03-15T10:00:00", day(2024, 3, 15), true},
		{"space-then-anything", "2024-03-15 junk", day(2024, 3, 15), true},
		{"not-leap", "2023-02-29", 0, false},
		{"month-13", "2024-13-01", 0, false},
		{"day-0", "2024-01-00", 0, false},
		{"short-year", "24-01-01", 0, false},
		{"slashes", "2024/01/01", 0, false},
		{"trailing", "2024-01-01x", 0, false},
		{"empty", "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseDate([]byte(tc.in))
			if got != tc.want || ok != tc.ok {
				t.Fatalf("ParseDate(%q) = %d, %t; want %d, %t", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseTimestamp(t *testing.T) {
	us := func(y int, mo time.Month, d, h, mi, s, micro int) int64 {
		return time.Date(y, mo, d, h, mi, s, micro*1000, time.UTC).UnixMicro()
	}
	for _, tc := range []struct {
		name string
		in   string
		want int64
		ok   bool
	}{
		{"date-only", "2024-01-02", us(2024, 1, 2, 0, 0, 0, 0), true},
		{"space", "2024-01-02 03:04:05", us(2024, 1, 2, 3, 4, 5, 0), true},
		{"T", "2024-01-02T03:04", us(2024, 1, 2, 3, 4, 0, 0), true},
		{"one-digit-fields", "2024-1-2 3:4:5", us(2024, 1, 2, 3, 4, 5, 0), true},
		{"millis", "2024-01-02 03:04:05.123", us(2024, 1, 2, 3, 4, 5, 123000), true},
		{"nanos-truncated", "2024-01-02 03:04:05.123456789", us(2024, 1, 2, 3, 4, 5, 123456), true},
		{"Z", "2024-01-02T03:04:05Z", us(2024, 1, 2, 3, 4, 5, 0), true},
		{"space-UTC", "2024-01-02 03:04:05 UTC", us(2024, 1, 2, 3, 4, 5, 0), true},
		{"plus-hh-mm", "2024-01-02T03:04:05+01:30", us(2024, 1, 2, 1, 34, 5, 0), true},
		{"minus-hhmm", "2024-01-02T03:04:05-0200", us(2024, 1, 2, 5, 4, 5, 0), true},
		{"plus-hh", "2024-01-02T03:04:05+05", us(2024, 1, 1, 22, 4, 5, 0), true},
		{"before-epoch", "1969-12-31 23:59:59.5", -500000, true},
		{"hour-24", "2024-01-02 24:00:00", 0, false},
		{"minute-60", "2024-01-02 23:60", 0, false},
		{"hour-only", "2024-01-02 03", 0, false},
		{"empty-fraction", "2024-01-02 03:04:05.", 0, false},
		{"zone-too-far", "2024-01-02T03:04:05+19:00", 0, false},
		{"zone-name", "2024-01-02T03:04:05 Europe/Paris", 0, false},
		{"junk", "2024-01-02 03:04:05x", 0, false},
		{"bad-date", "2024-02-30 00:00:00", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseTimestamp([]byte(tc.in))
			if got != tc.want || ok != tc.ok {
				t.Fatalf("ParseTimestamp(%q) = %d, %t; want %d, %t", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// The calendar arithmetic must agree with time.Date on every month start and
// end of every year a four-digit date can name.
func TestCalendarMatchesTime(t *testing.T) {
	for y := 0; y <= 9999; y++ {
		for m := 1; m <= 12; m++ {
			last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if got := daysInMonth(y, m); got != last {
				t.Fatalf("daysInMonth(%d, %d) = %d, want %d", y, m, got, last)
			}
			for _, d := range []int{1, last} {
				want := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400
				if got := daysFromCivil(y, m, d); got != want {
					t.Fatalf("daysFromCivil(%d, %d, %d) = %d, want %d", y, m, d, got, want)
				}
			}
		}
	}
}
