package storage

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Memory is an in-process Store for tests.
type Memory struct {
	mu    sync.Mutex
	files map[string]memFile
}

type memFile struct {
	data []byte
	mod  time.Time
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{files: map[string]memFile{}} }

func (m *Memory) URL() string { return "memory://" }

func (m *Memory) Get(ctx context.Context, p string) ([]byte, error) {
	if err := checkKey(p); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.files[p]
	if !ok {
		return nil, fmt.Errorf("storage: get memory://%s: %w", p, ErrNotFound)
	}
	return bytes.Clone(f.data), nil
}

type memReader struct{ *bytes.Reader }

func (memReader) Close() error  { return nil }
func (r memReader) Size() int64 { return r.Reader.Size() }

func (m *Memory) Open(ctx context.Context, p string) (File, error) {
	if err := checkKey(p); err != nil {
		return nil, err
	}
	b, err := m.Get(ctx, p)
	if err != nil {
		return nil, err
	}
	return memReader{bytes.NewReader(b)}, nil
}

func (m *Memory) Put(ctx context.Context, p string, data []byte) error {
	if err := checkKey(p); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[p] = memFile{data: bytes.Clone(data), mod: time.Now()}
	return nil
}

func (m *Memory) PutIfAbsent(ctx context.Context, p string, data []byte) error {
	if err := checkKey(p); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.files[p]; ok {
		return fmt.Errorf("storage: put-if-absent memory://%s: %w", p, ErrExists)
	}
	m.files[p] = memFile{data: bytes.Clone(data), mod: time.Now()}
	return nil
}

func (m *Memory) List(ctx context.Context, prefix string) ([]FileInfo, error) {
	if err := checkKey(prefix); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []FileInfo
	for k, f := range m.files {
		if strings.HasPrefix(k, prefix) {
			out = append(out, FileInfo{Path: k, Size: int64(len(f.data)), ModTime: f.mod})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (m *Memory) Stat(ctx context.Context, p string) (FileInfo, error) {
	if err := checkKey(p); err != nil {
		return FileInfo{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.files[p]
	if !ok {
		return FileInfo{}, fmt.Errorf("storage: stat memory://%s: %w", p, ErrNotFound)
	}
	return FileInfo{Path: p, Size: int64(len(f.data)), ModTime: f.mod}, nil
}

func (m *Memory) Delete(ctx context.Context, p string) error {
	if err := checkKey(p); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.files, p)
	return nil
}
