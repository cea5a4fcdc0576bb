package expr

import (
	"math"
	"testing"

	"github.com/ingotdata/ingot/types"
)

func TestCast(t *testing.T) {
	dec := func(p, s int) types.DataType { return types.DecimalType{Precision: p, Scale: s} }
	for _, tc := range []struct {
		name string
		from types.DataType
		in   any
		to   types.DataType
		want string
	}{
		// string -> integral (trimmed, fraction dropped, invalid/overflow NULL)
		{"string to int", types.String, " 42 ", types.Integer, "42"},
		{"string fraction to int", types.String, "4.5", types.Integer, "4"},
		{"string negative fraction to int", types.String, "-4.9", types.Integer, "-4"},
		{"string leading point to int", types.String, ".5", types.Integer, "0"},
		{"string trailing point to int", types.String, "4.", types.Long, "4"},
		{"string bad fraction to int", types.String, "4.5x", types.Integer, "NULL"},
		{"string sign only", types.String, "-", types.Integer, "NULL"},
		{"string plus sign", types.String, "+7", types.Integer, "7"},
		{"string garbage to int", types.String, "4x", types.Integer, "NULL"},
		{"string exponent to int", types.String, "1e3", types.Integer, "NULL"},
		{"string empty to int", types.String, "", types.Integer, "NULL"},
		{"string int overflow", types.String, "2147483648", types.Integer, "NULL"},
		{"string to long", types.String, "9223372036854775807", types.Long, "9223372036854775807"},
		{"string to byte overflow", types.String, "128", types.Byte, "NULL"},
		{"string to short", types.String, "-32768", types.Short, "-32768"},
		// string -> floating
		{"string to double", types.String, "1.5", types.Double, "1.5"},
		{"string exponent to double", types.String, "1e3", types.Double, "1000.0"},
		{"string NaN", types.String, "NaN", types.Double, "NaN"},
		{"string Infinity", types.String, "-Infinity", types.Double, "-Infinity"},
		{"string double suffix", types.String, "2.5d", types.Double, "2.5"},
		{"string bad double", types.String, "abc", types.Double, "NULL"},
		{"string to float", types.String, "0.1", types.Float, "0.1"},
		// string -> boolean
		{"string true", types.String, "TRUE", types.Boolean, "true"},
		{"string yes", types.String, "yes", types.Boolean, "true"},
		{"string 0", types.String, "0", types.Boolean, "false"},
		{"string f", types.String, " f ", types.Boolean, "false"},
		{"string bad boolean", types.String, "maybe", types.Boolean, "NULL"},
		// string -> date/timestamp
		{"string to date", types.String, "2023-01-05", types.Date, "2023-01-05"},
		{"string short date", types.String, "2023-1-5", types.Date, "2023-01-05"},
		{"string date with time", types.String, "2023-01-05 10:11:12", types.Date, "2023-01-05"},
		{"string year only", types.String, "2023", types.Date, "2023-01-01"},
		{"string invalid date", types.String, "2023-02-30", types.Date, "NULL"},
		{"string to timestamp", types.String, "2023-01-05 10:11:12", types.Timestamp, "2023-01-05 10:11:12"},
		{"string T timestamp", types.String, "2023-01-05T10:11:12.5", types.Timestamp, "2023-01-05 10:11:12.5"},
		{"string micros", types.String, "2023-01-05 10:11:12.123456", types.Timestamp, "2023-01-05 10:11:12.123456"},
		{"string zone Z", types.String, "2023-01-05T10:11:12Z", types.Timestamp, "2023-01-05 10:11:12"},
		{"string zone offset", types.String, "2023-01-05T10:11:12+02:00", types.Timestamp, "2023-01-05 08:11:12"},
		{"string date only timestamp", types.String, "2023-01-05", types.Timestamp, "2023-01-05 00:00:00"},
		{"string bad timestamp", types.String, "yesterday", types.Timestamp, "NULL"},
		// numbers -> string (Java formatting)
		{"double to string", types.Double, 75.0, types.String, "75.0"},
		{"large double to string", types.Double, 1e7, types.String, "1.0E7"},
		{"small double to string", types.Double, 0.0001, types.String, "1.0E-4"},
		{"double fraction to string", types.Double, 123.456, types.String, "123.456"},
		{"negative zero", types.Double, math.Copysign(0, -1), types.String, "-0.0"},
		{"float to string", types.Float, float32(0.1), types.String, "0.1"},
		{"long to string", types.Long, int64(-12), types.String, "-12"},
		{"boolean to string", types.Boolean, true, types.String, "true"},
		{"decimal to string", dec(5, 2), Decimal{Unscaled: "-1234", Precision: 5, Scale: 2}, types.String, "-12.34"},
		// numeric <-> numeric
		{"double to int truncates", types.Double, 4.9, types.Integer, "4"},
		{"negative double to int truncates", types.Double, -4.9, types.Integer, "-4"},
		{"double to int saturates", types.Double, 1e20, types.Integer, "2147483647"},
		{"double to long saturates", types.Double, -1e30, types.Long, "-9223372036854775808"},
		{"NaN to int is zero", types.Double, math.NaN(), types.Integer, "0"},
		{"double to byte saturates then wraps", types.Double, 300.0, types.Byte, "44"},
		{"long to int wraps", types.Long, int64(4294967297), types.Integer, "1"},
		{"int to long", types.Integer, int32(-5), types.Long, "-5"},
		{"long to double", types.Long, int64(3), types.Double, "3.0"},
		{"boolean to int", types.Boolean, true, types.Integer, "1"},
		{"int to boolean", types.Integer, int32(0), types.Boolean, "false"},
		{"double to boolean", types.Double, 0.5, types.Boolean, "true"},
		// timestamps
		{"seconds double to timestamp", types.Double, 1.6e9 + 0.25, types.Timestamp, "2020-09-13 12:26:40.25"},
		{"seconds long to timestamp", types.Long, int64(0), types.Timestamp, "1970-01-01 00:00:00"},
		{"NaN to timestamp", types.Double, math.NaN(), types.Timestamp, "NULL"},
		{"timestamp to long floors", types.Timestamp, int64(-1), types.Long, "-1"},
		{"timestamp to double", types.Timestamp, int64(1_500_000), types.Double, "1.5"},
		{"timestamp to string", types.Timestamp, "2020-01-01 00:00:00.1", types.String, "2020-01-01 00:00:00.1"},
		{"timestamp to date", types.Timestamp, "1969-12-31 23:00:00", types.Date, "1969-12-31"},
		{"date to timestamp", types.Date, "2020-02-29", types.Timestamp, "2020-02-29 00:00:00"},
		{"date to string", types.Date, "2020-02-29", types.String, "2020-02-29"},
		// decimals
		{"double to decimal rounds half up", types.Double, 1.005, dec(5, 2), "1.01"},
		{"double to decimal overflow", types.Double, 1000.0, dec(4, 1), "NULL"},
		{"string to decimal", types.String, " 12.345 ", dec(10, 2), "12.35"},
		{"string negative to decimal", types.String, "-12.345", dec(10, 2), "-12.35"},
		{"bad string to decimal", types.String, "x", dec(10, 2), "NULL"},
		{"int to decimal", types.Integer, int32(7), dec(3, 1), "7.0"},
		{"int to small decimal overflow", types.Integer, int32(100), dec(3, 1), "NULL"},
		{"decimal rescale", dec(6, 3), Decimal{Unscaled: "1235", Scale: 3}, dec(6, 2), "1.24"},
		{"decimal to int truncates", dec(6, 2), Decimal{Unscaled: "-1299", Scale: 2}, types.Integer, "-12"},
		{"decimal to double", dec(6, 2), Decimal{Unscaled: "1250", Scale: 2}, types.Double, "12.5"},
		// Decimal -> floating rounds to the nearest double, like Java's
		// BigDecimal.doubleValue, not unscaled * 10^-scale.
		{"decimal 90.1 to double", dec(3, 1), Decimal{Unscaled: "901", Scale: 1}, types.Double, "90.1"},
		{"decimal 0.3 to double", dec(2, 1), Decimal{Unscaled: "3", Scale: 1}, types.Double, "0.3"},
		{"negative decimal to double", dec(10, 5), Decimal{Unscaled: "-123456789", Scale: 5}, types.Double, "-1234.56789"},
		{"wide decimal to double", dec(38, 18), Decimal{Unscaled: "12345678901234567890123456789", Scale: 18}, types.Double, "1.2345678901234568E10"},
		{"max precision decimal to double", dec(38, 0), Decimal{Unscaled: "99999999999999999999999999999999999999", Scale: 0}, types.Double, "1.0E38"},
		{"tiny decimal to double", dec(38, 38), Decimal{Unscaled: "1", Scale: 38}, types.Double, "1.0E-38"},
		{"decimal 90.1 to float", dec(3, 1), Decimal{Unscaled: "901", Scale: 1}, types.Float, "90.1"},
		{"null stays null", types.String, nil, types.Integer, "NULL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			rec := newBatch(t, mem, col("x", tc.from, tc.in))
			defer rec.Release()
			typ, got, err := evalExpr(t, mem, &Cast{Child: ref(rec, "x"), To: tc.to}, rec)
			if err != nil {
				t.Fatal(err)
			}
			if !types.Equal(typ, tc.to) {
				t.Errorf("type %s, want %s", typ.SQL(), tc.to.SQL())
			}
			if got[0] != tc.want {
				t.Errorf("CAST(%v AS %s) = %s, want %s", tc.in, tc.to.SQL(), got[0], tc.want)
			}
		})
	}
}

// The seed's silver query: (col("time")/1e6).cast(TimestampType()) on
// microsecond epoch values must keep the microseconds.
func TestSeedTimeCast(t *testing.T) {
	mem := checked(t)
	rec := newBatch(t, mem, col("time", types.Long, int64(1_650_000_000_123_000), nil))
	defer rec.Release()
	e := &Cast{Child: bin(OpDiv, ref(rec, "time"), Lit(1e6)), To: types.Timestamp}
	if got, want := e.String(), "CAST((time / 1000000.0) AS TIMESTAMP)"; got != want {
		t.Errorf("name %q, want %q", got, want)
	}
	typ, got, err := evalExpr(t, mem, e, rec)
	if err != nil {
		t.Fatal(err)
	}
	if typ != types.Timestamp || got[0] != "2022-04-15 05:20:00.123" || got[1] != "NULL" {
		t.Errorf("got %s %v", typ.SQL(), got)
	}
}

func TestCastSupported(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to types.DataType
		want     bool
	}{
		{"string to int", types.String, types.Integer, true},
		{"int to string", types.Integer, types.String, true},
		{"double to timestamp", types.Double, types.Timestamp, true},
		{"date to int", types.Date, types.Integer, false},
		{"boolean to date", types.Boolean, types.Date, false},
		{"array to int", types.ArrayType{ElementType: types.Integer}, types.Integer, false},
		{"null to anything", types.Null, types.Date, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CastSupported(tc.from, tc.to); got != tc.want {
				t.Errorf("CastSupported(%s, %s) = %v", tc.from.SQL(), tc.to.SQL(), got)
			}
		})
	}
}
