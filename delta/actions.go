package delta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Action is one line of a commit file: exactly one of its fields is set.
// Field names and JSON shapes follow the Delta protocol (PROTOCOL.md).
type Action struct {
	Protocol       *Protocol       `json:"protocol,omitempty"`
	MetaData       *Metadata       `json:"metaData,omitempty"`
	Add            *AddFile        `json:"add,omitempty"`
	Remove         *RemoveFile     `json:"remove,omitempty"`
	Txn            *Txn            `json:"txn,omitempty"`
	CommitInfo     map[string]any  `json:"commitInfo,omitempty"`
	CDC            *AddCDCFile     `json:"cdc,omitempty"`
	DomainMetadata *DomainMetadata `json:"domainMetadata,omitempty"`
	// CheckpointMetadata and Sidecar belong to v2 checkpoints; they are kept
	// raw because this library does not read v2 checkpoints.
	CheckpointMetadata json.RawMessage `json:"checkpointMetadata,omitempty"`
	Sidecar            json.RawMessage `json:"sidecar,omitempty"`
}

// Protocol names the reader and writer versions (and, at versions 3/7, the
// table features) a client needs.
type Protocol struct {
	MinReaderVersion int      `json:"minReaderVersion"`
	MinWriterVersion int      `json:"minWriterVersion"`
	ReaderFeatures   []string `json:"readerFeatures,omitempty"`
	WriterFeatures   []string `json:"writerFeatures,omitempty"`
}

// Format is the data file format of a table (always parquet).
type Format struct {
	Provider string            `json:"provider"`
	Options  map[string]string `json:"options"`
}

// Metadata is the metaData action: schema, partitioning, properties.
type Metadata struct {
	ID               string            `json:"id"`
	Name             string            `json:"name,omitempty"`
	Description      string            `json:"description,omitempty"`
	Format           Format            `json:"format"`
	SchemaString     string            `json:"schemaString"`
	PartitionColumns []string          `json:"partitionColumns"`
	Configuration    map[string]string `json:"configuration"`
	CreatedTime      *int64            `json:"createdTime,omitempty"`
}

// DeletionVector describes rows deleted from a data file.
type DeletionVector struct {
	StorageType    string `json:"storageType"`
	PathOrInlineDv string `json:"pathOrInlineDv"`
	Offset         *int32 `json:"offset,omitempty"`
	SizeInBytes    int32  `json:"sizeInBytes"`
	Cardinality    int64  `json:"cardinality"`
}

// UniqueID identifies the deletion vector within the table, as log replay
// keys files by (path, deletion vector).
func (d *DeletionVector) UniqueID() string {
	if d == nil {
		return ""
	}
	id := d.StorageType + d.PathOrInlineDv
	if d.Offset != nil {
		id += "@" + strconv.Itoa(int(*d.Offset))
	}
	return id
}

// AddFile is the add action: a data file that is part of the table.
// PartitionValues maps every partition column to its serialized value; a
// nil pointer is SQL NULL.
type AddFile struct {
	Path                    string             `json:"path"`
	PartitionValues         map[string]*string `json:"partitionValues"`
	Size                    int64              `json:"size"`
	ModificationTime        int64              `json:"modificationTime"`
	DataChange              bool               `json:"dataChange"`
	Stats                   string             `json:"stats,omitempty"`
	Tags                    map[string]string  `json:"tags,omitempty"`
	DeletionVector          *DeletionVector    `json:"deletionVector,omitempty"`
	BaseRowID               *int64             `json:"baseRowId,omitempty"`
	DefaultRowCommitVersion *int64             `json:"defaultRowCommitVersion,omitempty"`
	ClusteringProvider      string             `json:"clusteringProvider,omitempty"`
}

// RemoveFile is the remove action: a logical file no longer in the table.
type RemoveFile struct {
	Path                    string             `json:"path"`
	DeletionTimestamp       *int64             `json:"deletionTimestamp,omitempty"`
	DataChange              bool               `json:"dataChange"`
	ExtendedFileMetadata    bool               `json:"extendedFileMetadata,omitempty"`
	PartitionValues         map[string]*string `json:"partitionValues,omitempty"`
	Size                    *int64             `json:"size,omitempty"`
	Stats                   string             `json:"stats,omitempty"`
	Tags                    map[string]string  `json:"tags,omitempty"`
	DeletionVector          *DeletionVector    `json:"deletionVector,omitempty"`
	BaseRowID               *int64             `json:"baseRowId,omitempty"`
	DefaultRowCommitVersion *int64             `json:"defaultRowCommitVersion,omitempty"`
}

// AddCDCFile is the cdc action: a change-data file of one commit.
type AddCDCFile struct {
	Path            string             `json:"path"`
	PartitionValues map[string]*string `json:"partitionValues"`
	Size            int64              `json:"size"`
	DataChange      bool               `json:"dataChange"`
	Tags            map[string]string  `json:"tags,omitempty"`
}

// Txn is the txn action: the latest version an application committed,
// which makes streaming writes exactly-once.
type Txn struct {
	AppID       string `json:"appId"`
	Version     int64  `json:"version"`
	LastUpdated *int64 `json:"lastUpdated,omitempty"`
}

// DomainMetadata is a named, opaque configuration stored in the log.
type DomainMetadata struct {
	Domain        string `json:"domain"`
	Configuration string `json:"configuration"`
	Removed       bool   `json:"removed"`
}

// fileKey is how log replay identifies a logical file.
type fileKey struct{ path, dv string }

func (a *AddFile) key() fileKey    { return fileKey{a.Path, a.DeletionVector.UniqueID()} }
func (r *RemoveFile) key() fileKey { return fileKey{r.Path, r.DeletionVector.UniqueID()} }

// ParseActions parses newline-delimited JSON actions; name is used in
// errors (file and line).
func ParseActions(name string, data []byte) ([]Action, error) {
	var out []Action
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		var a Action
		if err := json.Unmarshal(l, &a); err != nil {
			return nil, fmt.Errorf("delta: %s line %d: %w: %v", name, line, ErrCorruptLog, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// MarshalActions encodes actions as a commit file: one JSON object a line.
func MarshalActions(actions []Action) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for i := range actions {
		if err := enc.Encode(&actions[i]); err != nil {
			return nil, fmt.Errorf("delta: encode action %d: %w", i, err)
		}
	}
	return b.Bytes(), nil
}
