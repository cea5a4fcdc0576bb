package stream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/delta"
)

// DeltaSink writes each micro-batch to a Delta table as one commit carrying
// a txn action (appId = query id, version = batch id), which is what makes
// the query exactly-once: a batch re-run after a crash finds its txn in the
// table and writes nothing.
type DeltaSink struct {
	table *delta.Table
	opts  map[string]string
	// Check, when set, wraps each batch's data before it is written, e.g. to
	// enforce the table's CHECK constraints (which need SQL, a layer above
	// this one); checked tells delta the constraints were enforced.
	Check func(ctx context.Context, data batch.Reader) (out batch.Reader, checked bool, err error)
}

// NewDeltaSink returns a sink into table; opts are the writer's options
// with lower-cased keys (mergeschema, overwriteschema, compression,
// partitionby; others such as checkpointlocation are ignored).
func NewDeltaSink(table *delta.Table, opts map[string]string) Sink {
	lower := make(map[string]string, len(opts))
	for k, v := range opts {
		lower[strings.ToLower(k)] = v
	}
	return &DeltaSink{table: table, opts: lower}
}

// Description is Spark's DeltaSink[path].
func (s *DeltaSink) Description() string {
	return "DeltaSink[" + sparkPath(s.table.Store().URL()) + "]"
}

func (s *DeltaSink) checkOutputMode(mode OutputMode) error {
	if mode == Append || mode == Complete {
		return nil
	}
	return fmt.Errorf("stream: [DELTA_UNSUPPORTED_OUTPUT_MODE] Data source %s does not support %s output mode", s.Description(), mode.Spark())
}

func (s *DeltaSink) boolOpt(key string) (bool, error) {
	v, ok := s.opts[key]
	if !ok {
		return false, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, fmt.Errorf("stream: delta sink option %s=%q is not a boolean", key, v)
	}
	return b, nil
}

// AddBatch commits the batch: append mode appends, complete mode replaces
// the table's content. It first checks the table's txn for queryID and
// skips a batch that already landed (a re-run after a crash between the
// Delta commit and commits/N).
func (s *DeltaSink) AddBatch(ctx context.Context, queryID string, batchID int64, data batch.Reader, mode OutputMode) (int64, error) {
	defer data.Close()
	if err := s.checkOutputMode(mode); err != nil {
		return 0, err
	}
	snap, err := s.table.Snapshot(ctx)
	switch {
	case err == nil:
		if v, ok := snap.AppTransactionVersion(queryID); ok && v >= batchID {
			return 0, nil
		}
	case !errors.Is(err, delta.ErrNotATable):
		return 0, fmt.Errorf("stream: delta sink %s batch %d: %w", s.table.Store().URL(), batchID, err)
	}
	opts := delta.WriteOptions{
		Mode:       delta.ModeAppend,
		TxnAppID:   queryID,
		TxnVersion: batchID,
		Operation:  "STREAMING UPDATE",
		OperationParameters: map[string]string{
			"outputMode": mode.Spark(),
			"queryId":    queryID,
			"epochId":    strconv.FormatInt(batchID, 10),
		},
		Compression: s.opts["compression"],
	}
	if mode == Complete {
		opts.Mode = delta.ModeOverwrite
	}
	if opts.MergeSchema, err = s.boolOpt("mergeschema"); err != nil {
		return 0, err
	}
	if opts.OverwriteSchema, err = s.boolOpt("overwriteschema"); err != nil {
		return 0, err
	}
	if mode != Complete {
		opts.OverwriteSchema = false // Delta overwrites a schema only when replacing the data
	}
	if p := strings.TrimSpace(s.opts["partitionby"]); p != "" {
		for _, c := range strings.Split(p, ",") {
			opts.PartitionBy = append(opts.PartitionBy, strings.TrimSpace(c))
		}
	}
	if s.Check != nil {
		var checked bool
		if data, checked, err = s.Check(ctx, data); err != nil {
			return 0, err
		}
		opts.ConstraintsChecked = checked
	}
	var rows atomic.Int64
	if _, err := s.table.Write(ctx, countingReader{data, &rows}, opts); err != nil {
		return 0, fmt.Errorf("stream: delta sink %s batch %d: %w", s.table.Store().URL(), batchID, err)
	}
	return rows.Load(), nil
}

// CheckResume fails when the table lacks the txn of the checkpoint's last
// committed batch: every batch commits txn(queryID, batchID), so a table
// without it was dropped, replaced or restored behind the query's back,
// and resuming would leave out the earlier batches' data.
func (s *DeltaSink) CheckResume(ctx context.Context, queryID string, lastCommitted int64) error {
	snap, err := s.table.Snapshot(ctx)
	if err != nil && !errors.Is(err, delta.ErrNotATable) {
		return fmt.Errorf("stream: delta sink %s: %w", s.table.Store().URL(), err)
	}
	var v int64 = -1
	if err == nil {
		if got, ok := snap.AppTransactionVersion(queryID); ok {
			v = got
		}
	}
	if v < lastCommitted {
		return fmt.Errorf("stream: [STREAMING_SINK_CHECKPOINT_MISMATCH] the checkpoint of query %s has committed batch %d into %s, but the table records only batch %d of it: the table was dropped or replaced while the checkpoint was kept. Delete the checkpoint to start the query over, or restore the table: %w",
			queryID, lastCommitted, s.table.Store().URL(), v, ErrCorruptCheckpoint)
	}
	return nil
}
