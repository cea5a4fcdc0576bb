package delta

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ingotdata/ingot/internal/format/parquetfile"
)

// checkpointColumns are the checkpoint columns replay needs. remove rows
// are tombstones (kept so the next checkpoint carries them for VACUUM).
// Within add, stats_parsed and partitionValues_parsed are skipped: the JSON
// forms carry the same facts.
// V2 checkpoints add checkpointMetadata (ignored) and sidecar rows, which
// name Parquet files under _delta_log/_sidecars holding the file actions.
var checkpointColumns = []string{"protocol", "metaData", "add", "remove", "txn", "domainMetadata", "sidecar"}

// sidecarAction is the sidecar action of a v2 checkpoint.
type sidecarAction struct {
	Path        string `json:"path"`
	SizeInBytes int64  `json:"sizeInBytes"`
}

// readCheckpoint calls fn with every action of a checkpoint: all parts of
// a classic one in order, or a v2 checkpoint (JSON or Parquet) followed by
// the file actions of its sidecars. It returns the number of actions the
// checkpoint files held. wantBytes, if not 0, is the size the single part
// must have (_last_checkpoint's sizeInBytes): a shorter file is truncated.
func (t *Table) readCheckpoint(ctx context.Context, parts []string, wantBytes int64, fn func(Action) error) (int64, error) {
	var sidecars []string
	var n int64
	collect := func(a Action) error {
		if len(a.Sidecar) > 0 {
			var sc sidecarAction
			if err := json.Unmarshal(a.Sidecar, &sc); err != nil || sc.Path == "" {
				return fmt.Errorf("%w: bad sidecar action %s", ErrCorruptLog, a.Sidecar)
			}
			sidecars = append(sidecars, sc.Path)
			return nil
		}
		if len(a.CheckpointMetadata) > 0 {
			return nil
		}
		return fn(a)
	}
	for _, p := range parts {
		var err error
		var rows int64
		if strings.HasSuffix(p, ".json") {
			rows, err = t.readJSONCheckpoint(ctx, p, collect)
		} else {
			rows, err = t.readCheckpointPart(ctx, p, wantBytes, collect)
		}
		n += rows
		if err != nil {
			return n, fmt.Errorf("delta: checkpoint %s: %w", p, err)
		}
	}
	for _, sc := range sidecars {
		key, err := sidecarKey(sc, t.store.URL())
		if err != nil {
			return n, err
		}
		if _, err := t.readCheckpointPart(ctx, key, 0, fn); err != nil {
			return n, fmt.Errorf("delta: checkpoint sidecar %s: %w", key, err)
		}
	}
	return n, nil
}

// sidecarKey resolves a sidecar action's path: normally a bare file name
// in _delta_log/_sidecars, possibly an absolute URI inside the table.
func sidecarKey(p, root string) (string, error) {
	if strings.Contains(p, "/") || strings.Contains(p, ":") {
		return decodePath(p, root)
	}
	name, err := url.PathUnescape(p)
	if err != nil {
		return "", fmt.Errorf("delta: sidecar path %q: %w: %v", p, ErrCorruptLog, err)
	}
	return logDir + "_sidecars/" + name, nil
}

// readJSONCheckpoint reads a UUID-named v2 checkpoint in JSON form: one
// action a line, like a commit.
func (t *Table) readJSONCheckpoint(ctx context.Context, p string, fn func(Action) error) (int64, error) {
	b, err := t.store.Get(ctx, p)
	if err != nil {
		return 0, err
	}
	actions, err := ParseActions(p, b)
	if err != nil {
		return 0, err
	}
	if len(actions) == 0 {
		return 0, fmt.Errorf("%w: empty checkpoint", ErrCorruptLog)
	}
	for _, a := range actions {
		if err := fn(a); err != nil {
			return 0, err
		}
	}
	return int64(len(actions)), nil
}

// readCheckpointPart reads one Parquet checkpoint file (a part or a
// sidecar), returning its row count (one action a row).
func (t *Table) readCheckpointPart(ctx context.Context, p string, wantBytes int64, fn func(Action) error) (rows int64, err error) {
	// The columns are decoded by type assertions on what the file holds;
	// a damaged file that still parses as Parquet must fail, not crash.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s: decoding checkpoint rows: %v", ErrCorruptLog, p, r)
		}
	}()
	f, err := t.store.Open(ctx, p)
	if err != nil {
		return 0, err
	}
	if wantBytes > 0 && f.Size() != wantBytes {
		f.Close()
		return 0, fmt.Errorf("%w: %d bytes, _last_checkpoint says %d", ErrCorruptLog, f.Size(), wantBytes)
	}
	r, err := parquetfile.Open(ctx, f, parquetfile.ReadOptions{Path: p})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	cols := map[string]int{}
	in := newInterner()
	for i, fld := range r.Schema().Fields() {
		for _, c := range checkpointColumns {
			if fld.Name == c {
				cols[c] = i
			}
		}
	}
	// File actions are decoded column by column (checkpoint_columns.go);
	// the rest goes through Go maps and encoding/json, which keeps the
	// action structs the single definition of their JSON shape.
	for {
		rec, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows += rec.NumRows()
		err = convertCheckpointBatch(rec, cols, in, fn)
		rec.Release()
		if err != nil {
			return rows, err
		}
	}
}

func convertCheckpointBatch(rec arrow.RecordBatch, cols map[string]int, in *interner, fn func(Action) error) error {
	// add and remove rows go through the direct column decoder; the few
	// other actions through the generic JSON path.
	var adds, removes *fileActionColumns
	if ci, ok := cols["add"]; ok {
		adds = newFileActionColumns(rec.Column(ci), in)
	}
	if ci, ok := cols["remove"]; ok {
		removes = newFileActionColumns(rec.Column(ci), in)
	}
	type namedCol struct {
		name string
		col  arrow.Array
	}
	var ncols []namedCol
	for _, name := range checkpointColumns {
		if ci, ok := cols[name]; ok {
			ncols = append(ncols, namedCol{name, rec.Column(ci)})
		}
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		for _, nc := range ncols {
			name, col := nc.name, nc.col
			if col.IsNull(i) {
				continue
			}
			switch {
			case name == "add" && adds != nil:
				if err := fn(Action{Add: adds.add(i)}); err != nil {
					return err
				}
				continue
			case name == "remove" && removes != nil:
				if err := fn(Action{Remove: removes.remove(i)}); err != nil {
					return err
				}
				continue
			}
			v := arrowValue(col, i)
			if name == "add" {
				if m, ok := v.(map[string]any); ok {
					delete(m, "stats_parsed")
					delete(m, "partitionValues_parsed")
				}
			}
			raw, err := json.Marshal(map[string]any{name: v})
			if err != nil {
				return fmt.Errorf("row %d %s: %w", i, name, err)
			}
			var a Action
			if err := json.Unmarshal(raw, &a); err != nil {
				return fmt.Errorf("row %d %s: %w: %v", i, name, ErrCorruptLog, err)
			}
			if err := fn(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// arrowValue converts one cell to the value encoding/json would produce
// for the same field of a JSON commit.
func arrowValue(arr arrow.Array, i int) any {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		m := make(map[string]any, st.NumFields())
		for j, f := range st.Fields() {
			if a.Field(j).IsNull(i) {
				continue
			}
			m[f.Name] = arrowValue(a.Field(j), i)
		}
		return m
	case *array.Map:
		start, end := a.ValueOffsets(i)
		keys, items := a.Keys(), a.Items()
		m := make(map[string]any, end-start)
		for k := start; k < end; k++ {
			m[fmt.Sprint(arrowValue(keys, int(k)))] = arrowValue(items, int(k))
		}
		return m
	case *array.List:
		start, end := a.ValueOffsets(i)
		out := make([]any, 0, end-start)
		for k := start; k < end; k++ {
			out = append(out, arrowValue(a.ListValues(), int(k)))
		}
		return out
	case *array.String:
		return a.Value(i)
	case *array.Binary:
		return base64.StdEncoding.EncodeToString(a.Value(i))
	case *array.Boolean:
		return a.Value(i)
	case *array.Int8:
		return a.Value(i)
	case *array.Int16:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Float32:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	}
	return arr.ValueStr(i)
}
