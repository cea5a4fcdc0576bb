package expr

import (
	"context"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// distinctAcc runs an aggregate over the distinct argument tuples of each
// group (count, sum or avg with DISTINCT). It remembers the tuples it has
// seen per group, keyed by their Spark string form, and feeds only the
// first occurrence of each to the inner accumulator. A tuple holding a
// NULL is skipped, as every DISTINCT aggregate ignores them.
//
// Its state is the set itself: one list column per argument whose row g
// holds group g's distinct values (positions aligned across the columns).
// The set, not the inner accumulator's partial result, is what merges:
// two partial aggregations may both have seen a value, and only the union
// of their sets counts it once. MergeState therefore replays the listed
// values through Update.
type distinctAcc struct {
	mem   memory.Allocator
	types []types.DataType
	inner GroupedAccumulator
	sets  []map[string]struct{}
	// kept[j] are chunks of the distinct values of argument j in order of
	// first sight; keptGroups is the group of each.
	kept       [][]arrow.Array
	keptGroups []uint32
}

func newDistinctAcc(mem memory.Allocator, argTypes []types.DataType, inner GroupedAccumulator) *distinctAcc {
	return &distinctAcc{mem: mem, types: argTypes, inner: inner, kept: make([][]arrow.Array, len(argTypes))}
}

func (a *distinctAcc) Update(groups []uint32, numGroups int, args []arrow.Array) error {
	a.sets = grow(a.sets, numGroups)
	if len(groups) == 0 || len(args) == 0 {
		return a.inner.Update(nil, numGroups, nil)
	}
	strs := make([]*array.String, len(args))
	for j, arg := range args {
		s, err := CastArray(a.mem, arg, a.types[j], types.String)
		if err != nil {
			return fmt.Errorf("expr: distinct aggregate: %w", err)
		}
		defer s.Release()
		strs[j] = s.(*array.String)
	}
	var key []byte
	var picks []int64
	var newGroups []uint32
rows:
	for i, g := range groups {
		key = key[:0]
		for j, s := range strs {
			if s.IsNull(i) {
				continue rows
			}
			v := s.Value(i)
			// Spark groups 0.0 and -0.0 together.
			if v == "-0.0" && isFloating(a.types[j]) {
				v = "0.0"
			}
			key = strconv.AppendInt(key, int64(len(v)), 10)
			key = append(key, ':')
			key = append(key, v...)
		}
		set := a.sets[g]
		if set == nil {
			set = map[string]struct{}{}
			a.sets[g] = set
		}
		if _, seen := set[string(key)]; seen {
			continue
		}
		set[string(key)] = struct{}{}
		picks = append(picks, int64(i))
		newGroups = append(newGroups, g)
	}
	if len(picks) == 0 {
		return a.inner.Update(nil, numGroups, nil)
	}
	taken, err := takeRows(a.mem, args, picks)
	if err != nil {
		return fmt.Errorf("expr: distinct aggregate: %w", err)
	}
	defer releaseAll(taken)
	if err := a.inner.Update(newGroups, numGroups, taken); err != nil {
		return err
	}
	for j, t := range taken {
		t.Retain()
		a.kept[j] = append(a.kept[j], t)
	}
	a.keptGroups = append(a.keptGroups, newGroups...)
	return nil
}

func isFloating(t types.DataType) bool {
	switch t.(type) {
	case types.FloatType, types.DoubleType:
		return true
	}
	return false
}

// takeRows gathers rows idx of every array.
func takeRows(mem memory.Allocator, arrs []arrow.Array, idx []int64) ([]arrow.Array, error) {
	ctx := compute.WithAllocator(context.Background(), mem)
	ib := array.NewInt64Builder(mem)
	ib.AppendValues(idx, nil)
	ix := ib.NewArray()
	ib.Release()
	defer ix.Release()
	out := make([]arrow.Array, 0, len(arrs))
	for _, a := range arrs {
		t, err := compute.TakeArray(ctx, a, ix)
		if err != nil {
			releaseAll(out)
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func (a *distinctAcc) StateTypes() []types.DataType {
	out := make([]types.DataType, len(a.types))
	for j, t := range a.types {
		out[j] = types.ArrayType{ElementType: t, ContainsNull: true}
	}
	return out
}

// State lists each group's distinct values: the kept values ordered by
// group (a counting sort of their positions), cut at per-group offsets.
func (a *distinctAcc) State() ([]arrow.Array, error) {
	n := len(a.sets)
	offsets := make([]int32, n+1)
	for _, g := range a.keptGroups {
		offsets[g+1]++
	}
	for g := range n {
		offsets[g+1] += offsets[g]
	}
	next := append([]int32(nil), offsets[:n]...)
	perm := make([]int64, len(a.keptGroups))
	for i, g := range a.keptGroups {
		perm[next[g]] = int64(i)
		next[g]++
	}
	out := make([]arrow.Array, 0, len(a.types))
	for j, t := range a.types {
		lst, err := a.stateList(j, t, perm, offsets)
		if err != nil {
			releaseAll(out)
			return nil, fmt.Errorf("expr: distinct aggregate state: %w", err)
		}
		out = append(out, lst)
	}
	return out, nil
}

func (a *distinctAcc) stateList(j int, t types.DataType, perm []int64, offsets []int32) (arrow.Array, error) {
	var all arrow.Array
	switch len(a.kept[j]) {
	case 0:
		all = array.MakeArrayOfNull(a.mem, types.ToArrow(t), 0)
	default:
		var err error
		if all, err = array.Concatenate(a.kept[j], a.mem); err != nil {
			return nil, err
		}
	}
	defer all.Release()
	sorted, err := takeRows(a.mem, []arrow.Array{all}, perm)
	if err != nil {
		return nil, err
	}
	defer sorted[0].Release()
	off := memory.NewResizableBuffer(a.mem)
	defer off.Release()
	off.Resize(arrow.Int32Traits.BytesRequired(len(offsets)))
	copy(arrow.Int32Traits.CastFromBytes(off.Bytes()), offsets)
	data := array.NewData(types.ToArrow(types.ArrayType{ElementType: t, ContainsNull: true}), len(offsets)-1,
		[]*memory.Buffer{nil, off}, []arrow.ArrayData{sorted[0].Data()}, 0, 0)
	defer data.Release()
	return array.NewListData(data), nil
}

// MergeState replays saved distinct values through Update, so values both
// this accumulator and the saved state have seen count once.
func (a *distinctAcc) MergeState(groups []uint32, numGroups int, state []arrow.Array) error {
	if len(state) != len(a.types) {
		return fmt.Errorf("expr: distinct aggregate state has %d columns, want %d", len(state), len(a.types))
	}
	a.sets = grow(a.sets, numGroups)
	if len(groups) == 0 {
		return a.inner.Update(nil, numGroups, nil)
	}
	first := state[0].(*array.List)
	var elemGroups []uint32
	for i, g := range groups {
		if first.IsNull(i) {
			continue
		}
		s, e := first.ValueOffsets(i)
		for range e - s {
			elemGroups = append(elemGroups, g)
		}
	}
	// The rows' elements are contiguous in each list's child array.
	vals := make([]arrow.Array, len(state))
	for j, st := range state {
		l, ok := st.(*array.List)
		if !ok {
			releaseAll(vals[:j])
			return fmt.Errorf("expr: distinct aggregate state column %d is %s, want a list", j, st.DataType())
		}
		s, _ := l.ValueOffsets(0)
		_, e := l.ValueOffsets(l.Len() - 1)
		if int(e-s) != len(elemGroups) {
			releaseAll(vals[:j])
			return fmt.Errorf("expr: distinct aggregate state column %d has %d values, want %d", j, e-s, len(elemGroups))
		}
		vals[j] = array.NewSlice(l.ListValues(), s, e)
	}
	defer releaseAll(vals)
	return a.Update(elemGroups, numGroups, vals)
}

func (a *distinctAcc) Finish() (arrow.Array, error) { return a.inner.Finish() }

func (a *distinctAcc) Release() {
	a.inner.Release()
	for _, chunks := range a.kept {
		releaseAll(chunks)
	}
	a.kept, a.sets, a.keptGroups = nil, nil, nil
}
