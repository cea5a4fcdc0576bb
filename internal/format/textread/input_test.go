package textread

import "testing"

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncde\n\nf")
	for _, tc := range []struct {
		name      string
		off       int
		line, col int
	}{
		{"start", 0, 1, 1},
		{"first-line", 1, 1, 2},
		{"at-newline", 2, 1, 3},
		{"second-line", 3, 2, 1},
		{"blank-line", 7, 3, 1},
		{"last", 8, 4, 1},
		{"end", 9, 4, 2},
		{"past-end-clamped", 100, 4, 2},
		{"negative-clamped", -5, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line, col := LineCol(data, tc.off)
			if line != tc.line || col != tc.col {
				t.Fatalf("LineCol(%d) = %d:%d, want %d:%d", tc.off, line, col, tc.line, tc.col)
			}
		})
	}
}

func TestBOMLen(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want int
	}{
		{"bom", "\xef\xbb\xbfa,b", 3},
		{"none", "a,b", 0},
		{"partial", "\xef\xbb", 0},
		{"empty", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := BOMLen([]byte(tc.in)); got != tc.want {
				t.Fatalf("BOMLen = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestSampled(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ratio float64
		want  string // of records 0..9, x = sampled
	}{
		{"zero-means-all", 0, "xxxxxxxxxx"},
		{"one-means-all", 1, "xxxxxxxxxx"},
		{"half", 0.5, ".x.x.x.x.x"},
		{"fifth", 0.2, "....x....x"},
		{"third", 1.0 / 3, "..x..x..x."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]byte, 10)
			for i := range got {
				got[i] = '.'
				if Sampled(i, tc.ratio) {
					got[i] = 'x'
				}
			}
			if string(got) != tc.want {
				t.Fatalf("Sampled(.., %v) = %s, want %s", tc.ratio, got, tc.want)
			}
		})
	}
}
