package expr

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ingotdata/ingot/types"
)

// aggInput is one Update call: group ids and one argument column.
type aggInput struct {
	groups []uint32
	vals   []any
}

func runAgg(t *testing.T, mem memory.Allocator, acc GroupedAccumulator, argType types.DataType, numGroups int, inputs []aggInput) {
	t.Helper()
	for _, in := range inputs {
		rec := newBatch(t, mem, col("x", argType, in.vals...))
		if err := acc.Update(in.groups, numGroups, []arrow.Array{rec.Column(0)}); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
}

func finishStrings(t *testing.T, mem memory.Allocator, acc GroupedAccumulator, typ types.DataType) string {
	t.Helper()
	out, err := acc.Finish()
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	return joinRow(render(t, mem, out, typ))
}

func TestGroupedAggregates(t *testing.T) {
	dec := types.DecimalType{Precision: 5, Scale: 2}
	d := func(u string) Decimal { return Decimal{Unscaled: u, Scale: 2} }
	// Two batches over three groups; group 2 only ever sees NULL.
	for _, tc := range []struct {
		name   string
		call   *AggCall
		argT   types.DataType
		inputs []aggInput
		want   string
	}{
		{"count", &AggCall{Name: "count", Args: []Expr{nil}}, types.Integer,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{1, 2, nil, nil}}, {[]uint32{1, 0}, []any{5, 6}}}, "2 2 0"},
		{"count star counts nulls", &AggCall{Name: "count", Star: true}, types.Integer,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{1, 2, nil, nil}}, {[]uint32{1, 0}, []any{5, 6}}}, "3 2 1"},
		{"count distinct", &AggCall{Name: "count", Distinct: true, Args: []Expr{nil}}, types.String,
			[]aggInput{{[]uint32{0, 0, 0, 2}, []any{"a", "b", "a", nil}}, {[]uint32{1, 0}, []any{"a", "b"}}}, "2 1 0"},
		{"count distinct doubles folds negative zero", &AggCall{Name: "count", Distinct: true, Args: []Expr{nil}}, types.Double,
			[]aggInput{{[]uint32{0, 0, 0, 2}, []any{0.0, negZero(), "nan", nil}}, {[]uint32{1, 0}, []any{1.5, "nan"}}}, "2 1 0"},
		{"sum distinct", &AggCall{Name: "sum", Distinct: true, Args: []Expr{nil}}, types.Integer,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{2, 2, 2, nil}}, {[]uint32{0, 1, 0}, []any{3, 2, 2}}}, "5 2 NULL"},
		{"avg distinct decimal", &AggCall{Name: "avg", Distinct: true, Args: []Expr{nil}}, dec,
			[]aggInput{{[]uint32{0, 0, 1, 2}, []any{d("100"), d("100"), d("-5"), nil}}, {[]uint32{0}, []any{d("200")}}}, "1.500000 -0.050000 NULL"},
		{"sum int is bigint", &AggCall{Name: "sum", Args: []Expr{nil}}, types.Integer,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{2147483647, 2, 1, nil}}, {[]uint32{1}, []any{-5}}}, "2147483648 -3 NULL"},
		{"sum double", &AggCall{Name: "sum", Args: []Expr{nil}}, types.Double,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{0.5, 2.0, 0.25, nil}}}, "0.75 2.0 NULL"},
		{"sum decimal", &AggCall{Name: "sum", Args: []Expr{nil}}, dec,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{d("99999"), d("1"), d("99999"), nil}}}, "1999.98 0.01 NULL"},
		{"avg", &AggCall{Name: "avg", Args: []Expr{nil}}, types.Double,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{60.0, 75.5, 91.0, nil}}, {[]uint32{0}, []any{nil}}}, "75.5 75.5 NULL"},
		{"avg int", &AggCall{Name: "avg", Args: []Expr{nil}}, types.Integer,
			[]aggInput{{[]uint32{0, 0, 1, 2}, []any{1, 2, 3, nil}}}, "1.5 3.0 NULL"},
		{"avg decimal", &AggCall{Name: "avg", Args: []Expr{nil}}, dec,
			[]aggInput{{[]uint32{0, 0, 1, 2}, []any{d("100"), d("201"), d("-5"), nil}}}, "1.505000 -0.050000 NULL"},
		{"min int", &AggCall{Name: "min", Args: []Expr{nil}}, types.Integer,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{3, 2, -1, nil}}, {[]uint32{1}, []any{-9}}}, "-1 -9 NULL"},
		{"max double NaN is largest", &AggCall{Name: "max", Args: []Expr{nil}}, types.Double,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{3.0, 2.0, "nan", nil}}}, "NaN 2.0 NULL"},
		{"max string", &AggCall{Name: "max", Args: []Expr{nil}}, types.String,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{"Anthony", "b", "Valerie", nil}}}, "Valerie b NULL"},
		{"min timestamp", &AggCall{Name: "min", Args: []Expr{nil}}, types.Timestamp,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{"2024-01-02", "2020-01-01", "2024-01-01 10:00:00", nil}}}, "2024-01-01 10:00:00 2020-01-01 00:00:00 NULL"},
		{"max decimal", &AggCall{Name: "max", Args: []Expr{nil}}, dec,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{d("-1"), d("5"), d("-300"), nil}}}, "-0.01 0.05 NULL"},
		{"max boolean", &AggCall{Name: "max", Args: []Expr{nil}}, types.Boolean,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{false, false, true, nil}}}, "true false NULL"},
		{"first", &AggCall{Name: "first", Args: []Expr{nil}}, types.String,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{"x", "y", "z", nil}}}, "x y NULL"},
		{"last", &AggCall{Name: "last", Args: []Expr{nil}}, types.String,
			[]aggInput{{[]uint32{0, 1, 0, 2}, []any{"x", "y", "z", nil}}}, "z y NULL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			argTypes := []types.DataType{tc.argT}
			rt, _, err := AggResultType(tc.call, argTypes)
			if err != nil {
				t.Fatal(err)
			}
			acc, err := NewGroupedAccumulatorAlloc(mem, tc.call, argTypes)
			if err != nil {
				t.Fatal(err)
			}
			defer acc.Release()
			// "nan" in a double column is NaN.
			for i := range tc.inputs {
				for j, v := range tc.inputs[i].vals {
					if v == "nan" {
						tc.inputs[i].vals[j] = nanValue()
					}
				}
			}
			runAgg(t, mem, acc, tc.argT, 3, tc.inputs)
			if got := finishStrings(t, mem, acc, rt); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			// State round trip: save, merge into a fresh accumulator with the
			// groups reversed, and expect the same results reversed.
			state, err := acc.State()
			if err != nil {
				t.Fatal(err)
			}
			defer releaseAll(state)
			if len(state) != len(acc.StateTypes()) {
				t.Fatalf("%d state columns, %d state types", len(state), len(acc.StateTypes()))
			}
			for i, st := range acc.StateTypes() {
				if !arrow.TypeEqual(state[i].DataType(), types.ToArrow(st)) {
					t.Errorf("state %d is %s, StateTypes says %s", i, state[i].DataType(), st.SQL())
				}
			}
			fresh, err := NewGroupedAccumulatorAlloc(mem, tc.call, argTypes)
			if err != nil {
				t.Fatal(err)
			}
			defer fresh.Release()
			if err := fresh.MergeState([]uint32{2, 1, 0}, 3, state); err != nil {
				t.Fatal(err)
			}
			got := finishStrings(t, mem, fresh, rt)
			want := reverseRows(tc.want, rt)
			if got != want {
				t.Errorf("after MergeState got %s, want %s", got, want)
			}
		})
	}
}

// reverseRows reverses three rendered values (timestamps contain a space).
func reverseRows(s string, t types.DataType) string {
	var parts []string
	fields := splitFields(s)
	if _, ts := t.(types.TimestampType); ts {
		for i := 0; i < len(fields); {
			if fields[i] == "NULL" {
				parts = append(parts, "NULL")
				i++
				continue
			}
			parts = append(parts, fields[i]+" "+fields[i+1])
			i += 2
		}
	} else {
		parts = fields
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return joinRow(parts)
}

func splitFields(s string) []string {
	var out []string
	cur := ""
	for _, c := range s {
		if c == ' ' {
			out = append(out, cur)
			cur = ""
			continue
		}
		cur += string(c)
	}
	return append(out, cur)
}

// Two partial count(DISTINCT) states that saw the same values merge to
// the count of their union, as parallel aggregation needs.
func TestCountDistinctMergeTwoPartials(t *testing.T) {
	mem := checked(t)
	call := &AggCall{Name: "count", Distinct: true, Args: []Expr{nil}}
	argTypes := []types.DataType{types.String}
	part := func(vals ...any) []arrow.Array {
		acc, err := NewGroupedAccumulatorAlloc(mem, call, argTypes)
		if err != nil {
			t.Fatal(err)
		}
		defer acc.Release()
		groups := make([]uint32, len(vals))
		runAgg(t, mem, acc, types.String, 1, []aggInput{{groups, vals}})
		st, err := acc.State()
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	a, b := part("x", "y", "x", nil), part("y", "z")
	defer releaseAll(a)
	defer releaseAll(b)
	acc, _ := NewGroupedAccumulatorAlloc(mem, call, argTypes)
	defer acc.Release()
	for _, st := range [][]arrow.Array{a, b} {
		if err := acc.MergeState([]uint32{0}, 1, st); err != nil {
			t.Fatal(err)
		}
	}
	if got := finishStrings(t, mem, acc, types.Long); got != "3" {
		t.Errorf("count(DISTINCT) of merged partials = %s, want 3", got)
	}
}

// Merging two partial states (as a restarted stream does) must equal
// aggregating everything at once.
func TestAvgMergeTwoPartials(t *testing.T) {
	mem := checked(t)
	call := &AggCall{Name: "avg", Args: []Expr{nil}}
	argTypes := []types.DataType{types.Double}
	part := func(vals ...any) []arrow.Array {
		acc, err := NewGroupedAccumulatorAlloc(mem, call, argTypes)
		if err != nil {
			t.Fatal(err)
		}
		defer acc.Release()
		groups := make([]uint32, len(vals))
		runAgg(t, mem, acc, types.Double, 1, []aggInput{{groups, vals}})
		st, err := acc.State()
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	a, b := part(1.0, 2.0), part(6.0, nil)
	defer releaseAll(a)
	defer releaseAll(b)
	acc, _ := NewGroupedAccumulatorAlloc(mem, call, argTypes)
	defer acc.Release()
	for _, st := range [][]arrow.Array{a, b} {
		if err := acc.MergeState([]uint32{0}, 1, st); err != nil {
			t.Fatal(err)
		}
	}
	if got := finishStrings(t, mem, acc, types.Double); got != "3.0" {
		t.Errorf("avg of merged partials = %s, want 3.0", got)
	}
}

func TestGlobalAggregateOverNoRows(t *testing.T) {
	mem := checked(t)
	for _, tc := range []struct {
		call *AggCall
		want string
	}{
		{&AggCall{Name: "count", Star: true}, "0"},
		{&AggCall{Name: "sum", Args: []Expr{nil}}, "NULL"},
		{&AggCall{Name: "max", Args: []Expr{nil}}, "NULL"},
	} {
		t.Run(tc.call.Name, func(t *testing.T) {
			argTypes := []types.DataType{types.Long}
			rt, _, _ := AggResultType(tc.call, argTypes)
			acc, err := NewGroupedAccumulatorAlloc(mem, tc.call, argTypes)
			if err != nil {
				t.Fatal(err)
			}
			defer acc.Release()
			if err := acc.Update(nil, 1, nil); err != nil {
				t.Fatal(err)
			}
			if got := finishStrings(t, mem, acc, rt); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestAggregateErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		call *AggCall
		args []types.DataType
	}{
		{"avg of string type", &AggCall{Name: "avg"}, []types.DataType{types.Boolean}},
		{"unknown", &AggCall{Name: "median"}, []types.DataType{types.Long}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewGroupedAccumulator(tc.call, tc.args); err == nil {
				t.Error("no error")
			}
		})
	}
}
