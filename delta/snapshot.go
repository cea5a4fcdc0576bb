package delta

import (
	"strconv"

	"github.com/ingotdata/ingot/types"
)

// Snapshot is the reconciled state of a table at one version. It is
// immutable and safe for concurrent use.
type Snapshot struct {
	table    *Table
	version  int64
	protocol Protocol
	metadata Metadata
	schema   types.StructType
	files    []AddFile
	txns     map[string]Txn
	removes  map[fileKey]*RemoveFile
	domains  map[string]DomainMetadata
	warnings []string
}

// Warnings lists what replay worked around to build the snapshot (an
// unreadable checkpoint it replaced by an older one or the commits).
func (s *Snapshot) Warnings() []string { return s.warnings }

// Version is the table version the snapshot reflects.
func (s *Snapshot) Version() int64 { return s.version }

// Schema is the table schema (partition columns included, in table order).
func (s *Snapshot) Schema() types.StructType { return s.schema }

// Metadata is the latest metaData action.
func (s *Snapshot) Metadata() Metadata { return s.metadata }

// Protocol is the latest protocol action.
func (s *Snapshot) Protocol() Protocol { return s.protocol }

// PartitionColumns are the table's partition columns.
func (s *Snapshot) PartitionColumns() []string { return s.metadata.PartitionColumns }

// Files returns the live files, sorted by path. The slice is shared: do not
// modify it.
func (s *Snapshot) Files() []AddFile { return s.files }

// AppTransactionVersion returns the latest txn version recorded for appID,
// so an exactly-once sink can skip a batch it already committed.
func (s *Snapshot) AppTransactionVersion(appID string) (int64, bool) {
	t, ok := s.txns[appID]
	return t.Version, ok
}

// DomainMetadata returns the configuration of a metadata domain.
func (s *Snapshot) DomainMetadata(domain string) (string, bool) {
	d, ok := s.domains[domain]
	return d.Configuration, ok
}

// checkpointInterval is delta.checkpointInterval (default 10).
func (s *Snapshot) checkpointInterval() int64 {
	if v, err := strconv.ParseInt(s.metadata.Configuration["delta.checkpointInterval"], 10, 64); err == nil && v > 0 {
		return v
	}
	return 10
}
