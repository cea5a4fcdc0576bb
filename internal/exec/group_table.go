package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// groupTable maps key tuples to dense group ids 0..n-1. It is the core of
// hash aggregation, hash join (the build side's distinct keys) and distinct.
//
// Rows are hashed a whole column at a time (keyColumn.hash), then each row
// probes an open-addressing table of group ids. The table stores each
// group's full hash, so most mismatches are rejected without touching the
// key columns; only equal hashes compare the typed key values.
type groupTable struct {
	keys   []keyColumn
	hashes []uint64 // per group
	slots  []uint32 // group id + 1; 0 is empty
	mask   uint64
	n      int
	h      []uint64 // scratch: row hashes of the current batch
}

func newGroupTable(keyTypes []arrow.DataType) (*groupTable, error) {
	t := &groupTable{slots: make([]uint32, 64), mask: 63}
	for _, dt := range keyTypes {
		k, err := newKeyColumn(dt)
		if err != nil {
			return nil, err
		}
		t.keys = append(t.keys, k)
	}
	return t, nil
}

// numGroups is the number of distinct keys seen.
func (t *groupTable) numGroups() int { return t.n }

// bind hashes the rows of one batch's key columns.
func (t *groupTable) bind(cols []arrow.Array, rows int) {
	if cap(t.h) < rows {
		t.h = make([]uint64, rows)
	}
	t.h = t.h[:rows]
	clear(t.h)
	for i, k := range t.keys {
		k.setInput(cols[i])
		k.hash(t.h)
	}
}

// anyNull reports whether any key of input row is NULL (after bind).
func (t *groupTable) anyNull(row int) bool {
	for _, k := range t.keys {
		if k.isNull(row) {
			return true
		}
	}
	return false
}

func (t *groupTable) equal(g uint32, row int) bool {
	for _, k := range t.keys {
		if !k.equal(g, row) {
			return false
		}
	}
	return true
}

// findOrInsert sets out[i] to the group of row i of cols, creating groups for
// unseen keys.
func (t *groupTable) findOrInsert(cols []arrow.Array, rows int, out []uint32) {
	t.bind(cols, rows)
	for row := range rows {
		h := t.h[row]
		pos := h & t.mask
		for {
			s := t.slots[pos]
			if s == 0 {
				g := uint32(t.n)
				for _, k := range t.keys {
					k.push(row)
				}
				t.hashes = append(t.hashes, h)
				t.slots[pos] = g + 1
				t.n++
				out[row] = g
				if uint64(t.n)*2 > t.mask {
					t.grow()
				}
				break
			}
			if g := s - 1; t.hashes[g] == h && t.equal(g, row) {
				out[row] = g
				break
			}
			pos = (pos + 1) & t.mask
		}
	}
}

// find sets out[i] to the group of row i, or -1 when the key is absent or
// (skipNull) has a NULL part.
func (t *groupTable) find(cols []arrow.Array, rows int, skipNull bool, out []int32) {
	t.bind(cols, rows)
	for row := range rows {
		out[row] = -1
		if skipNull && t.anyNull(row) {
			continue
		}
		h := t.h[row]
		pos := h & t.mask
		for {
			s := t.slots[pos]
			if s == 0 {
				break
			}
			if g := s - 1; t.hashes[g] == h && t.equal(g, row) {
				out[row] = int32(g)
				break
			}
			pos = (pos + 1) & t.mask
		}
	}
}

// grow doubles the slot array, re-placing groups by their stored hashes.
func (t *groupTable) grow() {
	size := uint64(len(t.slots)) * 2
	t.slots = make([]uint32, size)
	t.mask = size - 1
	for g, h := range t.hashes {
		pos := h & t.mask
		for t.slots[pos] != 0 {
			pos = (pos + 1) & t.mask
		}
		t.slots[pos] = uint32(g) + 1
	}
}

// keyArrays returns the keys of all groups, one array per key column.
func (t *groupTable) keyArrays(mem memory.Allocator) []arrow.Array {
	out := make([]arrow.Array, len(t.keys))
	for i, k := range t.keys {
		out[i] = k.build(mem)
	}
	return out
}
