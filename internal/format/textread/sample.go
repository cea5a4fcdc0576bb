package textread

import "math"

// Sampled reports whether record i (0-based) is in the deterministic sample
// that keeps a fraction ratio of the records (every k-th), so the same file
// always infers the same schema. A ratio of 0 or 1 and above keeps all.
func Sampled(i int, ratio float64) bool {
	return ratio <= 0 || ratio >= 1 || math.Floor(float64(i+1)*ratio) != math.Floor(float64(i)*ratio)
}
