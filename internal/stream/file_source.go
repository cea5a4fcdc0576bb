package stream

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ingotdata/ingot/storage"
)

// FileSourceOffset is a file source's offset in offsets/N: the highest
// FileSourceLog offset included in the batch, {"logOffset":K}.
type FileSourceOffset struct {
	LogOffset int64 `json:"logOffset"`
}

// JSON is the offset as written to the offset log.
func (o FileSourceOffset) JSON() json.RawMessage {
	b, _ := json.Marshal(o)
	return b
}

// ParseFileSourceOffset reads a file source offset; Spark also accepts a
// bare number (its pre-2.1 form), so do we.
func ParseFileSourceOffset(raw json.RawMessage) (FileSourceOffset, error) {
	var o FileSourceOffset
	var n int64
	if err := json.Unmarshal(raw, &n); err == nil {
		return FileSourceOffset{LogOffset: n}, nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return o, fmt.Errorf("stream: file source offset %s: %w", raw, err)
	}
	return o, nil
}

// FilePlanOptions tunes PlanFiles.
type FilePlanOptions struct {
	// BaseURL is joined with "/" to a listed path to form the entry's Path
	// (the key of the seen set), e.g. the source store's URL().
	BaseURL string
	// MaxFilesPerTrigger caps the files per batch; <= 0 means no cap.
	MaxFilesPerTrigger int
	// LatestFirst takes the newest files first (Spark's latestFirst), useful
	// to catch up on a large backlog from the recent end.
	LatestFirst bool
}

// PlanFiles picks the files of the next file-source batch from a listing of
// the source directory (paths relative to it, as from a storage.Store rooted
// there): files not in seen, oldest first by (modification time, path), at
// most MaxFilesPerTrigger of them. Hidden files and files under hidden
// directories (a path segment starting with "." or "_", e.g. _SUCCESS,
// .part.crc, _delta_log/) are skipped as Spark's file index does, except
// partition directories (a "_" segment containing "="). The result is ready
// for FileSourceLog.Add; an empty result means no new data. For
// Trigger.AvailableNow the engine lists once at start and plans every batch
// from that same listing, so files arriving later wait for the next run.
func PlanFiles(listing []storage.FileInfo, seen map[string]FileEntry, opts FilePlanOptions) []FileEntry {
	base := opts.BaseURL
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	cand := make([]FileEntry, 0, len(listing))
	for _, f := range listing {
		if hiddenPath(f.Path) {
			continue
		}
		p := base + f.Path
		if _, ok := seen[p]; ok {
			continue
		}
		cand = append(cand, FileEntry{Path: p, Timestamp: f.ModTime.UnixMilli(), BatchID: -1})
	}
	sort.Slice(cand, func(i, j int) bool {
		a, b := cand[i], cand[j]
		if a.Timestamp != b.Timestamp {
			return (a.Timestamp < b.Timestamp) != opts.LatestFirst
		}
		return a.Path < b.Path
	})
	if opts.MaxFilesPerTrigger > 0 && len(cand) > opts.MaxFilesPerTrigger {
		cand = cand[:opts.MaxFilesPerTrigger]
	}
	return cand
}

func hiddenPath(p string) bool {
	if strings.HasSuffix(p, "._COPYING_") { // a copy still in progress
		return true
	}
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, ".") || strings.HasPrefix(seg, "_") && !strings.Contains(seg, "=") {
			return true
		}
	}
	return false
}
