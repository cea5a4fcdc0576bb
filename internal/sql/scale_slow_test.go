//go:build slow

package sql

import (
	"testing"
	"time"
)

// TestFrontEndBigInputs runs each shape at the size of issue 15 item 4
// (1M-item IN lists, 100k NOTs and ANDs, 20k-term sums, nesting near the
// limit); before the fix several took minutes or did not finish.
func TestFrontEndBigInputs(t *testing.T) {
	for _, s := range scaleShapes {
		t.Run(s.name, func(t *testing.T) {
			text := s.build(s.big)
			start := time.Now()
			frontEnd(t, text)
			d := time.Since(start)
			t.Logf("n=%d: %v", s.big, d)
			// Generous: on a loaded 2-core machine the 1M-item IN list takes
			// a few minutes of wall time (about 30 s of CPU).
			if d > 5*time.Minute {
				t.Errorf("n=%d took %v, want well under five minutes", s.big, d)
			}
		})
	}
}
