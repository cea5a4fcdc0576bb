package expr

import (
	"errors"
	"testing"

	"github.com/ingotdata/ingot/types"
)

// split_part's part number 0 is an error even in non-ANSI Spark.
func TestSplitPartZeroIndex(t *testing.T) {
	mem := checked(t)
	rec := newBatch(t, mem, col("s", types.String, "a.b"))
	defer rec.Release()
	_, _, err := evalExpr(t, mem, call("split_part", ref(rec, "s"), Lit("."), Lit(0)), rec)
	if !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("err = %v, want ErrInvalidArgument", err)
	}
}
