package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ingotdata/ingot/internal/format"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/internal/source"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// FileSourceSpec is a directory of files of one format read as a stream:
// each batch reads the files that appeared since the previous one.
type FileSourceSpec struct {
	// Set gives the directory's store, the format and its reader options;
	// its Paths are ignored (the source lists the directory each trigger).
	Set    *format.Set
	Schema types.StructType
	// MaxFilesPerTrigger caps the files per batch; <= 0 means all.
	MaxFilesPerTrigger int
}

var _ SourceSpec = (*FileSourceSpec)(nil)

// Description is Spark's FileStreamSource[path].
func (f *FileSourceSpec) Description() string {
	return "FileStreamSource[" + sparkPath(f.Set.Store.URL()) + "]"
}

// Name is the relation name a Scan shows: "<format> <dir>", as batch reads.
func (f *FileSourceSpec) Name() string {
	dir := f.Set.Store.URL()
	if l, ok := f.Set.Store.(*storage.Local); ok {
		dir = l.Root()
	}
	return f.Set.Format + " " + dir
}

// SourceSchema is the Schema field.
func (f *FileSourceSpec) SourceSchema() types.StructType { return f.Schema }

// Open returns the source of one query, logging its files in the
// checkpoint's sources/<sourceID>/.
func (f *FileSourceSpec) Open(ctx context.Context, checkpoint storage.Store, sourceID int) (Source, error) {
	return &fileSource{spec: f, log: NewFileSourceLog(checkpoint, sourceID, DefaultCompactInterval)}, nil
}

// fileSource plans file batches through its FileSourceLog. Like Spark's
// FileStreamSource, LatestOffset writes the next log entry (the files of
// the next batch) before the engine writes offsets/N: the log is the
// record of which file belongs to which batch, and a file in the log is
// never planned again. On restart, entries written but not yet covered by
// an offsets file are handed out first, one log offset per batch, so a file
// is neither skipped nor read twice.
type fileSource struct {
	spec *FileSourceSpec
	log  *FileSourceLog
	seen map[string]FileEntry // loaded lazily from the log
	// pinned is the listing taken by prepareForAvailableNow; nil means list
	// the directory on every trigger.
	pinned []storage.FileInfo
}

func (s *fileSource) Description() string      { return s.spec.Description() }
func (s *fileSource) Schema() types.StructType { return s.spec.Schema }

func (s *fileSource) baseURL() string {
	b := s.spec.Set.Store.URL()
	if !strings.HasSuffix(b, "/") {
		b += "/"
	}
	return b
}

func (s *fileSource) list(ctx context.Context) ([]storage.FileInfo, error) {
	if s.pinned != nil {
		return s.pinned, nil
	}
	files, err := format.ListData(ctx, s.spec.Set.Store, "")
	if err != nil {
		return nil, fmt.Errorf("stream: %s: list: %w", s.Description(), err)
	}
	return files, nil
}

func (s *fileSource) prepareForAvailableNow(ctx context.Context) error {
	files, err := s.list(ctx)
	if err != nil {
		return err
	}
	s.pinned = append([]storage.FileInfo{}, files...)
	return nil
}

func parseLogOffset(raw json.RawMessage) (int64, error) {
	if raw == nil {
		return -1, nil
	}
	o, err := ParseFileSourceOffset(raw)
	if err != nil {
		return 0, err
	}
	return o.LogOffset, nil
}

func (s *fileSource) LatestOffset(ctx context.Context, start json.RawMessage) (json.RawMessage, error) {
	from, err := parseLogOffset(start)
	if err != nil {
		return nil, err
	}
	latest, ok, err := s.log.Latest(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		latest = -1
	}
	if from > latest {
		return nil, fmt.Errorf("stream: %s: offset {\"logOffset\":%d} is beyond the source log (latest %d): %w", s.Description(), from, latest, ErrCorruptCheckpoint)
	}
	if from < latest {
		// Planned by an earlier run but never processed: hand it out now.
		return FileSourceOffset{LogOffset: from + 1}.JSON(), nil
	}
	if s.seen == nil {
		if s.seen, err = s.log.AllFiles(ctx); err != nil {
			return nil, err
		}
	}
	listing, err := s.list(ctx)
	if err != nil {
		return nil, err
	}
	files := PlanFiles(listing, s.seen, FilePlanOptions{BaseURL: s.baseURL(), MaxFilesPerTrigger: s.spec.MaxFilesPerTrigger})
	if len(files) == 0 {
		return start, nil
	}
	next := latest + 1
	if err := s.log.Add(ctx, next, files); err != nil {
		return nil, fmt.Errorf("stream: %s: %w", s.Description(), err)
	}
	for _, f := range files {
		f.BatchID = next
		s.seen[f.Path] = f
	}
	return FileSourceOffset{LogOffset: next}.JSON(), nil
}

func (s *fileSource) GetBatch(ctx context.Context, start, end json.RawMessage) (plan.Source, error) {
	from, err := parseLogOffset(start)
	if err != nil {
		return nil, err
	}
	to, err := parseLogOffset(end)
	if err != nil {
		return nil, err
	}
	base := s.baseURL()
	var paths []string
	for id := from + 1; id <= to; id++ {
		es, err := s.log.Get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("stream: %s: batch files: %w", s.Description(), err)
		}
		for _, e := range es {
			p, ok := strings.CutPrefix(e.Path, base)
			if !ok {
				return nil, fmt.Errorf("stream: %s: logged file %s is outside the source directory %s", s.Description(), e.Path, base)
			}
			paths = append(paths, p)
		}
	}
	set := &format.Set{Store: s.spec.Set.Store, Paths: paths, Format: s.spec.Set.Format, Options: s.spec.Set.Options}
	return source.NewFiles(ctx, set, s.spec.Schema, s.spec.Name())
}
