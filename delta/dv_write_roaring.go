package delta

import (
	"encoding/binary"
	"math/bits"
)

// wordsPerContainer is how many 64-bit words of a rowSet one RoaringBitmap
// container (2^16 values) covers.
const wordsPerContainer = 1 << 16 / 64

// union adds every row of o to s.
func (s *rowSet) union(o *rowSet) {
	if o == nil {
		return
	}
	if len(o.blocks) > len(s.blocks) {
		s.blocks = append(s.blocks, make([]*rowBlock, len(o.blocks)-len(s.blocks))...)
	}
	var card int64
	for b := range s.blocks {
		if b < len(o.blocks) && o.blocks[b] != nil {
			if s.blocks[b] == nil {
				s.blocks[b] = new(rowBlock)
			}
			for i, w := range o.blocks[b] {
				s.blocks[b][i] |= w
			}
		}
		if blk := s.blocks[b]; blk != nil {
			for _, w := range blk {
				card += int64(bits.OnesCount64(w))
			}
		}
	}
	s.card = card
}

// clone copies s (a nil set clones to an empty one).
func (s *rowSet) clone() *rowSet {
	out := &rowSet{}
	if s != nil {
		out.blocks = make([]*rowBlock, len(s.blocks))
		for b, blk := range s.blocks {
			if blk != nil {
				c := *blk
				out.blocks[b] = &c
			}
		}
		out.card = s.card
	}
	return out
}

// rowContainer is one non-empty 2^16-value block of a rowSet as a
// RoaringBitmap container: the 64 words it covers and how it is best
// stored.
type rowContainer struct {
	key   uint64   // row >> 16
	words []uint64 // wordsPerContainer words
	card  int
	runs  int
	isRun bool
}

// size is the container's serialized size in bytes.
func (c *rowContainer) size() int {
	switch {
	case c.isRun:
		return 2 + 4*c.runs
	case c.card <= 4096:
		return 2 * c.card
	}
	return 8192
}

// containers splits s into its non-empty containers in key order, choosing
// each one's encoding as RoaringBitmap's runOptimize does: a run container
// when it is smaller than the array (at most 4096 values) or bitset form.
// The reader infers array versus bitset from the cardinality, so a
// container of more than 4096 values is never an array.
func (s *rowSet) containers() []rowContainer {
	var out []rowContainer
	for key, blk := range s.blocks {
		if blk == nil {
			continue
		}
		ws := blk[:]
		card, runs := 0, 0
		var carry uint64 // top bit of the previous word, as bit 0
		for _, w := range ws {
			card += bits.OnesCount64(w)
			// A run starts at every set bit whose lower neighbour is clear.
			runs += bits.OnesCount64(w &^ (w<<1 | carry))
			carry = w >> 63
		}
		if card == 0 {
			continue
		}
		c := rowContainer{key: uint64(key), words: ws, card: card, runs: runs}
		plain := 8192
		if card <= 4096 {
			plain = 2 * card
		}
		c.isRun = 2+4*runs < plain
		out = append(out, c)
	}
	return out
}

// encodeDVBitmap serializes s as Delta stores a deletion vector: the magic
// number, then the 64-bit "portable" RoaringBitmap format (an 8-byte
// bucket count; per bucket of equal high 32 bits, the 4-byte key and a
// 32-bit RoaringBitmap of the low bits), all little endian. It is the
// inverse of decodeDVBitmap and readable by RoaringBitmap libraries.
func encodeDVBitmap(s *rowSet) []byte {
	cs := s.containers()
	out := binary.LittleEndian.AppendUint32(nil, dvMagic)
	nb := 0
	for i := range cs {
		if i == 0 || cs[i].key>>16 != cs[i-1].key>>16 {
			nb++
		}
	}
	out = binary.LittleEndian.AppendUint64(out, uint64(nb))
	for i := 0; i < len(cs); {
		j := i
		for j < len(cs) && cs[j].key>>16 == cs[i].key>>16 {
			j++
		}
		out = binary.LittleEndian.AppendUint32(out, uint32(cs[i].key>>16))
		out = appendRoaring32(out, cs[i:j])
		i = j
	}
	return out
}

// appendRoaring32 appends one 32-bit RoaringBitmap in the portable format
// of RoaringFormatSpec: a cookie (with the container count and a bitmap
// marking run containers when there are any), per container its 16-bit
// key and cardinality-1, the byte offsets of the containers (omitted when
// there are run containers and fewer than 4 containers), then the
// containers: sorted 16-bit values, a 8 KiB bitset, or run pairs
// (start, length-1) after a run count.
func appendRoaring32(out []byte, cs []rowContainer) []byte {
	start := len(out)
	hasRun := false
	for i := range cs {
		hasRun = hasRun || cs[i].isRun
	}
	n := len(cs)
	if hasRun {
		out = binary.LittleEndian.AppendUint32(out, uint32(roaringCookieRun)|uint32(n-1)<<16)
		runBits := make([]byte, (n+7)/8)
		for i := range cs {
			if cs[i].isRun {
				runBits[i/8] |= 1 << (i % 8)
			}
		}
		out = append(out, runBits...)
	} else {
		out = binary.LittleEndian.AppendUint32(out, roaringCookieNoRun)
		out = binary.LittleEndian.AppendUint32(out, uint32(n))
	}
	for i := range cs {
		out = binary.LittleEndian.AppendUint16(out, uint16(cs[i].key))
		out = binary.LittleEndian.AppendUint16(out, uint16(cs[i].card-1))
	}
	if !hasRun || n >= 4 {
		// Offsets count from the start of this 32-bit bitmap.
		off := len(out) - start + 4*n
		for i := range cs {
			out = binary.LittleEndian.AppendUint32(out, uint32(off))
			off += cs[i].size()
		}
	}
	for i := range cs {
		out = appendContainer(out, &cs[i])
	}
	return out
}

func appendContainer(out []byte, c *rowContainer) []byte {
	switch {
	case c.isRun:
		out = binary.LittleEndian.AppendUint16(out, uint16(c.runs))
		runStart := -1
		for i := 0; i < wordsPerContainer*64; i++ {
			var w uint64
			if i/64 < len(c.words) {
				w = c.words[i/64]
			}
			// Skip whole words that cannot start or end a run.
			if i%64 == 0 && ((w == 0 && runStart < 0) || (w == ^uint64(0) && runStart >= 0)) {
				i += 63
				continue
			}
			set := w&(1<<(i%64)) != 0
			if set && runStart < 0 {
				runStart = i
			}
			if !set && runStart >= 0 {
				out = binary.LittleEndian.AppendUint16(out, uint16(runStart))
				out = binary.LittleEndian.AppendUint16(out, uint16(i-1-runStart))
				runStart = -1
			}
		}
		if runStart >= 0 {
			out = binary.LittleEndian.AppendUint16(out, uint16(runStart))
			out = binary.LittleEndian.AppendUint16(out, uint16(wordsPerContainer*64-1-runStart))
		}
	case c.card <= 4096:
		for i, w := range c.words {
			for w != 0 {
				t := bits.TrailingZeros64(w)
				out = binary.LittleEndian.AppendUint16(out, uint16(i*64+t))
				w &= w - 1
			}
		}
	default:
		for i := range wordsPerContainer {
			var w uint64
			if i < len(c.words) {
				w = c.words[i]
			}
			out = binary.LittleEndian.AppendUint64(out, w)
		}
	}
	return out
}
