package delta

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// errBadBitmap marks a deletion vector whose bytes are not a valid
// RoaringBitmap serialization.
var errBadBitmap = errors.New("malformed roaring bitmap")

// dvMagic prefixes every serialized deletion vector bitmap (little endian),
// so a reader can tell the RoaringBitmapArray format from future ones.
const dvMagic = 1681511377

// Cookies of the 32-bit RoaringBitmap format (RoaringFormatSpec).
const (
	roaringCookieNoRun = 12346
	roaringCookieRun   = 12347
)

// rowSet is a set of row indexes within one data file, stored as dense
// bitset blocks of 2^16 rows (one RoaringBitmap container each) that exist
// only where a row is set. Membership tests in the scan's inner loop are
// two loads, a shift and a mask; memory follows the rows actually set, so a
// tiny corrupt vector naming a row near maxDVRow costs one block and the
// block index (at most 512 KiB), not a bitset up to that row.
type rowSet struct {
	blocks   []*rowBlock // blocks[i] covers rows [i<<16, (i+1)<<16); nil when empty
	card     int64
	overflow bool // a row index past maxDVRow was added (and dropped)
}

// rowBlock is the bitset of one 2^16-row block.
type rowBlock [wordsPerContainer]uint64

// maxDVRow bounds the row indexes a deletion vector may name: 2^32 rows is
// far past any Parquet file Delta writers produce, and bounds the block
// index at 2^16 entries.
const maxDVRow = 1 << 32

func (s *rowSet) add(i uint64) {
	if i >= maxDVRow {
		s.overflow = true
		return
	}
	b := int(i >> 16)
	if b >= len(s.blocks) {
		s.blocks = append(s.blocks, make([]*rowBlock, b+1-len(s.blocks))...)
	}
	blk := s.blocks[b]
	if blk == nil {
		blk = new(rowBlock)
		s.blocks[b] = blk
	}
	w, bit := (i&0xFFFF)/64, uint64(1)<<(i%64)
	if blk[w]&bit == 0 {
		s.card++
		blk[w] |= bit
	}
}

// contains reports whether row i is in the set (false for a nil set).
func (s *rowSet) contains(i uint64) bool {
	if s == nil {
		return false
	}
	b := i >> 16
	if b >= uint64(len(s.blocks)) {
		return false
	}
	blk := s.blocks[b]
	return blk != nil && blk[(i&0xFFFF)/64]&(1<<(i%64)) != 0
}

// cardinality is the number of rows in the set.
func (s *rowSet) cardinality() int64 {
	if s == nil {
		return 0
	}
	return s.card
}

// each calls fn for every row of the set in ascending order.
func (s *rowSet) each(fn func(uint64)) {
	if s == nil {
		return
	}
	for b, blk := range s.blocks {
		if blk == nil {
			continue
		}
		for i, w := range blk {
			for w != 0 {
				fn(uint64(b)<<16 | uint64(i)*64 + uint64(bits.TrailingZeros64(w)))
				w &= w - 1
			}
		}
	}
}

// minus returns the rows of s not in o.
func (s *rowSet) minus(o *rowSet) *rowSet {
	out := &rowSet{}
	if s == nil {
		return out
	}
	out.blocks = make([]*rowBlock, len(s.blocks))
	for b, blk := range s.blocks {
		if blk == nil {
			continue
		}
		var ob *rowBlock
		if o != nil && b < len(o.blocks) {
			ob = o.blocks[b]
		}
		nb := new(rowBlock)
		var n int64
		for i, w := range blk {
			if ob != nil {
				w &^= ob[i]
			}
			nb[i] = w
			n += int64(bits.OnesCount64(w))
		}
		if n > 0 {
			out.blocks[b] = nb
			out.card += n
		}
	}
	return out
}

// decodeDVBitmap parses the magic number and the 64-bit "portable"
// RoaringBitmap serialization that follows it: an 8-byte bucket count, then
// per bucket a 4-byte high key and a standard 32-bit RoaringBitmap of the
// low 32 bits. All integers are little endian.
func decodeDVBitmap(b []byte) (*rowSet, error) {
	if len(b) < 12 {
		return nil, fmt.Errorf("%w: %d bytes", errBadBitmap, len(b))
	}
	if m := binary.LittleEndian.Uint32(b); m != dvMagic {
		return nil, fmt.Errorf("%w: magic number %d, want %d", errBadBitmap, m, dvMagic)
	}
	b = b[4:]
	n := binary.LittleEndian.Uint64(b)
	b = b[8:]
	if n > uint64(len(b)) {
		return nil, fmt.Errorf("%w: %d buckets in %d bytes", errBadBitmap, n, len(b))
	}
	s := &rowSet{}
	for range n {
		if len(b) < 4 {
			return nil, fmt.Errorf("%w: truncated bucket key", errBadBitmap)
		}
		high := uint64(binary.LittleEndian.Uint32(b)) << 32
		used, err := decodeRoaring32(b[4:], func(low uint32) { s.add(high | uint64(low)) })
		if err != nil {
			return nil, err
		}
		b = b[4+used:]
	}
	if s.overflow {
		return nil, fmt.Errorf("%w: row index beyond %d", errBadBitmap, uint64(maxDVRow))
	}
	return s, nil
}

// decodeRoaring32 parses one 32-bit RoaringBitmap (the portable format of
// RoaringFormatSpec), calling fn for every value, and returns the number of
// bytes it consumed.
func decodeRoaring32(b []byte, fn func(uint32)) (int, error) {
	bad := func(what string) (int, error) { return 0, fmt.Errorf("%w: %s", errBadBitmap, what) }
	if len(b) < 4 {
		return bad("truncated cookie")
	}
	pos := 0
	cookie := binary.LittleEndian.Uint32(b)
	pos += 4
	var size int
	var runBitmap []byte
	switch {
	case cookie&0xFFFF == roaringCookieRun:
		size = int(cookie>>16) + 1
		nb := (size + 7) / 8
		if len(b) < pos+nb {
			return bad("truncated run bitmap")
		}
		runBitmap = b[pos : pos+nb]
		pos += nb
	case cookie == roaringCookieNoRun:
		if len(b) < pos+4 {
			return bad("truncated container count")
		}
		size = int(binary.LittleEndian.Uint32(b[pos:]))
		pos += 4
	default:
		return bad(fmt.Sprintf("unknown cookie %d", cookie))
	}
	if size > 1<<16 || len(b) < pos+4*size {
		return bad("truncated container headers")
	}
	keys := make([]uint16, size)
	cards := make([]int, size)
	for i := range size {
		keys[i] = binary.LittleEndian.Uint16(b[pos:])
		cards[i] = int(binary.LittleEndian.Uint16(b[pos+2:])) + 1
		pos += 4
	}
	// The offset header is present without run containers, or with at
	// least 4 containers; the containers follow back to back either way,
	// so it is skipped.
	if runBitmap == nil || size >= 4 {
		if len(b) < pos+4*size {
			return bad("truncated offsets")
		}
		pos += 4 * size
	}
	for i := range size {
		high := uint32(keys[i]) << 16
		isRun := runBitmap != nil && runBitmap[i/8]&(1<<(i%8)) != 0
		switch {
		case isRun:
			if len(b) < pos+2 {
				return bad("truncated run count")
			}
			nruns := int(binary.LittleEndian.Uint16(b[pos:]))
			pos += 2
			if len(b) < pos+4*nruns {
				return bad("truncated runs")
			}
			for r := range nruns {
				start := uint32(binary.LittleEndian.Uint16(b[pos+4*r:]))
				length := uint32(binary.LittleEndian.Uint16(b[pos+4*r+2:]))
				for v := start; v <= start+length; v++ {
					fn(high | v)
				}
			}
			pos += 4 * nruns
		case cards[i] <= 4096:
			if len(b) < pos+2*cards[i] {
				return bad("truncated array container")
			}
			for k := range cards[i] {
				fn(high | uint32(binary.LittleEndian.Uint16(b[pos+2*k:])))
			}
			pos += 2 * cards[i]
		default:
			if len(b) < pos+8192 {
				return bad("truncated bitset container")
			}
			for w := range 1024 {
				word := binary.LittleEndian.Uint64(b[pos+8*w:])
				for word != 0 {
					t := bits.TrailingZeros64(word)
					fn(high | uint32(w*64+t))
					word &= word - 1
				}
			}
			pos += 8192
		}
	}
	return pos, nil
}
