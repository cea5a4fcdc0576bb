package expr

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ingotdata/ingot/types"
)

// Datetime functions work in the session time zone, which is UTC.

func toDateArg(args []types.DataType) ([]types.DataType, error) {
	switch args[0].(type) {
	case dateT:
		return []types.DataType{nil}, nil
	case tsT, tsNTZT, types.StringType, types.NullType:
		return []types.DataType{types.Date}, nil
	}
	return nil, fmt.Errorf("parameter 1 requires the \"DATE\" type, however it has the type %s", quoteType(args[0]))
}

func toTimestampArg(args []types.DataType) ([]types.DataType, error) {
	switch args[0].(type) {
	case tsT:
		return []types.DataType{nil}, nil
	case dateT, tsNTZT, types.StringType, types.NullType:
		return []types.DataType{types.Timestamp}, nil
	}
	return nil, fmt.Errorf("parameter 1 requires the \"TIMESTAMP\" type, however it has the type %s", quoteType(args[0]))
}

func dateField(f func(t time.Time) int) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		return mapFixed[int32, int32](c.mem, c.args[0], arrow.PrimitiveTypes.Int32, func(d int32) (int32, bool) {
			return int32(f(time.Unix(int64(d)*86400, 0).UTC())), true
		}), nil
	}
}

func timeField(f func(us int64) int32) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		return mapFixed[int64, int32](c.mem, c.args[0], arrow.PrimitiveTypes.Int32, func(us int64) (int32, bool) {
			return f(us), true
		}), nil
	}
}

func microsOfDay(us int64) int64 { return us - floorDiv(us, microsPerDay)*microsPerDay }

func init() {
	intRes := returns(types.Integer)
	register(&FunctionInfo{Name: "year", MinArgs: 1, MaxArgs: 1, Coerce: toDateArg, Result: intRes,
		kernel: dateField(func(t time.Time) int { return t.Year() })})
	register(&FunctionInfo{Name: "month", MinArgs: 1, MaxArgs: 1, Coerce: toDateArg, Result: intRes,
		kernel: dateField(func(t time.Time) int { return int(t.Month()) })})
	register(&FunctionInfo{Name: "day", MinArgs: 1, MaxArgs: 1, Coerce: toDateArg, Result: intRes,
		kernel: dateField(func(t time.Time) int { return t.Day() })}, "dayofmonth")
	register(&FunctionInfo{Name: "dayofweek", MinArgs: 1, MaxArgs: 1, Coerce: toDateArg, Result: intRes,
		kernel: dateField(func(t time.Time) int { return int(t.Weekday()) + 1 })})
	register(&FunctionInfo{Name: "hour", MinArgs: 1, MaxArgs: 1, Coerce: toTimestampArg, Result: intRes,
		kernel: timeField(func(us int64) int32 { return int32(microsOfDay(us) / (3600 * microsPerSecond)) })})
	register(&FunctionInfo{Name: "minute", MinArgs: 1, MaxArgs: 1, Coerce: toTimestampArg, Result: intRes,
		kernel: timeField(func(us int64) int32 { return int32(microsOfDay(us) / (60 * microsPerSecond) % 60) })})
	register(&FunctionInfo{Name: "second", MinArgs: 1, MaxArgs: 1, Coerce: toTimestampArg, Result: intRes,
		kernel: timeField(func(us int64) int32 { return int32(microsOfDay(us) / microsPerSecond % 60) })})
	register(&FunctionInfo{Name: "to_date", MinArgs: 1, MaxArgs: 2, Coerce: parseArgs(types.Date), Result: returnsNullable(types.Date),
		kernel: parseKernel(types.Date)})
	register(&FunctionInfo{Name: "to_timestamp", MinArgs: 1, MaxArgs: 2, Coerce: parseArgs(types.Timestamp), Result: returnsNullable(types.Timestamp),
		kernel: parseKernel(types.Timestamp)})
	register(&FunctionInfo{Name: "unix_timestamp", MinArgs: 0, MaxArgs: 2,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			if len(args) == 0 {
				return nil, nil
			}
			return parseArgs(types.Timestamp)(args)
		},
		Result: returnsNullable(types.Long),
		kernel: func(c *callArgs) (arrow.Array, error) {
			if len(c.args) == 0 {
				return constArray(c.mem, &Literal{Value: c.now().Unix(), Type: types.Long}, c.n)
			}
			ts, err := parseKernel(types.Timestamp)(c)
			if err != nil {
				return nil, err
			}
			defer ts.Release()
			return mapFixed[int64, int64](c.mem, ts, arrow.PrimitiveTypes.Int64, func(us int64) (int64, bool) {
				return floorDiv(us, microsPerSecond), true
			}), nil
		}})
	register(&FunctionInfo{Name: "from_unixtime", MinArgs: 1, MaxArgs: 2,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			out := []types.DataType{types.Long, types.String}[:len(args)]
			if !types.IsNumeric(args[0]) && !isString(args[0]) && !isNullT(args[0]) {
				return nil, fmt.Errorf("parameter 1 requires the \"BIGINT\" type, however it has the type %s", quoteType(args[0]))
			}
			return out, nil
		},
		Result: returns(types.String),
		kernel: func(c *callArgs) (arrow.Array, error) {
			layout, err := c.formatArg(1, "yyyy-MM-dd HH:mm:ss")
			if err != nil {
				return nil, err
			}
			secs := values[int64](c.args[0])
			return formatTimes(c, c.args[0], func(i int) time.Time { return time.Unix(secs[i], 0).UTC() }, layout), nil
		}})
	register(&FunctionInfo{Name: "date_format", MinArgs: 2, MaxArgs: 2,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			out, err := toTimestampArg(args[:1])
			if err != nil {
				return nil, err
			}
			return append(out, types.String), nil
		},
		Result: returns(types.String),
		kernel: func(c *callArgs) (arrow.Array, error) {
			layout, err := c.formatArg(1, "")
			if err != nil {
				return nil, err
			}
			us := values[int64](c.args[0])
			return formatTimes(c, c.args[0], func(i int) time.Time { return time.UnixMicro(us[i]).UTC() }, layout), nil
		}})
	// current_date and current_timestamp return the query's start time, so
	// one query sees one instant, as in Spark (see query_time.go).
	register(&FunctionInfo{Name: "current_timestamp", MinArgs: 0, MaxArgs: 0, Result: returns(types.Timestamp),
		kernel: func(c *callArgs) (arrow.Array, error) {
			return constArray(c.mem, &Literal{Value: c.now().UnixMicro(), Type: types.Timestamp}, c.n)
		}}, "now")
	register(&FunctionInfo{Name: "current_date", MinArgs: 0, MaxArgs: 0, Result: returns(types.Date),
		kernel: func(c *callArgs) (arrow.Array, error) {
			return constArray(c.mem, &Literal{Value: int32(floorDiv(c.now().Unix(), 86400)), Type: types.Date}, c.n)
		}})
}

func (c *callArgs) now() time.Time {
	if c.start.IsZero() {
		return time.Now()
	}
	return c.start
}

func parseArgs(target types.DataType) func([]types.DataType) ([]types.DataType, error) {
	return func(args []types.DataType) ([]types.DataType, error) {
		out := make([]types.DataType, len(args))
		switch args[0].(type) {
		case types.StringType, types.NullType:
			out[0] = types.String
		case dateT, tsT, tsNTZT:
			if len(args) == 1 {
				out[0] = target
			}
		default:
			return nil, fmt.Errorf("parameter 1 requires the \"STRING\" type, however it has the type %s", quoteType(args[0]))
		}
		if len(args) > 1 {
			out[1] = types.String
		}
		return out, nil
	}
}

// formatArg reads and compiles a constant Spark datetime pattern.
func (c *callArgs) formatArg(i int, def string) ([]patField, error) {
	pat, err := c.patternArg(i, def)
	if err != nil {
		return nil, err
	}
	return compileDatetimePattern(pat)
}

// patternArg is the Spark datetime pattern given as argument i, or def.
func (c *callArgs) patternArg(i int, def string) (string, error) {
	pat := def
	if i < len(c.args) {
		l := c.lits[i]
		if l == nil || l.Value == nil {
			return "", fmt.Errorf("the format (argument %d) must be a string constant", i+1)
		}
		pat, _ = l.Value.(string)
	}
	return pat, nil
}

// parseKernel is to_date/to_timestamp: without a pattern it is a cast;
// with one, each string is parsed with the translated layout (NULL when
// it does not match, as non-ANSI Spark).
func parseKernel(target types.DataType) kernel {
	return func(c *callArgs) (arrow.Array, error) {
		if len(c.args) == 1 {
			k, err := castKernel(c.types[0], target)
			if err != nil {
				return nil, err
			}
			return k(c.mem, c.args[0])
		}
		if !isString(c.types[0]) {
			k, err := castKernel(c.types[0], target)
			if err != nil {
				return nil, err
			}
			return k(c.mem, c.args[0])
		}
		pat, err := c.patternArg(1, "")
		if err != nil {
			return nil, err
		}
		fields, err := compileDatetimePattern(pat)
		if err != nil {
			return nil, err
		}
		s := c.args[0].(*array.String)
		valid := validityOf(c.mem, c.n, s)
		us := make([]int64, c.n)
		for i := 0; i < c.n; i++ {
			if !valid.get(i) {
				continue
			}
			t, ok := parseWithPattern(fields, strings.TrimSpace(s.Value(i)))
			if !ok {
				valid.clear(i)
				continue
			}
			us[i] = t.UnixMicro()
		}
		if _, ok := target.(dateT); ok {
			return fillFrom(c.mem, c.n, valid, arrow.FixedWidthTypes.Date32, func(i int) int32 { return int32(floorDiv(us[i], microsPerDay)) }), nil
		}
		return fillFrom(c.mem, c.n, valid, types.ToArrow(target), func(i int) int64 { return us[i] }), nil
	}
}

func formatTimes(c *callArgs, a arrow.Array, at func(i int) time.Time, layout []patField) arrow.Array {
	bld := array.NewStringBuilder(c.mem)
	defer bld.Release()
	for i := 0; i < c.n; i++ {
		if a.IsNull(i) {
			bld.AppendNull()
			continue
		}
		bld.Append(formatWithPattern(layout, at(i)))
	}
	return bld.NewArray()
}

func init() {
	// date_add/date_sub shift a date by whole days. Spark takes the days
	// as INT, SMALLINT or TINYINT, or a string literal holding an integer;
	// BIGINT, fractions, string columns and other types are errors.
	for _, sub := range []bool{false, true} {
		name := "date_add"
		if sub {
			name = "date_sub"
		}
		register(&FunctionInfo{Name: name, MinArgs: 2, MaxArgs: 2,
			Coerce: func(args []types.DataType) ([]types.DataType, error) {
				out, err := toDateArg(args[:1])
				if err != nil {
					return nil, err
				}
				switch args[1].(type) {
				case types.IntegerType, types.StringType:
					return append(out, nil), nil // a string is checked by the kernel
				case types.ByteType, types.ShortType, types.NullType:
					return append(out, types.Integer), nil
				}
				return nil, fmt.Errorf("parameter 2 requires (\"INT\" or \"SMALLINT\" or \"TINYINT\") type, however it has the type %s", quoteType(args[1]))
			},
			Result: returns(types.Date),
			kernel: func(c *callArgs) (arrow.Array, error) {
				days := c.args[1]
				if isString(c.types[1]) {
					lit := c.lits[1]
					if lit == nil {
						return nil, mismatch("UNEXPECTED_INPUT_TYPE", &Call{Name: name}, "parameter 2 requires (\"INT\" or \"SMALLINT\" or \"TINYINT\") type, however it has the type \"STRING\"")
					}
					var v any
					if s, ok := lit.Value.(string); ok {
						n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
						if err != nil {
							return nil, &AnalysisError{Class: "SECOND_FUNCTION_ARGUMENT_NOT_INTEGER", kind: ErrDataTypeMismatch,
								Message: fmt.Sprintf("The second argument of `%s` function needs to be an integer.", name)}
						}
						v = int32(n)
					}
					a, err := constArray(c.mem, &Literal{Value: v, Type: types.Integer}, c.n)
					if err != nil {
						return nil, err
					}
					defer a.Release()
					days = a
				}
				d, n := values[int32](c.args[0]), values[int32](days)
				o := newFixedOut[int32](c.mem, c.n, validityOf(c.mem, c.n, c.args[0], days))
				for i := range o.vals {
					if sub {
						o.vals[i] = d[i] - n[i]
					} else {
						o.vals[i] = d[i] + n[i]
					}
				}
				return o.finish(arrow.FixedWidthTypes.Date32), nil
			}})
	}
}

func init() {
	intRes := returns(types.Integer)
	register(&FunctionInfo{Name: "dayofyear", MinArgs: 1, MaxArgs: 1, Coerce: toDateArg, Result: intRes,
		kernel: dateField(func(t time.Time) int { return t.YearDay() })})
	// weekday: 0 for Monday .. 6 for Sunday.
	register(&FunctionInfo{Name: "weekday", MinArgs: 1, MaxArgs: 1, Coerce: toDateArg, Result: intRes,
		kernel: dateField(func(t time.Time) int { return (int(t.Weekday()) + 6) % 7 })})
	// make_date(y, m, d): NULL for a day that does not exist (non-ANSI).
	register(&FunctionInfo{Name: "make_date", MinArgs: 3, MaxArgs: 3,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			for i, a := range args {
				if !isNullT(a) && !types.IsIntegral(a) && !isString(a) {
					return nil, fmt.Errorf("parameter %d requires the \"INT\" type, however it has the type %s", i+1, quoteType(a))
				}
			}
			return []types.DataType{types.Integer, types.Integer, types.Integer}, nil
		},
		Result: returnsNullable(types.Date),
		kernel: func(c *callArgs) (arrow.Array, error) {
			y, m, d := values[int32](c.args[0]), values[int32](c.args[1]), values[int32](c.args[2])
			o := newFixedOut[int32](c.mem, c.n, validityOf(c.mem, c.n, c.args...))
			for i := range o.vals {
				if m[i] < 1 || m[i] > 12 || d[i] < 1 || int(d[i]) > daysInMonth(int(y[i]), int(m[i])) || y[i] < 1 || y[i] > 9999 {
					o.valid.clear(i)
					continue
				}
				t := time.Date(int(y[i]), time.Month(m[i]), int(d[i]), 0, 0, 0, 0, time.UTC)
				o.vals[i] = int32(floorDiv(t.Unix(), 86400))
			}
			return o.finish(arrow.FixedWidthTypes.Date32), nil
		}})
	// next_day(date, dow): the first date after date falling on dow
	// ("Mon", "Monday" or "MO", any case); NULL for an unknown day.
	register(&FunctionInfo{Name: "next_day", MinArgs: 2, MaxArgs: 2,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			out, err := toDateArg(args[:1])
			if err != nil {
				return nil, err
			}
			return append(out, types.String), nil
		},
		Result: returnsNullable(types.Date),
		kernel: func(c *callArgs) (arrow.Array, error) {
			d, dow := values[int32](c.args[0]), c.args[1].(*array.String)
			o := newFixedOut[int32](c.mem, c.n, validityOf(c.mem, c.n, c.args...))
			for i := range o.vals {
				if !o.valid.get(i) {
					continue
				}
				w, ok := weekdayNamed(dow.Value(i))
				if !ok {
					o.valid.clear(i)
					continue
				}
				// 1970-01-01 was a Thursday (weekday 4 with Sunday = 0).
				today := int((int64(d[i])%7 + 7 + 4) % 7)
				ahead := (int(w) - today + 7) % 7
				if ahead == 0 {
					ahead = 7
				}
				o.vals[i] = d[i] + int32(ahead)
			}
			return o.finish(arrow.FixedWidthTypes.Date32), nil
		}})
}

func weekdayNamed(s string) (time.Weekday, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	for w := time.Sunday; w <= time.Saturday; w++ {
		full := strings.ToUpper(w.String())
		if s == full || s == full[:3] || s == full[:2] {
			return w, true
		}
	}
	return 0, false
}

func init() {
	// make_timestamp(y, mo, d, h, mi, sec[, zone]): sec is DECIMAL(16,6) in
	// [0, 60], 60 only without a fraction (rolling to the next minute);
	// anything that is not a real instant is NULL (non-ANSI). The fields
	// are read in zone (default the session zone, UTC).
	register(&FunctionInfo{Name: "make_timestamp", MinArgs: 6, MaxArgs: 7,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			out := []types.DataType{types.Integer, types.Integer, types.Integer, types.Integer, types.Integer,
				types.DecimalType{Precision: 16, Scale: 6}, types.String}[:len(args)]
			for i, a := range args[:6] {
				if !isNullT(a) && !types.IsNumeric(a) && !isString(a) {
					return nil, fmt.Errorf("parameter %d requires a numeric type, however it has the type %s", i+1, quoteType(a))
				}
			}
			return out, nil
		},
		Result: returnsNullable(types.Timestamp),
		kernel: func(c *callArgs) (arrow.Array, error) {
			f := make([][]int32, 5)
			for k := range f {
				f[k] = values[int32](c.args[k])
			}
			sec := decValues(c.args[5])
			var zones *array.String
			if len(c.args) > 6 {
				zones = c.args[6].(*array.String)
			}
			o := newFixedOut[int64](c.mem, c.n, validityOf(c.mem, c.n, c.args...))
			for i := range o.vals {
				if !o.valid.get(i) {
					continue
				}
				loc := time.UTC
				if zones != nil {
					l, ok := parseZone(zones.Value(i))
					if !ok {
						o.valid.clear(i)
						continue
					}
					loc = l
				}
				us, ok := makeTimestamp(f[0][i], f[1][i], f[2][i], f[3][i], f[4][i], sec[i].BigInt().Int64(), loc)
				if !ok {
					o.valid.clear(i)
					continue
				}
				o.vals[i] = us
			}
			return o.finish(types.ToArrow(types.Timestamp)), nil
		}})
}

// makeTimestamp builds an instant from fields, secMicros being the seconds
// in microseconds; false where Spark returns NULL.
func makeTimestamp(y, mo, d, h, mi int32, secMicros int64, loc *time.Location) (int64, bool) {
	if mo < 1 || mo > 12 || d < 1 || int(d) > daysInMonth(int(y), int(mo)) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
		secMicros < 0 || secMicros > 60*microsPerSecond || y < 1 || y > 9999 {
		return 0, false
	}
	if secMicros == 60*microsPerSecond {
		// 60 seconds is the next minute; 60.5 is no time at all.
		t := time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), 0, 0, loc).Add(time.Minute)
		return t.UnixMicro(), true
	}
	if secMicros >= 60*microsPerSecond {
		return 0, false
	}
	t := time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), 0, 0, loc)
	return t.UnixMicro() + secMicros, true
}

func init() {
	// timestamp_seconds/millis/micros(n): the instant n units after the
	// epoch; unix_seconds/millis/micros(ts) the reverse, rounding down;
	// date_from_unix_date/unix_date the same for days.
	for name, per := range map[string]int64{"timestamp_seconds": microsPerSecond, "timestamp_millis": 1000, "timestamp_micros": 1} {
		register(&FunctionInfo{Name: name, MinArgs: 1, MaxArgs: 1,
			Coerce: func(args []types.DataType) ([]types.DataType, error) {
				_, dec := args[0].(decT)
				switch {
				case per == microsPerSecond && dec:
					return []types.DataType{nil}, nil // exact, below
				case per == microsPerSecond && (types.IsNumeric(args[0]) && !types.IsIntegral(args[0])):
					return []types.DataType{types.Double}, nil
				case isNullT(args[0]) || types.IsIntegral(args[0]):
					return []types.DataType{types.Long}, nil
				}
				return nil, fmt.Errorf("parameter 1 requires the \"NUMERIC\" type, however it has the type %s", quoteType(args[0]))
			},
			Result: returns(types.Timestamp),
			kernel: func(c *callArgs) (arrow.Array, error) {
				at := types.ToArrow(types.Timestamp)
				if d, ok := c.types[0].(decT); ok {
					// Exact: a fraction finer than a microsecond is an error,
					// as Spark's longValueExact ("Rounding necessary").
					v := decValues(c.args[0])
					us := make([]int64, c.n)
					for i := range us {
						if c.args[0].IsNull(i) {
							continue
						}
						q, m := new(big.Int).QuoRem(new(big.Int).Mul(v[i].BigInt(), big.NewInt(microsPerSecond)), pow10(d.Scale), new(big.Int))
						if m.Sign() != 0 || !q.IsInt64() {
							return nil, &AnalysisError{Class: "ARITHMETIC_OVERFLOW", kind: ErrInvalidArgument,
								Message: fmt.Sprintf("%s(%s): rounding necessary or out of range.", name, v[i].ToString(int32(d.Scale)))}
						}
						us[i] = q.Int64()
					}
					return fillFrom(c.mem, c.n, validityOf(c.mem, c.n, c.args[0]), at, func(i int) int64 { return us[i] }), nil
				}
				if types.Equal(c.types[0], types.Double) {
					return mapFixed[float64, int64](c.mem, c.args[0], at, func(s float64) (int64, bool) {
						if math.IsNaN(s) || math.IsInf(s, 0) {
							return 0, false
						}
						return d2l(s * float64(microsPerSecond)), true
					}), nil
				}
				// Spark multiplies exactly and fails on overflow.
				for i, v := range values[int64](c.args[0]) {
					if c.args[0].IsValid(i) && (v > math.MaxInt64/per || v < math.MinInt64/per) {
						return nil, &AnalysisError{Class: "ARITHMETIC_OVERFLOW", kind: ErrInvalidArgument,
							Message: fmt.Sprintf("long overflow in %s(%d).", name, v)}
					}
				}
				return mapFixed[int64, int64](c.mem, c.args[0], at, func(v int64) (int64, bool) { return v * per, true }), nil
			}})
	}
	for name, per := range map[string]int64{"unix_seconds": microsPerSecond, "unix_millis": 1000, "unix_micros": 1} {
		register(&FunctionInfo{Name: name, MinArgs: 1, MaxArgs: 1, Coerce: toTimestampArg, Result: returns(types.Long),
			kernel: func(c *callArgs) (arrow.Array, error) {
				return mapFixed[int64, int64](c.mem, c.args[0], arrow.PrimitiveTypes.Int64, func(us int64) (int64, bool) {
					return floorDiv(us, per), true
				}), nil
			}})
	}
	register(&FunctionInfo{Name: "unix_date", MinArgs: 1, MaxArgs: 1, Coerce: toDateArg, Result: returns(types.Integer),
		kernel: func(c *callArgs) (arrow.Array, error) {
			return mapFixed[int32, int32](c.mem, c.args[0], arrow.PrimitiveTypes.Int32, func(d int32) (int32, bool) { return d, true }), nil
		}})
	register(&FunctionInfo{Name: "date_from_unix_date", MinArgs: 1, MaxArgs: 1,
		Coerce: func(args []types.DataType) ([]types.DataType, error) {
			if !isNullT(args[0]) && !types.IsIntegral(args[0]) {
				return nil, fmt.Errorf("parameter 1 requires the \"INT\" type, however it has the type %s", quoteType(args[0]))
			}
			return []types.DataType{types.Integer}, nil
		},
		Result: returns(types.Date),
		kernel: func(c *callArgs) (arrow.Array, error) {
			return mapFixed[int32, int32](c.mem, c.args[0], arrow.FixedWidthTypes.Date32, func(d int32) (int32, bool) { return d, true }), nil
		}})
}
