package stream

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrDifferentTable: a Delta source offset belongs to another table.
var ErrDifferentTable = errors.New("stream: offset of a different Delta table")

// DeltaSourceOffsetVersion is the sourceVersion this build writes and reads.
const DeltaSourceOffsetVersion = 1

// DeltaSourceOffset is the offset of a Delta table read as a stream, with
// the fields and JSON of Spark's DeltaSourceOffset: the position is the
// action Index within commit ReservoirVersion (-1: before the commit's first
// file); IsStartingVersion marks the initial snapshot being streamed, whose
// files are indexed in snapshot order rather than commit order.
type DeltaSourceOffset struct {
	SourceVersion     int64  `json:"sourceVersion"`
	ReservoirID       string `json:"reservoirId"` // the table's metaData id
	ReservoirVersion  int64  `json:"reservoirVersion"`
	Index             int64  `json:"index"`
	IsStartingVersion bool   `json:"isStartingVersion"`
}

// JSON is the offset as written to the offset log.
func (o DeltaSourceOffset) JSON() json.RawMessage {
	if o.SourceVersion == 0 {
		o.SourceVersion = DeltaSourceOffsetVersion
	}
	b, _ := json.Marshal(o)
	return b
}

// ParseDeltaSourceOffset reads a Delta source offset, checking that it
// belongs to the table reservoirID (a checkpoint reused for another table
// must fail, not silently skip data). reservoirID "" skips the check.
func ParseDeltaSourceOffset(raw json.RawMessage, reservoirID string) (DeltaSourceOffset, error) {
	var o DeltaSourceOffset
	if err := json.Unmarshal(raw, &o); err != nil {
		return o, fmt.Errorf("stream: delta source offset %s: %w", raw, err)
	}
	if o.SourceVersion < 1 || o.SourceVersion > DeltaSourceOffsetVersion {
		return o, fmt.Errorf("stream: delta source offset %s: sourceVersion %d, this build reads %d: %w", raw, o.SourceVersion, DeltaSourceOffsetVersion, ErrUnsupportedLogVersion)
	}
	if reservoirID != "" && o.ReservoirID != reservoirID {
		return o, fmt.Errorf("[DIFFERENT_DELTA_TABLE_READ_BY_STREAMING_SOURCE] The streaming query was reading from an unexpected Delta table (id = '%s'). It used to read from another Delta table (id = '%s') according to checkpoint: %w", reservoirID, o.ReservoirID, ErrDifferentTable)
	}
	return o, nil
}
