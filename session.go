package ingot

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/ingotdata/ingot/internal/catalog"
	"github.com/ingotdata/ingot/internal/plan"
	"github.com/ingotdata/ingot/storage"
)

// Config configures a Session, as SparkSession.builder does.
type Config struct {
	// Warehouse is the directory holding databases and managed tables
	// (spark.sql.warehouse.dir). Default "spark-warehouse".
	Warehouse string
	// Parallelism is the number of worker goroutines (local[N]). Default: the
	// number of CPUs.
	Parallelism int
	// AppName names the application in commitInfo and progress.
	AppName string
	// Conf holds Spark-style settings, e.g. "spark.sql.shuffle.partitions".
	Conf map[string]string
}

// Session is the entry point: it owns the catalog, configuration and the
// streaming queries it started. It is safe for concurrent use.
type Session struct {
	cfg       Config
	warehouse string
	store     storage.Store
	catalog   *catalog.Catalog

	mu        sync.Mutex
	currentDB string
	conf      map[string]string
	streams   *StreamingQueryManager
}

// NewSession opens the warehouse and its catalog. It writes nothing: the
// warehouse directory and the catalog's files are created by the first
// write that needs them, so a warehouse that cannot be written (read-only,
// full, or below a path that is not a directory) can still be opened and
// queried; writes to it then fail with the file system's error.
func NewSession(ctx context.Context, cfg Config) (*Session, error) {
	if cfg.Warehouse == "" {
		cfg.Warehouse = "spark-warehouse"
	}
	if cfg.Parallelism <= 0 {
		cfg.Parallelism = runtime.NumCPU()
	}
	abs, err := filepath.Abs(cfg.Warehouse)
	if err != nil {
		return nil, fmt.Errorf("ingot: warehouse %s: %w", cfg.Warehouse, err)
	}
	store, err := storage.NewLocal(abs)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Open(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("ingot: open catalog in %s: %w", abs, err)
	}
	conf := map[string]string{}
	for k, v := range cfg.Conf {
		conf[k] = v
	}
	s := &Session{cfg: cfg, warehouse: abs, store: store, catalog: cat, currentDB: "default", conf: conf}
	s.streams = newStreamingQueryManager()
	return s, nil
}

// Warehouse is the absolute warehouse directory.
func (s *Session) Warehouse() string { return s.warehouse }

// Parallelism is the number of worker goroutines queries use.
func (s *Session) Parallelism() int { return s.cfg.Parallelism }

// CurrentDatabase is the database unqualified table names resolve in.
func (s *Session) CurrentDatabase() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.currentDB
}

// SetConf sets a configuration value.
func (s *Session) SetConf(key, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conf[key] = value
}

// GetConf returns a configuration value, or def when unset.
func (s *Session) GetConf(key, def string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.conf[key]; ok {
		return v
	}
	return def
}

func (s *Session) confBool(key string, def bool) bool {
	v := s.GetConf(key, strconv.FormatBool(def))
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return def
	}
	return b
}

func (s *Session) execOptions() plan.ExecOptions {
	return plan.ExecOptions{Parallelism: s.cfg.Parallelism}
}

// Streams lists and awaits the streaming queries this session started.
func (s *Session) Streams() *StreamingQueryManager { return s.streams }

// Close stops the session's active streaming queries.
func (s *Session) Close() error {
	return s.streams.stopAll()
}
