package expr

import (
	"cmp"
	"fmt"
	"math/big"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// aggregates lists the aggregate function names (and their arity).
var aggregates = map[string]struct{ minArgs, maxArgs int }{
	"count": {1, -1}, "sum": {1, 1}, "avg": {1, 1}, "mean": {1, 1},
	"min": {1, 1}, "max": {1, 1}, "first": {1, 1}, "last": {1, 1},
	"bool_and": {1, 1}, "bool_or": {1, 1}, "count_if": {1, 1},
	"bit_and": {1, 1}, "bit_or": {1, 1}, "bit_xor": {1, 1},
}

// aggAliases maps other spellings to the names above. every/bool_and is
// the AND of the non-null booleans, some/any/bool_or their OR: NULL when
// there are none, as min and max over booleans (false < true) are.
var aggAliases = map[string]string{"mean": "avg", "every": "bool_and", "some": "bool_or", "any": "bool_or"}

func aggName(call *AggCall) string {
	n := strings.ToLower(call.Name)
	if a, ok := aggAliases[n]; ok {
		return a
	}
	return n
}

// coerceAgg casts string arguments of sum/avg to DOUBLE (Spark's
// non-ANSI implicit cast) and rejects non-numeric ones.
func (ty *typer) coerceAgg(n *AggCall) (Expr, error) {
	name := aggName(n)
	info, ok := aggregates[name]
	if !ok {
		return nil, unknownFunction(n.Name)
	}
	if !n.Star && (len(n.Args) < info.minArgs || (info.maxArgs >= 0 && len(n.Args) > info.maxArgs)) {
		return nil, &AnalysisError{Class: "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
			Message: fmt.Sprintf("The `%s` requires %d parameters but the actual number is %d.", name, info.minArgs, len(n.Args)),
			kind:    ErrWrongArgs}
	}
	switch name {
	case "bool_and", "bool_or", "count_if":
		return ty.coerceAggArg(n, types.Boolean, func(t types.DataType) bool { return types.Equal(t, types.Boolean) }, `"BOOLEAN"`)
	case "bit_and", "bit_or", "bit_xor":
		return ty.coerceAggArg(n, types.Long, types.IsIntegral, `"INTEGRAL"`)
	}
	if name != "sum" && name != "avg" {
		return n, nil
	}
	t, _, err := ty.typeOf(n.Args[0])
	if err != nil {
		return nil, err
	}
	switch {
	case isString(t) || isNullT(t):
		cp := *n
		cp.Args = []Expr{implicitCast(n.Args[0], t, types.Double)}
		return &cp, nil
	case !types.IsNumeric(t):
		return nil, mismatch("UNEXPECTED_INPUT_TYPE", n, "Parameter 1 requires the \"NUMERIC\" or \"ANSI INTERVAL\" type, however %q has the type %s.", n.Args[0].String(), quoteType(t))
	}
	return n, nil
}

// coerceAggArg checks the one argument of n against ok, typing an untyped
// NULL as nullAs. Strings are not cast: Spark rejects every('true').
func (ty *typer) coerceAggArg(n *AggCall, nullAs types.DataType, ok func(types.DataType) bool, want string) (Expr, error) {
	t, _, err := ty.typeOf(n.Args[0])
	if err != nil {
		return nil, err
	}
	switch {
	case ok(t):
		return n, nil
	case isNullT(t):
		cp := *n
		cp.Args = []Expr{implicitCast(n.Args[0], t, nullAs)}
		return &cp, nil
	}
	return nil, mismatch("UNEXPECTED_INPUT_TYPE", n, "Parameter 1 requires the %s type, however %q has the type %s.", want, n.Args[0].String(), quoteType(t))
}

// AggResultType is the result type and nullability of an aggregate call
// over arguments of argTypes: count is a non-null BIGINT; sum widens
// integers to BIGINT, floats to DOUBLE and decimal(p,s) to
// decimal(min(38,p+10),s); avg is DOUBLE, or decimal(p+4,s+4) capped.
func AggResultType(call *AggCall, argTypes []types.DataType) (types.DataType, bool, error) {
	name := aggName(call)
	if _, ok := aggregates[name]; !ok {
		return nil, false, unknownFunction(call.Name)
	}
	if name == "count" || name == "count_if" {
		return types.Long, false, nil
	}
	if len(argTypes) != 1 {
		return nil, false, &AnalysisError{Class: "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
			Message: fmt.Sprintf("The `%s` requires 1 parameters but the actual number is %d.", name, len(argTypes)), kind: ErrWrongArgs}
	}
	t := argTypes[0]
	switch name {
	case "sum":
		switch t := t.(type) {
		case decT:
			return boundedDecimal(t.Precision+10, t.Scale), true, nil
		case types.FloatType, types.DoubleType:
			return types.Double, true, nil
		}
		if types.IsIntegral(t) {
			return types.Long, true, nil
		}
	case "avg":
		if d, ok := t.(decT); ok {
			return boundedDecimal(d.Precision+4, d.Scale+4), true, nil
		}
		if types.IsNumeric(t) {
			return types.Double, true, nil
		}
	case "bit_and", "bit_or", "bit_xor":
		if types.IsIntegral(t) {
			return t, true, nil
		}
	default: // min, max, first, last, bool_and, bool_or
		if orderable(t) {
			return t, true, nil
		}
	}
	return nil, false, mismatch("UNEXPECTED_INPUT_TYPE", call, "%s does not accept %s.", name, quoteType(t))
}

// NewGroupedAccumulator makes the accumulator of an aggregate call whose
// (coerced) arguments have argTypes, allocating from Go's heap.
func NewGroupedAccumulator(call *AggCall, argTypes []types.DataType) (GroupedAccumulator, error) {
	return NewGroupedAccumulatorAlloc(memory.DefaultAllocator, call, argTypes)
}

// NewGroupedAccumulatorAlloc is NewGroupedAccumulator with the allocator
// for the State and Finish arrays. A global aggregate (no GROUP BY) opens
// its single group with Update(nil, 1, nil) so empty input still yields
// one row (count 0, sum NULL).
func NewGroupedAccumulatorAlloc(mem memory.Allocator, call *AggCall, argTypes []types.DataType) (GroupedAccumulator, error) {
	rt, _, err := AggResultType(call, argTypes)
	if err != nil {
		return nil, err
	}
	name := aggName(call)
	switch name {
	case "count":
		if call.Distinct {
			return newDistinctAcc(mem, argTypes, &countAcc{mem: mem}), nil
		}
		return &countAcc{mem: mem, star: call.Star}, nil
	case "sum", "avg":
		acc, err := newSumAvg(mem, name == "avg", argTypes[0], rt)
		if err != nil || !call.Distinct {
			return acc, err
		}
		return newDistinctAcc(mem, argTypes, acc), nil
	case "min", "max", "first", "last":
		return newMinMax(mem, name, argTypes[0])
	case "bool_and":
		return newMinMax(mem, "min", argTypes[0])
	case "bool_or":
		return newMinMax(mem, "max", argTypes[0])
	case "count_if":
		return &countIfAcc{mem: mem}, nil
	case "bit_and", "bit_or", "bit_xor":
		return &bitAcc{mem: mem, op: name, t: argTypes[0]}, nil
	}
	return nil, fmt.Errorf("expr: aggregate %s: %w", name, ErrUnsupported)
}

func grow[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	if cap(s) >= n {
		return s[:n]
	}
	out := make([]T, n, max(n, 2*cap(s)))
	copy(out, s)
	return out
}

func int64Array(mem memory.Allocator, vals []int64, valid []bool) arrow.Array {
	v := newBitmap(mem, len(vals), true)
	o := newFixedOut[int64](mem, len(vals), v)
	copy(o.vals, vals)
	for i := range valid {
		if !valid[i] {
			v.clear(i)
		}
	}
	return o.finish(arrow.PrimitiveTypes.Int64)
}

// ---- count ----

type countAcc struct {
	mem    memory.Allocator
	star   bool
	counts []int64
}

func (a *countAcc) Update(groups []uint32, numGroups int, args []arrow.Array) error {
	a.counts = grow(a.counts, numGroups)
	if a.star || len(args) == 0 {
		for _, g := range groups {
			a.counts[g]++
		}
		return nil
	}
	// count(a, b, ...) counts rows where every argument is non-null.
	valid := validityOf(a.mem, len(groups), args...)
	defer valid.buf.Release()
	for i, g := range groups {
		if valid.get(i) {
			a.counts[g]++
		}
	}
	return nil
}

func (a *countAcc) State() ([]arrow.Array, error) {
	return []arrow.Array{int64Array(a.mem, a.counts, nil)}, nil
}
func (a *countAcc) StateTypes() []types.DataType { return []types.DataType{types.Long} }
func (a *countAcc) MergeState(groups []uint32, numGroups int, state []arrow.Array) error {
	a.counts = grow(a.counts, numGroups)
	v := values[int64](state[0])
	for i, g := range groups {
		if state[0].IsValid(i) {
			a.counts[g] += v[i]
		}
	}
	return nil
}
func (a *countAcc) Finish() (arrow.Array, error) { return int64Array(a.mem, a.counts, nil), nil }
func (a *countAcc) Release()                     { a.counts = nil }

// ---- sum / avg ----

// sumAvgAcc sums in int64 (wrapping, as Spark's non-ANSI long sum),
// float64, or exact big integers for decimals, and counts non-null inputs.
// State is (sum, count) for both sum and avg so that a restarted stream
// merges exactly what it saved; a group that saw no values has count 0 and
// finishes as NULL.
type sumAvgAcc struct {
	mem      memory.Allocator
	avg      bool
	in       types.DataType
	res      types.DataType
	kind     int // 0 int64, 1 float64, 2 decimal
	inScale  int
	sumType  types.DataType
	ints     []int64
	floats   []float64
	decs     []*big.Int
	counts   []int64
	released bool
}

func newSumAvg(mem memory.Allocator, avg bool, in, res types.DataType) (*sumAvgAcc, error) {
	a := &sumAvgAcc{mem: mem, avg: avg, in: in, res: res}
	switch t := in.(type) {
	case decT:
		a.kind, a.inScale = 2, t.Scale
		a.sumType = boundedDecimal(t.Precision+10, t.Scale)
	case types.FloatType, types.DoubleType:
		a.kind, a.sumType = 1, types.Double
	default:
		if !types.IsIntegral(in) {
			return nil, fmt.Errorf("expr: sum of %s: %w", in.SQL(), ErrUnsupported)
		}
		a.kind, a.sumType = 0, types.Long
		if avg {
			a.kind, a.sumType = 1, types.Double
		}
	}
	return a, nil
}

func (a *sumAvgAcc) grow(n int) {
	a.counts = grow(a.counts, n)
	switch a.kind {
	case 0:
		a.ints = grow(a.ints, n)
	case 1:
		a.floats = grow(a.floats, n)
	case 2:
		a.decs = grow(a.decs, n)
	}
}

func (a *sumAvgAcc) Update(groups []uint32, numGroups int, args []arrow.Array) error {
	a.grow(numGroups)
	if len(groups) == 0 {
		return nil
	}
	return a.add(groups, args[0], nil)
}

// add folds values (and, when merging, counts) into the groups.
func (a *sumAvgAcc) add(groups []uint32, col arrow.Array, counts []int64) error {
	bits, off := validBits(col)
	ok := func(i int) bool { return bits == nil || bitIsSet(bits, off+i) }
	inc := func(i int, g uint32) {
		if counts != nil {
			a.counts[g] += counts[i]
		} else {
			a.counts[g]++
		}
	}
	switch a.kind {
	case 0:
		r, err := intReader(col)
		if err != nil {
			return err
		}
		if v, fast := col.(*array.Int64); fast {
			vals := v.Int64Values()
			for i, g := range groups {
				if ok(i) {
					a.ints[g] += vals[i]
					inc(i, g)
				}
			}
			return nil
		}
		for i, g := range groups {
			if ok(i) {
				a.ints[g] += r(i)
				inc(i, g)
			}
		}
	case 1:
		if v, fast := col.(*array.Float64); fast {
			vals := v.Float64Values()
			for i, g := range groups {
				if ok(i) {
					a.floats[g] += vals[i]
					inc(i, g)
				}
			}
			return nil
		}
		t := a.in
		if counts != nil {
			t = types.Double
		}
		r, err := floatReader(col, t)
		if err != nil {
			return err
		}
		for i, g := range groups {
			if ok(i) {
				a.floats[g] += r(i)
				inc(i, g)
			}
		}
	case 2:
		vals := decValues(col)
		for i, g := range groups {
			if ok(i) {
				if a.decs[g] == nil {
					a.decs[g] = new(big.Int)
				}
				a.decs[g].Add(a.decs[g], vals[i].BigInt())
				inc(i, g)
			}
		}
	}
	return nil
}

func (a *sumAvgAcc) StateTypes() []types.DataType { return []types.DataType{a.sumType, types.Long} }

func (a *sumAvgAcc) sumArray(nullEmpty bool) (arrow.Array, error) {
	n := len(a.counts)
	switch a.kind {
	case 0:
		valid := make([]bool, n)
		for i, c := range a.counts {
			valid[i] = !nullEmpty || c > 0
		}
		return int64Array(a.mem, a.ints, valid), nil
	case 1:
		v := newBitmap(a.mem, n, true)
		o := newFixedOut[float64](a.mem, n, v)
		copy(o.vals, a.floats)
		for i, c := range a.counts {
			if nullEmpty && c == 0 {
				v.clear(i)
			}
		}
		return o.finish(arrow.PrimitiveTypes.Float64), nil
	}
	st := a.sumType.(decT)
	bld := array.NewDecimal128Builder(a.mem, types.ToArrow(st).(*arrow.Decimal128Type))
	defer bld.Release()
	for i, c := range a.counts {
		if c == 0 || a.decs[i] == nil {
			if nullEmpty {
				bld.AppendNull()
			} else {
				bld.Append(decimal128.Num{})
			}
			continue
		}
		v, ok := fitsDecimal(a.decs[i], st.Precision)
		if !ok {
			bld.AppendNull() // overflow: NULL in non-ANSI mode
			continue
		}
		bld.Append(v)
	}
	return bld.NewArray(), nil
}

func (a *sumAvgAcc) State() ([]arrow.Array, error) {
	s, err := a.sumArray(false)
	if err != nil {
		return nil, err
	}
	return []arrow.Array{s, int64Array(a.mem, a.counts, nil)}, nil
}

func (a *sumAvgAcc) MergeState(groups []uint32, numGroups int, state []arrow.Array) error {
	a.grow(numGroups)
	if len(state) != 2 {
		return fmt.Errorf("expr: %s state: want 2 columns, got %d", a.res.SQL(), len(state))
	}
	return a.add(groups, state[0], values[int64](state[1]))
}

func (a *sumAvgAcc) Finish() (arrow.Array, error) {
	if !a.avg {
		return a.sumArray(true)
	}
	n := len(a.counts)
	switch a.kind {
	case 1:
		v := newBitmap(a.mem, n, true)
		o := newFixedOut[float64](a.mem, n, v)
		for i, c := range a.counts {
			if c == 0 {
				v.clear(i)
				continue
			}
			o.vals[i] = a.floats[i] / float64(c)
		}
		return o.finish(arrow.PrimitiveTypes.Float64), nil
	case 2:
		rt := a.res.(decT)
		bld := array.NewDecimal128Builder(a.mem, types.ToArrow(rt).(*arrow.Decimal128Type))
		defer bld.Release()
		for i, c := range a.counts {
			if c == 0 {
				bld.AppendNull()
				continue
			}
			r := new(big.Rat).SetFrac(a.decs[i], new(big.Int).Mul(pow10(a.inScale), big.NewInt(c)))
			v, ok := fitsDecimal(roundRat(r, rt.Scale), rt.Precision)
			if !ok {
				bld.AppendNull()
				continue
			}
			bld.Append(v)
		}
		return bld.NewArray(), nil
	}
	return nil, fmt.Errorf("expr: avg over %s: %w", a.in.SQL(), ErrUnsupported)
}

func (a *sumAvgAcc) Release() { a.ints, a.floats, a.decs, a.counts = nil, nil, nil, nil }

// ---- min / max / first / last ----

// minMaxAcc keeps one value per group in a typed slice. Its state is the
// value itself (NULL for a group that saw none), so merging a saved state
// is just another Update.
type minMaxAcc struct {
	mem   memory.Allocator
	name  string
	t     types.DataType
	seen  []bool
	store valueStore
}

// valueStore is a growable per-group column of one type.
type valueStore interface {
	grow(n int)
	// better reports whether row i of col should replace group g's value.
	better(col arrow.Array, i int, g uint32, wantMax bool) bool
	set(col arrow.Array, i int, g uint32)
	array(mem memory.Allocator, seen []bool) arrow.Array
}

func newMinMax(mem memory.Allocator, name string, t types.DataType) (*minMaxAcc, error) {
	a := &minMaxAcc{mem: mem, name: name, t: t}
	at := types.ToArrow(t)
	switch t.(type) {
	case types.ByteType:
		a.store = &fixedStore[int8]{at: at, cmp: cmp.Compare[int8]}
	case types.ShortType:
		a.store = &fixedStore[int16]{at: at, cmp: cmp.Compare[int16]}
	case types.IntegerType, dateT:
		a.store = &fixedStore[int32]{at: at, cmp: cmp.Compare[int32]}
	case types.LongType, tsT, tsNTZT:
		a.store = &fixedStore[int64]{at: at, cmp: cmp.Compare[int64]}
	case types.FloatType:
		a.store = &fixedStore[float32]{at: at, cmp: CompareFloat[float32]}
	case types.DoubleType:
		a.store = &fixedStore[float64]{at: at, cmp: CompareFloat[float64]}
	case types.StringType:
		a.store = &stringStore{}
	case types.BooleanType:
		a.store = &boolStore{}
	case decT:
		a.store = &decStore{at: at.(*arrow.Decimal128Type)}
	default:
		return nil, fmt.Errorf("expr: %s of %s: %w", name, t.SQL(), ErrUnsupported)
	}
	return a, nil
}

func (a *minMaxAcc) Update(groups []uint32, numGroups int, args []arrow.Array) error {
	a.seen = grow(a.seen, numGroups)
	a.store.grow(numGroups)
	if len(groups) == 0 {
		return nil
	}
	col := args[0]
	bits, off := validBits(col)
	wantMax := a.name == "max"
	for i, g := range groups {
		if bits != nil && !bitIsSet(bits, off+i) {
			continue
		}
		switch {
		case !a.seen[g]:
		case a.name == "first":
			continue
		case a.name == "last":
		case !a.store.better(col, i, g, wantMax):
			continue
		}
		a.store.set(col, i, g)
		a.seen[g] = true
	}
	return nil
}

func (a *minMaxAcc) State() ([]arrow.Array, error) {
	return []arrow.Array{a.store.array(a.mem, a.seen)}, nil
}
func (a *minMaxAcc) StateTypes() []types.DataType { return []types.DataType{a.t} }
func (a *minMaxAcc) MergeState(groups []uint32, numGroups int, state []arrow.Array) error {
	return a.Update(groups, numGroups, state)
}
func (a *minMaxAcc) Finish() (arrow.Array, error) { return a.store.array(a.mem, a.seen), nil }
func (a *minMaxAcc) Release()                     { a.seen = nil }

type fixedStore[T physical] struct {
	at   arrow.DataType
	vals []T
	cmp  func(x, y T) int
	cur  arrow.Array
	cv   []T
}

func (s *fixedStore[T]) grow(n int) { s.vals = grow(s.vals, n) }
func (s *fixedStore[T]) view(col arrow.Array) []T {
	if s.cur != col {
		s.cur, s.cv = col, values[T](col)
	}
	return s.cv
}
func (s *fixedStore[T]) better(col arrow.Array, i int, g uint32, wantMax bool) bool {
	c := s.cmp(s.view(col)[i], s.vals[g])
	return (wantMax && c > 0) || (!wantMax && c < 0)
}
func (s *fixedStore[T]) set(col arrow.Array, i int, g uint32) { s.vals[g] = s.view(col)[i] }
func (s *fixedStore[T]) array(mem memory.Allocator, seen []bool) arrow.Array {
	s.cur, s.cv = nil, nil
	v := newBitmap(mem, len(seen), true)
	o := newFixedOut[T](mem, len(seen), v)
	copy(o.vals, s.vals)
	for i, ok := range seen {
		if !ok {
			v.clear(i)
		}
	}
	return o.finish(s.at)
}

type stringStore struct{ vals []string }

func (s *stringStore) grow(n int) { s.vals = grow(s.vals, n) }
func (s *stringStore) better(col arrow.Array, i int, g uint32, wantMax bool) bool {
	c := strings.Compare(col.(*array.String).Value(i), s.vals[g])
	return (wantMax && c > 0) || (!wantMax && c < 0)
}

// set clones: the batch's buffers are released after Update.
func (s *stringStore) set(col arrow.Array, i int, g uint32) {
	s.vals[g] = strings.Clone(col.(*array.String).Value(i))
}
func (s *stringStore) array(mem memory.Allocator, seen []bool) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for i, ok := range seen {
		if ok {
			b.Append(s.vals[i])
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray()
}

type boolStore struct{ vals []bool }

func (s *boolStore) grow(n int) { s.vals = grow(s.vals, n) }
func (s *boolStore) better(col arrow.Array, i int, g uint32, wantMax bool) bool {
	v := col.(*array.Boolean).Value(i)
	return (wantMax && v && !s.vals[g]) || (!wantMax && !v && s.vals[g])
}
func (s *boolStore) set(col arrow.Array, i int, g uint32) { s.vals[g] = col.(*array.Boolean).Value(i) }
func (s *boolStore) array(mem memory.Allocator, seen []bool) arrow.Array {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.AppendValues(s.vals[:len(seen)], seen)
	return b.NewArray()
}

type decStore struct {
	at   *arrow.Decimal128Type
	vals []decimal128.Num
}

func (s *decStore) grow(n int) { s.vals = grow(s.vals, n) }
func (s *decStore) better(col arrow.Array, i int, g uint32, wantMax bool) bool {
	c := decValues(col)[i].Cmp(s.vals[g])
	return (wantMax && c > 0) || (!wantMax && c < 0)
}
func (s *decStore) set(col arrow.Array, i int, g uint32) { s.vals[g] = decValues(col)[i] }
func (s *decStore) array(mem memory.Allocator, seen []bool) arrow.Array {
	b := array.NewDecimal128Builder(mem, s.at)
	defer b.Release()
	b.AppendValues(s.vals[:len(seen)], seen)
	return b.NewArray()
}

func bitIsSet(bits []byte, i int) bool { return bits[i>>3]&(1<<(uint(i)&7)) != 0 }
