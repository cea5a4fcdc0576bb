package textread

// ParseDate parses Spark's default date forms: yyyy, yyyy-[m]m,
// yyyy-[m]m-[d]d, optionally followed by ' ' or 'T' and anything (which is
// ignored, as Spark's cast from string to date does). It returns days since
// the epoch.
func ParseDate(s []byte) (int32, bool) {
	y, m, d, rest, ok := parseYMD(s)
	if !ok || (len(rest) > 0 && rest[0] != ' ' && rest[0] != 'T') {
		return 0, false
	}
	return int32(daysFromCivil(y, m, d)), true
}

// ParseTimestamp parses the ISO-8601 forms Spark's default timestamp parser
// accepts: a date as ParseDate reads it, optionally ' ' or 'T' and
// [h]h:[m]m[:[s]s[.fraction]], then an optional zone (Z, UTC, GMT, ±hh,
// ±hh:mm, ±hhmm). Fraction digits past the sixth are dropped. A reading
// without a zone is taken as UTC: ingot's session time zone. It returns
// microseconds since the epoch and does not allocate.
func ParseTimestamp(s []byte) (int64, bool) {
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
	secs := daysFromCivil(y, mo, d)*86400 + int64(hh*3600+mm*60+ss-offset)
	return secs*1e6 + int64(micros), true
}

// parseYMD reads yyyy[-[m]m[-[d]d]] and checks the date exists.
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
	if m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) {
		return 0, 0, 0, nil, false
	}
	return y, m, d, s, true
}

// digits reads between min and max decimal digits.
func digits(s []byte, min, max int) (int, []byte, bool) {
	n, i := 0, 0
	for i < len(s) && i < max && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:], i >= min
}

// parseZone returns the zone offset in seconds east of UTC.
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

// daysFromCivil returns the days from 1970-01-01 to a proleptic Gregorian
// date (the calendar time.Date and Spark use), by Howard Hinnant's
// days_from_civil. It is pure arithmetic: time.Date's normalisation was the
// largest cost of reading a timestamp column.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y-- // count years from March, so the leap day ends the year
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400                     // [0, 399]
	doy := (153*((m+9)%12)+2)/5 + d - 1    // [0, 365], from March 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return int64(era)*146097 + int64(doe) - 719468
}

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// daysInMonth is the length of month m (1-12) of year y.
func daysInMonth(y, m int) int {
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 29
	}
	return monthDays[m]
}
