package expr

import (
	"math"
	"testing"
)

func TestCompareFloat(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name string
		x, y float64
		want int
	}{
		{"less", 1, 2, -1},
		{"greater", 2, 1, 1},
		{"equal", 1.5, 1.5, 0},
		{"negative zero equals zero", math.Copysign(0, -1), 0, 0},
		{"NaN equals NaN", nan, nan, 0},
		{"NaN above infinity", nan, inf, 1},
		{"infinity below NaN", inf, nan, -1},
		{"negative infinity below NaN", -inf, nan, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CompareFloat(tc.x, tc.y); got != tc.want {
				t.Errorf("CompareFloat(%v, %v) = %d, want %d", tc.x, tc.y, got, tc.want)
			}
			if got := CompareFloat(float32(tc.x), float32(tc.y)); got != tc.want {
				t.Errorf("CompareFloat(float32(%v), float32(%v)) = %d, want %d", tc.x, tc.y, got, tc.want)
			}
		})
	}
}
