package textread

import (
	"math"
	"testing"
)

func TestParseInteger(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		bits int
		want int64
		ok   bool
	}{
		{"plain", "42", 32, 42, true},
		{"negative", "-42", 32, -42, true},
		{"plus", "+7", 8, 7, true},
		{"int8-max", "127", 8, 127, true},
		{"int8-over", "128", 8, 0, false},
		{"int8-min", "-128", 8, -128, true},
		{"int8-under", "-129", 8, 0, false},
		{"int32-over", "2147483648", 32, 0, false},
		{"int64-max", "9223372036854775807", 64, math.MaxInt64, true},
		{"int64-min", "-9223372036854775808", 64, math.MinInt64, true},
		{"int64-over", "9223372036854775808", 64, 0, false},
		{"twenty-digits", "10000000000000000000", 64, 0, false},
		{"leading-zeros", "007", 32, 7, true},
		{"empty", "", 64, 0, false},
		{"sign-only", "-", 64, 0, false},
		{"fraction", "1.0", 64, 0, false},
		{"space", " 1", 64, 0, false},
		{"exponent", "1e3", 64, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseInteger([]byte(tc.in), tc.bits)
			if ok != tc.ok || got != tc.want {
				t.Fatalf("ParseInteger(%q, %d) = %d, %t; want %d, %t", tc.in, tc.bits, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseJavaDouble(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		in   string
		want float64
		ok   bool
	}{
		{"plain", "1.5", 1.5, true},
		{"trimmed", " \t2.25\n", 2.25, true},
		{"suffix-d", "3d", 3, true},
		{"suffix-F", "0.5F", 0.5, true},
		{"trailing-dot", "1.", 1, true},
		{"leading-dot", ".5", 0.5, true},
		{"exponent", "-1.5e2", -150, true},
		{"nan", "NaN", nan, true},
		{"signed-nan", "-NaN", nan, true},
		{"infinity", "+Infinity", math.Inf(1), true},
		{"minus-infinity", "-Infinity", math.Inf(-1), true},
		{"overflow-is-inf", "1e400", math.Inf(1), true},
		{"go-inf", "inf", 0, false},
		{"hex", "0x1p3", 0, false},
		{"underscore", "1_000", 0, false},
		{"dot-only", ".", 0, false},
		{"empty", "  ", 0, false},
		{"bad-exponent", "1e", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseJavaDouble([]byte(tc.in))
			same := got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)
			if ok != tc.ok || !same {
				t.Fatalf("ParseJavaDouble(%q) = %v, %t; want %v, %t", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestIsDecimalNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"0", true}, {"-1.25", true}, {"+.5", true}, {"5.", true}, {"1e10", true}, {"1E-3", true},
		{"", false}, {"-", false}, {".", false}, {"1e", false}, {"e5", false}, {"1.2.3", false},
		{"0x10", false}, {"Infinity", false}, {"1 ", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := IsDecimalNumber([]byte(tc.in)); got != tc.want {
				t.Fatalf("IsDecimalNumber(%q) = %t, want %t", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseBoolean(t *testing.T) {
	for _, tc := range []struct {
		in       string
		want, ok bool
	}{
		{"true", true, true}, {"TRUE", true, true}, {"False", false, true},
		{"t", false, false}, {"1", false, false}, {"", false, false}, {" true", false, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ParseBoolean([]byte(tc.in))
			if got != tc.want || ok != tc.ok {
				t.Fatalf("ParseBoolean(%q) = %t, %t; want %t, %t", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestDecimalShape(t *testing.T) {
	for _, tc := range []struct {
		name        string
		in          string
		prec, scale int
		ok          bool
	}{
		{"integer", "123", 3, 0, true},
		{"negative-fraction", "-12.50", 4, 2, true},
		{"precision-at-least-scale", "0.05", 2, 2, true},
		{"zero", "0", 1, 0, true},
		{"zeros", "000", 1, 0, true},
		{"zero-fraction", "0.000", 3, 3, true},
		{"leading-zeros", "007.10", 3, 2, true},
		{"trailing-dot", "12.", 2, 0, true},
		{"leading-dot", "+.125", 3, 3, true},
		{"wide", "123456789012345678901234567890123456789", 39, 0, true},
		{"exponent", "1e5", 0, 0, false},
		{"dot-only", ".", 0, 0, false},
		{"empty", "", 0, 0, false},
		{"two-dots", "1.2.3", 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, s, ok := DecimalShape([]byte(tc.in))
			if p != tc.prec || s != tc.scale || ok != tc.ok {
				t.Fatalf("DecimalShape(%q) = %d, %d, %t; want %d, %d, %t", tc.in, p, s, ok, tc.prec, tc.scale, tc.ok)
			}
		})
	}
}
