package format

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ingotdata/ingot/batch"
	"github.com/ingotdata/ingot/internal/format/csv"
	"github.com/ingotdata/ingot/internal/format/json"
	"github.com/ingotdata/ingot/internal/format/parquetfile"
	"github.com/ingotdata/ingot/storage"
	"github.com/ingotdata/ingot/types"
)

// ErrNoFiles is returned when a path holds no data files to infer from.
var ErrNoFiles = errors.New("format: no data files")

// Options are Spark reader options; keys are compared case-insensitively.
type Options map[string]string

// NewOptions copies m with lower-cased keys.
func NewOptions(m map[string]string) Options {
	o := Options{}
	for k, v := range m {
		o[strings.ToLower(k)] = v
	}
	return o
}

// Get returns the option's value or def.
func (o Options) Get(key, def string) string {
	if v, ok := o[strings.ToLower(key)]; ok {
		return v
	}
	return def
}

// Bool returns a boolean option; a value that is not a boolean is an error.
func (o Options) Bool(key string, def bool) (bool, error) {
	v, ok := o[strings.ToLower(key)]
	if !ok {
		return def, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return def, fmt.Errorf("format: option %s=%q is not a boolean", key, v)
	}
	return b, nil
}

// Set is a set of files of one format in one store.
type Set struct {
	Store   storage.Store
	Paths   []string // keys in Store, in read order
	Format  string   // "csv", "json" or "parquet"
	Options Options
}

// Open resolves a user path (a file or a directory) to a store rooted at the
// directory and the data files in it. Like Spark, names starting with "_"
// or "." (e.g. _SUCCESS, .crc files, temp files) are not data.
func Open(ctx context.Context, path, format string, opts Options) (*Set, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("format: %s: %w", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("format: [PATH_NOT_FOUND] Path does not exist: %s", abs)
		}
		return nil, fmt.Errorf("format: %s: %w", abs, err)
	}
	if !st.IsDir() {
		store, err := storage.NewLocal(filepath.Dir(abs))
		if err != nil {
			return nil, err
		}
		return &Set{Store: store, Paths: []string{filepath.Base(abs)}, Format: strings.ToLower(format), Options: opts}, nil
	}
	store, err := storage.NewLocal(abs)
	if err != nil {
		return nil, err
	}
	infos, err := ListData(ctx, store, "")
	if err != nil {
		return nil, err
	}
	paths := make([]string, len(infos))
	for i, fi := range infos {
		paths[i] = fi.Path
	}
	return &Set{Store: store, Paths: paths, Format: strings.ToLower(format), Options: opts}, nil
}

// ListData lists the data files under prefix, sorted by path, skipping
// hidden and metadata files.
func ListData(ctx context.Context, store storage.Store, prefix string) ([]storage.FileInfo, error) {
	all, err := store.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, fi := range all {
		if IsDataFile(fi.Path) {
			out = append(out, fi)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// IsDataFile reports whether no path segment starts with "_" or ".".
func IsDataFile(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, "_") || strings.HasPrefix(seg, ".") {
			return false
		}
	}
	return true
}

// Infer merges the schemas of every file in the set.
func (s *Set) Infer(ctx context.Context) (types.StructType, error) {
	if len(s.Paths) == 0 {
		return types.StructType{}, fmt.Errorf("format: [UNABLE_TO_INFER_SCHEMA] Unable to infer schema for %s: %w", strings.ToUpper(s.Format), ErrNoFiles)
	}
	var merged types.StructType
	for i, p := range s.Paths {
		st, err := s.inferOne(ctx, p)
		if err != nil {
			return types.StructType{}, err
		}
		if i == 0 {
			merged = st
			continue
		}
		if merged, err = s.merge(merged, st); err != nil {
			return types.StructType{}, fmt.Errorf("format: merge schema of %s: %w", p, err)
		}
	}
	return merged, nil
}

func (s *Set) merge(a, b types.StructType) (types.StructType, error) {
	switch s.Format {
	case "csv":
		return csv.MergeSchemas(a, b)
	case "json":
		return json.MergeSchemas(a, b)
	}
	if !types.Equal(a, b) {
		return types.StructType{}, fmt.Errorf("format: files have different schemas: %s vs %s", a.SQL(), b.SQL())
	}
	return a, nil
}

func (s *Set) inferOne(ctx context.Context, p string) (types.StructType, error) {
	switch s.Format {
	case "csv":
		data, err := s.Store.Get(ctx, p)
		if err != nil {
			return types.StructType{}, err
		}
		o, err := CSVOptions(s.Options)
		if err != nil {
			return types.StructType{}, err
		}
		return csv.Infer(bytes.NewReader(data), p, o)
	case "json":
		data, err := s.Store.Get(ctx, p)
		if err != nil {
			return types.StructType{}, err
		}
		o, err := JSONOptions(s.Options)
		if err != nil {
			return types.StructType{}, err
		}
		return json.InferBytes(data, p, o)
	case "parquet":
		f, err := s.Store.Open(ctx, p)
		if err != nil {
			return types.StructType{}, err
		}
		r, err := parquetfile.Open(ctx, f, parquetfile.ReadOptions{Path: p})
		if err != nil {
			f.Close()
			return types.StructType{}, fmt.Errorf("format: %s: %w", p, err)
		}
		st, err := types.FromArrowSchema(r.Schema())
		r.Close()
		f.Close()
		return st, err
	}
	return types.StructType{}, fmt.Errorf("format: [UNSUPPORTED_DATA_SOURCE] unknown format %q (csv, json, parquet)", s.Format)
}

// Read streams the rows of every file in order as batches of schema,
// keeping only the columns listed (nil keeps all).
func (s *Set) Read(ctx context.Context, schema types.StructType, columns []int) (batch.Reader, error) {
	return batch.Select(&setReader{set: s, schema: schema, out: schema.ArrowSchema()}, columns), nil
}

// setReader reads the set's files one after another.
type setReader struct {
	set    *Set
	schema types.StructType
	out    *arrow.Schema
	i      int
	cur    batch.Reader
	closer io.Closer
}

func (r *setReader) Schema() *arrow.Schema { return r.out }

func (r *setReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if r.cur == nil {
			if r.i >= len(r.set.Paths) {
				return nil, io.EOF
			}
			p := r.set.Paths[r.i]
			r.i++
			cur, closer, err := r.set.openOne(ctx, p, r.schema)
			if err != nil {
				return nil, err
			}
			r.cur, r.closer = cur, closer
		}
		b, err := r.cur.Next(ctx)
		if errors.Is(err, io.EOF) {
			r.closeCur()
			continue
		}
		return b, err
	}
}

func (r *setReader) closeCur() {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
	if r.closer != nil {
		r.closer.Close()
		r.closer = nil
	}
}

func (r *setReader) Close() error {
	r.closeCur()
	r.i = len(r.set.Paths)
	return nil
}

func (s *Set) openOne(ctx context.Context, p string, schema types.StructType) (batch.Reader, io.Closer, error) {
	switch s.Format {
	case "csv":
		data, err := s.Store.Get(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		o, err := CSVOptions(s.Options)
		if err != nil {
			return nil, nil, err
		}
		r, err := csv.Read(bytes.NewReader(data), p, schema, o)
		return r, nil, err
	case "json":
		data, err := s.Store.Get(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		o, err := JSONOptions(s.Options)
		if err != nil {
			return nil, nil, err
		}
		r, err := json.ReadBytes(data, p, schema, o)
		return r, nil, err
	case "parquet":
		f, err := s.Store.Open(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		r, err := parquetfile.Open(ctx, f, parquetfile.ReadOptions{Path: p, Columns: schema.Names()})
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("format: %s: %w", p, err)
		}
		return r, f, nil
	}
	return nil, nil, fmt.Errorf("format: [UNSUPPORTED_DATA_SOURCE] unknown format %q (csv, json, parquet)", s.Format)
}
