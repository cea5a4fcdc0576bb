package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// countIfAcc is count_if(cond): the rows where cond is true, a BIGINT
// that is 0, never NULL, when there are none.
type countIfAcc struct {
	mem    memory.Allocator
	counts []int64
}

func (a *countIfAcc) Update(groups []uint32, numGroups int, args []arrow.Array) error {
	a.counts = grow(a.counts, numGroups)
	if len(groups) == 0 {
		return nil
	}
	b, ok := args[0].(*array.Boolean)
	if !ok {
		return fmt.Errorf("expr: count_if of %s: %w", args[0].DataType(), ErrUnsupported)
	}
	for i, g := range groups {
		if b.IsValid(i) && b.Value(i) {
			a.counts[g]++
		}
	}
	return nil
}

func (a *countIfAcc) State() ([]arrow.Array, error) {
	return []arrow.Array{int64Array(a.mem, a.counts, nil)}, nil
}
func (a *countIfAcc) StateTypes() []types.DataType { return []types.DataType{types.Long} }
func (a *countIfAcc) MergeState(groups []uint32, numGroups int, state []arrow.Array) error {
	a.counts = grow(a.counts, numGroups)
	v := values[int64](state[0])
	for i, g := range groups {
		if state[0].IsValid(i) {
			a.counts[g] += v[i]
		}
	}
	return nil
}
func (a *countIfAcc) Finish() (arrow.Array, error) { return int64Array(a.mem, a.counts, nil), nil }
func (a *countIfAcc) Release()                     { a.counts = nil }

// bitAcc is bit_and/bit_or/bit_xor over an integral column: it folds the
// values widened to BIGINT (the low bits of each type survive the
// round trip) and narrows back to the argument's type at the end; NULL
// for a group with no non-null value. Its state is (BIGINT) per group.
type bitAcc struct {
	mem  memory.Allocator
	op   string
	t    types.DataType
	vals []int64
	seen []bool
}

func (a *bitAcc) fold(g uint32, v int64) {
	if !a.seen[g] {
		a.vals[g], a.seen[g] = v, true
		return
	}
	switch a.op {
	case "bit_and":
		a.vals[g] &= v
	case "bit_or":
		a.vals[g] |= v
	default:
		a.vals[g] ^= v
	}
}

func (a *bitAcc) grow(n int) {
	a.vals, a.seen = grow(a.vals, n), grow(a.seen, n)
}

func (a *bitAcc) Update(groups []uint32, numGroups int, args []arrow.Array) error {
	a.grow(numGroups)
	if len(groups) == 0 {
		return nil
	}
	r, err := intReader(args[0])
	if err != nil {
		return fmt.Errorf("expr: %s: %w", a.op, err)
	}
	for i, g := range groups {
		if args[0].IsValid(i) {
			a.fold(g, r(i))
		}
	}
	return nil
}

func (a *bitAcc) State() ([]arrow.Array, error) {
	return []arrow.Array{int64Array(a.mem, a.vals, a.seen)}, nil
}
func (a *bitAcc) StateTypes() []types.DataType { return []types.DataType{types.Long} }
func (a *bitAcc) MergeState(groups []uint32, numGroups int, state []arrow.Array) error {
	a.grow(numGroups)
	v := values[int64](state[0])
	for i, g := range groups {
		if state[0].IsValid(i) {
			a.fold(g, v[i])
		}
	}
	return nil
}

func (a *bitAcc) Finish() (arrow.Array, error) {
	l := int64Array(a.mem, a.vals, a.seen)
	if types.Equal(a.t, types.Long) {
		return l, nil
	}
	defer l.Release()
	return CastArray(a.mem, l, types.Long, a.t)
}
func (a *bitAcc) Release() { a.vals, a.seen = nil, nil }
