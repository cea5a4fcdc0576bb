package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/ingotdata/ingot/storage"
)

// OffsetsDir is the checkpoint directory of the offset log.
const OffsetsDir = "offsets/"

// OffsetSeqMetadata is the batch-wide line of an offsets file, as Spark's
// OffsetSeqMetadata: the event-time watermark and the batch timestamp the
// batch must be re-run with, and the configuration that must not change
// across restarts (shuffle partitions, state format versions).
type OffsetSeqMetadata struct {
	BatchWatermarkMs int64             `json:"batchWatermarkMs"`
	BatchTimestampMs int64             `json:"batchTimestampMs"`
	Conf             map[string]string `json:"conf"`
}

// OffsetSeq is the content of offsets/<batchId>: the batch metadata and, per
// source in the query's source order, the end offset of that source for the
// batch as opaque JSON owned by the source type. A nil entry is a source with
// no offset yet (serialized "-", as Spark does).
type OffsetSeq struct {
	Metadata OffsetSeqMetadata
	Offsets  []json.RawMessage
}

// voidOffset stands for a source with no offset yet.
const voidOffset = "-"

// OffsetLog is the write-ahead log of planned batches: offsets/N is written
// before batch N runs, so a restart re-runs N with exactly these offsets.
type OffsetLog struct{ log batchLog }

// NewOffsetLog returns the offset log of the checkpoint in cp.
func NewOffsetLog(cp storage.Store) *OffsetLog {
	return &OffsetLog{batchLog{cp, OffsetsDir}}
}

// Add writes offsets/batchID. It fails with ErrBatchExists if the batch is
// already planned: a batch's offsets never change once written.
func (l *OffsetLog) Add(ctx context.Context, batchID int64, seq OffsetSeq) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "v%d\n", logVersion)
	md := seq.Metadata
	if md.Conf == nil {
		md.Conf = map[string]string{} // Spark always writes "conf":{...}
	}
	meta, err := json.Marshal(md)
	if err != nil {
		return fmt.Errorf("stream: write %s: %w", l.log.where(batchID), err)
	}
	buf.Write(meta)
	for i, o := range seq.Offsets {
		buf.WriteByte('\n')
		if o == nil {
			buf.WriteString(voidOffset)
			continue
		}
		var c bytes.Buffer
		if err := json.Compact(&c, o); err != nil {
			return fmt.Errorf("stream: write %s: offset of source %d: %w", l.log.where(batchID), i, err)
		}
		buf.Write(c.Bytes())
	}
	return l.log.put(ctx, batchID, buf.Bytes())
}

// Get reads offsets/batchID; a missing batch is ErrBatchNotFound.
func (l *OffsetLog) Get(ctx context.Context, batchID int64) (OffsetSeq, error) {
	lines, err := l.log.get(ctx, batchID)
	if err != nil {
		return OffsetSeq{}, err
	}
	where := l.log.where(batchID)
	if len(lines) == 0 {
		return OffsetSeq{}, fmt.Errorf("stream: read %s line 2: missing batch metadata", where)
	}
	var seq OffsetSeq
	if err := json.Unmarshal([]byte(lines[0]), &seq.Metadata); err != nil {
		return OffsetSeq{}, fmt.Errorf("stream: read %s line 2: %w", where, err)
	}
	for i, line := range lines[1:] {
		if line == voidOffset {
			seq.Offsets = append(seq.Offsets, nil)
			continue
		}
		if !json.Valid([]byte(line)) {
			return OffsetSeq{}, fmt.Errorf("stream: read %s line %d: offset of source %d is not JSON: %q", where, i+3, i, line)
		}
		seq.Offsets = append(seq.Offsets, json.RawMessage(line))
	}
	return seq, nil
}

// Latest returns the highest planned batch; ok is false for an empty log.
func (l *OffsetLog) Latest(ctx context.Context) (batchID int64, seq OffsetSeq, ok bool, err error) {
	id, ok, err := l.log.latest(ctx)
	if err != nil || !ok {
		return -1, OffsetSeq{}, false, err
	}
	seq, err = l.Get(ctx, id)
	if err != nil {
		return -1, OffsetSeq{}, false, err
	}
	return id, seq, true, nil
}

// BatchIDs lists the planned batches, ascending.
func (l *OffsetLog) BatchIDs(ctx context.Context) ([]int64, error) { return l.log.ids(ctx) }

// Purge deletes the offsets of batches before keepFrom.
func (l *OffsetLog) Purge(ctx context.Context, keepFrom int64) error {
	return l.log.purge(ctx, keepFrom)
}
