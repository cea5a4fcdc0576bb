package expr

import (
	"errors"
	"testing"

	"github.com/ingotdata/ingot/types"
)

// TestParseWithPattern pins to_timestamp/to_date with a Spark pattern
// against Spark 3.5's answers (its SQL test corpus, timestamp.sql and
// date.sql): defaults, optional sections, quotes, short fractions.
func TestParseWithPattern(t *testing.T) {
	for _, tc := range []struct {
		name, fn, in, pattern, want string
	}{
		{"plain", "to_timestamp", "2019-10-06 10:11:12", "yyyy-MM-dd HH:mm:ss", "2019-10-06 10:11:12"},
		{"missing year is 1970", "to_timestamp", "16", "dd", "1970-01-16 00:00:00"},
		{"missing year date", "to_date", "16", "dd", "1970-01-16"},
		{"no Feb 29 in 1970", "to_date", "02-29", "MM-dd", "NULL"},
		{"invalid day", "to_date", "2019-02-30", "yyyy-MM-dd", "NULL"},
		{"optional fraction present", "to_timestamp", "2019-10-06 10:11:12.123", "yyyy-MM-dd HH:mm:ss[.SSSSSS]", "2019-10-06 10:11:12.123"},
		{"optional fraction absent", "to_timestamp", "2019-10-06 10:11:12", "yyyy-MM-dd HH:mm:ss[.SSSSSS]", "2019-10-06 10:11:12"},
		{"optional seconds absent", "to_timestamp", "2019-10-06 10:11", "yyyy-MM-dd HH:mm[:ss.SSSSSS]", "2019-10-06 10:11:00"},
		{"optional after dot", "to_timestamp", "2019-10-06 10:11:12.1234", "yyyy-MM-dd HH:mm:ss.[SSSSSS]", "2019-10-06 10:11:12.1234"},
		{"fraction shorter than pattern", "to_timestamp", "2019-10-06S10:11:12.12345", "yyyy-MM-dd'S'HH:mm:ss.SSSSSS", "2019-10-06 10:11:12.12345"},
		{"fraction before year", "to_timestamp", "12.12342019-10-06S10:11", "ss.SSSSyyyy-MM-dd'S'HH:mm", "2019-10-06 10:11:12.1234"},
		{"one-letter year", "to_timestamp", "12.1234019-10-06S10:11", "ss.SSSSy-MM-dd'S'HH:mm", "0019-10-06 10:11:12.1234"},
		{"escaped quote", "to_timestamp", "2019-10-06T10:11:12'12", "yyyy-MM-dd'T'HH:mm:ss''SSSS", "2019-10-06 10:11:12.12"},
		{"leading escaped quote", "to_timestamp", "'2019-10-06T10:11:12", "''yyyy-MM-dd'T'HH:mm:ss", "2019-10-06 10:11:12"},
		{"adjacent numbers", "to_date", "20191006", "yyyyMMdd", "2019-10-06"},
		{"month name", "to_date", "26/Oct/2015", "dd/MMM/yyyy", "2015-10-26"},
		{"full month name", "to_date", "26/October/2015", "dd/MMMM/yyyy", "2015-10-26"},
		{"day of week", "to_timestamp", "22 05 2020 Friday", "dd MM yyyy EEEE", "2020-05-22 00:00:00"},
		{"12-hour clock", "to_timestamp", "2020-01-01 01:02 PM", "yyyy-MM-dd hh:mm a", "2020-01-01 13:02:00"},
		{"offset", "to_timestamp", "2020-01-01 10:00:00+02:00", "yyyy-MM-dd HH:mm:ssXXX", "2020-01-01 08:00:00"},
		{"trailing text", "to_date", "2019-10-06x", "yyyy-MM-dd", "NULL"},
		{"two-digit year", "to_date", "19-10-06", "yy-MM-dd", "2019-10-06"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			rec := newBatch(t, mem, col("s", types.String, tc.in))
			defer rec.Release()
			_, got, err := evalExpr(t, mem, call(tc.fn, ref(rec, "s"), Lit(tc.pattern)), rec)
			if err != nil {
				t.Fatal(err)
			}
			if got[0] != tc.want {
				t.Errorf("%s(%q, %q) = %s, want %s", tc.fn, tc.in, tc.pattern, got[0], tc.want)
			}
		})
	}
}

// Spark refuses five or more letters of a text field when parsing.
func TestParsePatternErrors(t *testing.T) {
	for _, pattern := range []string{"dd MM yyyy EEEEE", "dd/MMMMM/yyyy", "yyyy-MM-dd'T", "yyyy-MM-dd]", "yyyy QQ"} {
		t.Run(pattern, func(t *testing.T) {
			mem := checked(t)
			rec := newBatch(t, mem, col("s", types.String, "x"))
			defer rec.Release()
			_, _, err := evalExpr(t, mem, call("to_timestamp", ref(rec, "s"), Lit(pattern)), rec)
			if err == nil {
				t.Fatal("no error")
			}
			if pattern == "yyyy QQ" && !errors.Is(err, ErrUnsupported) {
				t.Errorf("err = %v, want ErrUnsupported", err)
			}
		})
	}
}

// date_format with Spark patterns; expected strings are Spark 3.5's for
// the same instant in UTC (datetime-formatting.sql).
func TestFormatWithPattern(t *testing.T) {
	for _, tc := range []struct{ name, pattern, want string }{
		{"years", "y yy yyy yyyy yyyyy yyyyyy", "1582 82 1582 1582 01582 001582"},
		{"months", "M MM MMM MMMM", "5 05 May May"},
		{"days and hours", "d dd H HH h hh", "31 31 19 19 7 07"},
		{"fractions", "S SS SSS SSSS SSSSSS SSSSSSSSS", "1 12 123 1230 123000 123000000"},
		{"am pm and weekday", "a E EEEE", "PM Mon Monday"},
		{"optional section printed", "[yyyy-MM-dd HH:mm:ss]", "1582-05-31 19:40:35"},
		{"quotes", "姚123'GyYqQ'''", "姚123GyYqQ'"},
		{"lone quote pair", "''", "'"},
		{"empty", "", ""},
		{"utc offsets", "XXX xx Z", "Z +0000 +0000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			rec := newBatch(t, mem, col("ts", types.Timestamp, "1582-05-31 19:40:35.123"))
			defer rec.Release()
			_, got, err := evalExpr(t, mem, call("date_format", ref(rec, "ts"), Lit(tc.pattern)), rec)
			if err != nil {
				t.Fatal(err)
			}
			if got[0] != tc.want {
				t.Errorf("date_format(%q) = %q, want %q", tc.pattern, got[0], tc.want)
			}
		})
	}
}
