package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// Local is a Store over a directory of the local file system. Keys are
// confined to the directory lexically: one climbing above it with ".."
// fails with ErrOutsideRoot. A symbolic link inside the directory is
// followed wherever it points, as the file system does.
type Local struct {
	root string
	// swept holds the directories whose stale temp files this store has
	// already removed (see sweepDir): each is swept once per store.
	swept sync.Map
}

// NewLocal returns a store rooted at dir (which need not exist yet).
func NewLocal(dir string) (*Local, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", dir, err)
	}
	return &Local{root: abs}, nil
}

// Root is the absolute directory of the store.
func (l *Local) Root() string { return l.root }

func (l *Local) URL() string { return "file://" + filepath.ToSlash(l.root) }

// full is the file of key p, or ErrOutsideRoot if p climbs out of the root.
func (l *Local) full(p string) (string, error) {
	f := filepath.Join(l.root, filepath.FromSlash(p))
	rel, err := filepath.Rel(l.root, f)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("storage: %s in %s: %w", p, l.root, ErrOutsideRoot)
	}
	return f, nil
}

func (l *Local) Get(ctx context.Context, p string) ([]byte, error) {
	full, err := l.full(p)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(full)
	if err != nil {
		return nil, l.wrap("get", p, err)
	}
	return b, nil
}

type localFile struct {
	*os.File
	size int64
}

func (f localFile) Size() int64 { return f.size }

func (l *Local) Open(ctx context.Context, p string) (File, error) {
	full, err := l.full(p)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(full)
	if err != nil {
		return nil, l.wrap("open", p, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, l.wrap("open", p, err)
	}
	return localFile{File: f, size: st.Size()}, nil
}

// Put writes to a temp file in the same directory and renames it over the
// key, so readers never observe a partial object.
func (l *Local) Put(ctx context.Context, p string, data []byte) error {
	full, err := l.full(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return l.wrap("put", p, err)
	}
	l.sweepDir(filepath.Dir(full))
	tmp, err := os.CreateTemp(filepath.Dir(full), tempPattern(full))
	if err != nil {
		return l.wrap("put", p, err)
	}
	if err := writeSync(tmp, data); err != nil {
		os.Remove(tmp.Name())
		return l.wrap("put", p, err)
	}
	if err := os.Rename(tmp.Name(), full); err != nil {
		os.Remove(tmp.Name())
		return l.wrap("put", p, err)
	}
	return nil
}

// PutIfAbsent must never expose a torn object under the key, and must let
// exactly one racer win. The content is first written and synced to a temp
// file, then published with link(2), which fails with EEXIST if the key is
// taken: atomic on POSIX file systems, unlike O_EXCL + write.
func (l *Local) PutIfAbsent(ctx context.Context, p string, data []byte) error {
	full, err := l.full(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return l.wrap("put-if-absent", p, err)
	}
	l.sweepDir(filepath.Dir(full))
	tmp, err := os.CreateTemp(filepath.Dir(full), tempPattern(full))
	if err != nil {
		return l.wrap("put-if-absent", p, err)
	}
	defer os.Remove(tmp.Name())
	if err := writeSync(tmp, data); err != nil {
		return l.wrap("put-if-absent", p, err)
	}
	if err := os.Link(tmp.Name(), full); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("storage: put-if-absent %s: %w", p, ErrExists)
		}
		return l.wrap("put-if-absent", p, err)
	}
	return nil
}

func writeSync(f *os.File, data []byte) error {
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (l *Local) List(ctx context.Context, prefix string) ([]FileInfo, error) {
	// Walk only the directory that contains the prefix.
	dir := prefix
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		dir = prefix[:i]
	} else {
		dir = ""
	}
	var out []FileInfo
	base, err := l.full(dir)
	if err != nil {
		return nil, err
	}
	err = l.walk(ctx, base, func(path, rel string, d fs.DirEntry) error {
		if d.IsDir() {
			if path != base && !strings.HasPrefix(rel+"/", prefix) && !strings.HasPrefix(prefix, rel+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(rel, prefix) || isTempName(d.Name()) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		out = append(out, FileInfo{Path: rel, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, l.wrap("list", prefix, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (l *Local) Stat(ctx context.Context, p string) (FileInfo, error) {
	full, err := l.full(p)
	if err != nil {
		return FileInfo{}, err
	}
	st, err := os.Stat(full)
	if err != nil {
		return FileInfo{}, l.wrap("stat", p, err)
	}
	return FileInfo{Path: p, Size: st.Size(), ModTime: st.ModTime()}, nil
}

func (l *Local) Delete(ctx context.Context, p string) error {
	full, err := l.full(p)
	if err != nil {
		return err
	}
	if err := os.Remove(full); err != nil && !notExist(err) {
		return l.wrap("delete", p, err)
	}
	return nil
}

// notExist reports a missing file, including one "inside" a regular file
// (ENOTDIR): no object has such a key.
func notExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

func (l *Local) wrap(op, p string, err error) error {
	if notExist(err) && op != "put" && op != "put-if-absent" {
		return fmt.Errorf("storage: %s %s: %w", op, filepath.Join(l.root, p), ErrNotFound)
	}
	return fmt.Errorf("storage: %s %s: %w", op, filepath.Join(l.root, p), err)
}

// walk visits every entry below base (an absolute path inside the root) with
// its slash-separated path relative to the root. A base or entry that
// vanishes during the walk is skipped; ctx is checked at every entry.
func (l *Local) walk(ctx context.Context, base string, fn func(path, rel string, d fs.DirEntry) error) error {
	return filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if notExist(err) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(l.root, path)
		return fn(path, filepath.ToSlash(rel), d)
	})
}
