package delta

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/google/uuid"
)

func rowSetOf(rows ...uint64) *rowSet {
	s := &rowSet{}
	for _, r := range rows {
		s.add(r)
	}
	return s
}

func rangeRows(lo, hi, step uint64) []uint64 {
	var out []uint64
	for i := lo; i < hi; i += step {
		out = append(out, i)
	}
	return out
}

// TestEncodeDVBitmap round-trips sets through the writer's encoding and
// the reader's decoder, and pins the container kinds chosen (the cookie
// says whether run containers are present, the header the count).
func TestEncodeDVBitmap(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rows       []uint64
		run        bool // run containers present (cookie 12347)
		containers int
	}{
		{"empty", nil, false, 0},
		{"single", []uint64{7}, false, 1},
		{"array", []uint64{3, 4, 7, 11, 18, 29}, false, 1},
		{"array at 4096", rangeRows(0, 8192, 2), false, 1},
		{"bitmap", rangeRows(0, 65536, 3), false, 1},
		{"run", rangeRows(100, 5000, 1), true, 1},
		{"full container", rangeRows(0, 65536, 1), true, 1},
		{"run across a word", rangeRows(60, 70, 1), true, 1},
		{"containers mixed, few", append(rangeRows(0, 40000, 1), 70000, 70005), true, 2},
		{"containers mixed, offsets", slices.Concat(rangeRows(0, 30000, 1), []uint64{70000, 70005}, rangeRows(131072, 196608, 5), rangeRows(200000, 200100, 1)), true, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := encodeDVBitmap(rowSetOf(tc.rows...))
			got, err := decodeDVBitmap(b)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(setRows(got), tc.rows) && !(len(tc.rows) == 0 && got.cardinality() == 0) {
				t.Fatalf("decoded %d rows, want %d", got.cardinality(), len(tc.rows))
			}
			if n := binary.LittleEndian.Uint64(b[4:]); tc.containers == 0 && n != 0 || tc.containers > 0 && n != 1 {
				t.Fatalf("%d buckets", n)
			}
			if tc.containers == 0 {
				return
			}
			cookie := binary.LittleEndian.Uint32(b[16:])
			var n int
			if cookie&0xFFFF == roaringCookieRun {
				n = int(cookie>>16) + 1
			} else {
				n = int(binary.LittleEndian.Uint32(b[20:]))
			}
			if isRun := cookie&0xFFFF == roaringCookieRun; isRun != tc.run || n != tc.containers {
				t.Fatalf("cookie %d: run %v with %d containers, want %v with %d", cookie, isRun, n, tc.run, tc.containers)
			}
		})
	}
}

// TestEncodeRoaringOffsets checks the offset header points at each
// container, as readers that seek to a container rely on.
func TestEncodeRoaringOffsets(t *testing.T) {
	rows := slices.Concat(rangeRows(0, 10, 1), rangeRows(65536, 65536+9000, 2), []uint64{140000}, rangeRows(200000, 200500, 1))
	b := encodeDVBitmap(rowSetOf(rows...))[16:] // past magic, bucket count and key
	cookie := binary.LittleEndian.Uint32(b)
	n := int(cookie>>16) + 1
	hdr := 4 + (n+7)/8
	offs := hdr + 4*n
	want := []int{offs + 4*n}
	sizes := []int{2 + 4, 8192, 2, 2 + 4} // run, bitmap, array of 1, run
	for i := 0; i < n-1; i++ {
		want = append(want, want[i]+sizes[i])
	}
	for i := range n {
		if got := int(binary.LittleEndian.Uint32(b[offs+4*i:])); got != want[i] {
			t.Fatalf("offset of container %d is %d, want %d", i, got, want[i])
		}
	}
}

func TestZ85EncodeUUID(t *testing.T) {
	for _, s := range []string{"d2c639aa-8816-431a-aaf6-d3fe2512ff61", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"} {
		id := uuid.MustParse(s)
		enc := z85Encode(id[:])
		if len(enc) != 20 {
			t.Fatalf("%s: %q is not 20 characters", s, enc)
		}
		raw, err := decodeZ85(enc, 16)
		if err != nil || !slices.Equal(raw, id[:]) {
			t.Fatalf("%s: %q decodes to %x, %v", s, enc, raw, err)
		}
	}
	// PROTOCOL.md's relative-path example: prefix "ab", then this UUID.
	id := uuid.MustParse("d2c639aa-8816-431a-aaf6-d3fe2512ff61")
	if got := "ab" + z85Encode(id[:]); got != "ab^-aqEH.-t@S}K{vb[*k^" {
		t.Fatalf("spec example encodes as %q", got)
	}
}

func TestLooseBoundsStats(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"no stats", "", `{"numRecords":5,"tightBounds":false}`},
		{"keeps order", `{"numRecords":5,"minValues":{"a":1},"maxValues":{"a":9},"nullCount":{"a":0}}`,
			`{"numRecords":5,"minValues":{"a":1},"maxValues":{"a":9},"nullCount":{"a":0},"tightBounds":false}`},
		{"replaces tight", `{"numRecords":5,"tightBounds":true,"minValues":{}}`, `{"numRecords":5,"tightBounds":false,"minValues":{}}`},
		{"adds numRecords first", `{"minValues":{"a":"x"}}`, `{"numRecords":5,"minValues":{"a":"x"},"tightBounds":false}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := looseBoundsStats(tc.in, 5)
			if err != nil || got != tc.want {
				t.Fatalf("got %s, %v; want %s", got, err, tc.want)
			}
		})
	}
	if _, err := looseBoundsStats(`[1]`, 5); err == nil {
		t.Fatal("stats that are not an object accepted")
	}
}

func BenchmarkEncodeDVBitmap(b *testing.B) {
	for _, bc := range []struct {
		name string
		rows []uint64
	}{
		{"sparse", rangeRows(0, 1<<20, 997)},
		{"dense", rangeRows(0, 1<<20, 3)},
		{"runs", rangeRows(0, 1<<20, 1)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := rowSetOf(bc.rows...)
			b.SetBytes(int64(len(s.containers()) * wordsPerContainer * 8))
			b.ResetTimer()
			for range b.N {
				encodeDVBitmap(s)
			}
			// rows/s counts the deleted rows encoded.
			b.ReportMetric(float64(b.N)*float64(s.card)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
