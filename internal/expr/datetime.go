package expr

import (
	"strconv"
	"strings"
	"time"
)

// parseDate reads Spark's accepted date strings: "yyyy", "yyyy-[m]m",
// "yyyy-[m]m-[d]d", optionally followed by ' ' or 'T' and anything (a
// time part is ignored). It returns days since the epoch.
func parseDate(s string) (int32, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i >= 0 {
		s = s[:i]
	}
	y, m, d, ok := parseYMD(s)
	if !ok {
		return 0, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return 0, false // 2023-02-30
	}
	return int32(floorDiv(t.Unix(), 86400)), true
}

func parseYMD(s string) (y, m, d int, ok bool) {
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts) == 0 {
		return 0, 0, 0, false
	}
	nums := [3]int{0, 1, 1}
	for i, p := range parts {
		if p == "" || (i == 0 && (len(p) < 4 || len(p) > 7)) || (i > 0 && len(p) > 2) {
			return 0, 0, 0, false
		}
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return 0, 0, 0, false
		}
		nums[i] = v
	}
	if nums[1] < 1 || nums[1] > 12 || nums[2] < 1 || nums[2] > 31 {
		return 0, 0, 0, false
	}
	return nums[0], nums[1], nums[2], true
}

// parseTimestamp reads Spark's timestamp strings:
// "yyyy-[m]m-[d]d[( |T)[h]h:[m]m[:[s]s[.fraction]]][zone]" where zone is
// Z, UTC, ±hh, ±hh:mm, ±hhmm or an IANA name; without a zone the session
// zone (UTC) applies. It returns microseconds since the epoch.
func parseTimestamp(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	datePart, rest := s, ""
	if i := strings.IndexAny(s, " T"); i >= 0 {
		datePart, rest = s[:i], strings.TrimSpace(s[i+1:])
	}
	y, mo, d, ok := parseYMD(datePart)
	if !ok {
		return 0, false
	}
	var h, mi, sec, micros int
	loc := time.UTC
	if rest != "" {
		// Split off the zone: the first Z, +, - or letter after the time.
		timePart, zone := rest, ""
		for i := 0; i < len(rest); i++ {
			c := rest[i]
			if c == 'Z' || c == '+' || c == '-' || c == ' ' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') {
				timePart, zone = rest[:i], strings.TrimSpace(rest[i:])
				break
			}
		}
		fields := strings.Split(timePart, ":")
		if len(fields) < 2 || len(fields) > 3 {
			return 0, false
		}
		var err error
		if h, err = atoiN(fields[0], 2); err != nil || h > 23 {
			return 0, false
		}
		if mi, err = atoiN(fields[1], 2); err != nil || mi > 59 {
			return 0, false
		}
		if len(fields) == 3 {
			secStr, frac, hasFrac := strings.Cut(fields[2], ".")
			if sec, err = atoiN(secStr, 2); err != nil || sec > 59 {
				return 0, false
			}
			if hasFrac {
				if len(frac) == 0 || len(frac) > 9 {
					return 0, false
				}
				for len(frac) < 6 {
					frac += "0"
				}
				v, err := strconv.Atoi(frac[:6])
				if err != nil {
					return 0, false
				}
				micros = v
			}
		}
		if zone != "" {
			l, ok := parseZone(zone)
			if !ok {
				return 0, false
			}
			loc = l
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
	if t.Day() != d {
		return 0, false
	}
	return t.Unix()*microsPerSecond + int64(micros), true
}

func atoiN(s string, maxLen int) (int, error) {
	if len(s) == 0 || len(s) > maxLen {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(s)
}

func parseZone(z string) (*time.Location, bool) {
	switch strings.ToUpper(z) {
	case "Z", "UTC", "GMT", "UT":
		return time.UTC, true
	}
	up := strings.ToUpper(z)
	for _, p := range []string{"UTC", "GMT", "UT"} {
		if strings.HasPrefix(up, p) && len(z) > len(p) && (z[len(p)] == '+' || z[len(p)] == '-') {
			z = z[len(p):]
			break
		}
	}
	if z[0] == '+' || z[0] == '-' {
		sign := 1
		if z[0] == '-' {
			sign = -1
		}
		body := strings.ReplaceAll(z[1:], ":", "")
		var h, m int
		var err error
		switch len(body) {
		case 1, 2:
			h, err = strconv.Atoi(body)
		case 4:
			h, err = strconv.Atoi(body[:2])
			if err == nil {
				m, err = strconv.Atoi(body[2:])
			}
		default:
			return nil, false
		}
		if err != nil || h > 18 || m > 59 {
			return nil, false
		}
		return time.FixedZone(z, sign*(h*3600+m*60)), true
	}
	l, err := time.LoadLocation(z)
	if err != nil {
		return nil, false
	}
	return l, true
}
