package expr

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ingotdata/ingot/types"
)

// The contracts below are what the rest of the engine relies on; their
// implementations live in the files of this package named after each
// concern (resolve.go, typecheck.go, cast.go, arith.go, compare.go,
// functions.go, aggregate.go).

// Evaluator computes one bound expression over a batch, vectorized: the
// result is an array with one value per input row, owned by the caller
// (Release it). A constant may be returned as a full-length array.
type Evaluator interface {
	Eval(ctx context.Context, batch arrow.RecordBatch) (arrow.Array, error)
	// Type is the result type; Nullable whether it may hold NULL.
	Type() types.DataType
	Nullable() bool
}

// GroupedAccumulator computes one aggregate function per group, batch by
// batch, for hash aggregation. Group ids are dense, 0..numGroups-1; a new
// group id may appear in any Update call.
type GroupedAccumulator interface {
	// Update folds the argument columns of one batch into the groups named
	// by groups[i] for row i (len(groups) == rows in args).
	Update(groups []uint32, numGroups int, args []arrow.Array) error
	// State returns the partial state of every group, one array per state
	// column (avg: sum, count) with numGroups rows, so a streaming
	// aggregation can checkpoint it and merge it back after a restart.
	State() ([]arrow.Array, error)
	// StateTypes are the types of the State columns.
	StateTypes() []types.DataType
	// MergeState folds previously saved partial states into groups.
	MergeState(groups []uint32, numGroups int, state []arrow.Array) error
	// Finish returns the final value of every group (numGroups rows).
	Finish() (arrow.Array, error)
	// Release frees memory held by the accumulator.
	Release()
}
