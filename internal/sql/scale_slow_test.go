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
			if d > 60*time.Second {
				t.Errorf("n=%d took %v, want well under a minute", s.big, d)
			}
		})
	}
}
