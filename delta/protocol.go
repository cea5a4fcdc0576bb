package delta

import (
	"fmt"
	"strings"

	"github.com/ingotdata/ingot/types"
)

// supportedWriterFeatures are the writer features whose obligations this
// library's writes (append, overwrite, create) meet. changeDataFeed needs
// no cdc files for inserts and whole-file removes (rewrites add them with
// WriteChangeFiles); appendOnly is honoured by refusing what it forbids;
// invariants, checkConstraints and generatedColumns by requiring the
// caller's WriteOptions.Validate (feature_constraints.go); columnMapping
// by writing physical names and ids (feature_column_mapping.go);
// inCommitTimestamp by Write's commit path (feature_in_commit_timestamp.go).
// deletionVectors obliges writers to write vectors only on tables with
// delta.enableDeletionVectors (Transaction.UpdateDeletionVector checks it,
// dv_write.go) and to remove a file with the vector it has, which every
// remove here copies from the add.
var supportedWriterFeatures = map[string]bool{
	"appendOnly": true, "invariants": true, "checkConstraints": true, "changeDataFeed": true,
	"timestampNtz": true, "domainMetadata": true, "vacuumProtocolCheck": true, "deletionVectors": true,
	"columnMapping": true, "generatedColumns": true, "inCommitTimestamp": true,
}

// checkWriteSupport refuses to write to a table whose protocol asks writers
// for something this library does not do (identity columns, row ids,
// in-commit timestamps outside Write) or that only the caller can do
// (checking constraints and generated columns, see WriteOptions.Validate). Writing anyway would produce a table other engines
// consider corrupt.
func checkWriteSupport(s *Snapshot, opts WriteOptions) error {
	p, m := s.protocol, s.metadata
	unsupported := func(what string) error {
		return fmt.Errorf("delta: write to %s: %w: %s", s.table.store.URL(), ErrUnsupportedFeature, what)
	}
	if p.MinWriterVersion > 7 {
		return unsupported(fmt.Sprintf("writer version %d", p.MinWriterVersion))
	}
	if p.MinWriterVersion == 7 {
		for _, f := range p.WriterFeatures {
			if !supportedWriterFeatures[f] {
				return unsupported(fmt.Sprintf("writer feature %q", f))
			}
		}
	}
	if strings.EqualFold(m.Configuration["delta.appendOnly"], "true") && opts.Mode == ModeOverwrite {
		return fmt.Errorf("[DELTA_CANNOT_MODIFY_APPEND_ONLY] table %s is append-only (delta.appendOnly=true); overwrite is not allowed: %w", s.table.store.URL(), ErrUnsupportedFeature)
	}
	if f := validatedFeatures(s.schema, m.Configuration); len(f) > 0 && !opts.ConstraintsChecked && opts.Validate == nil {
		return unsupported(f[0] + " (set WriteOptions.Validate to check it)")
	}
	if strings.EqualFold(m.Configuration["delta.enableRowTracking"], "true") {
		return unsupported("rowTracking")
	}
	if ictEnabled(m.Configuration) && !opts.stampsInCommitTimestamp {
		return unsupported("inCommitTimestamp")
	}
	if key := columnMetadataKey(s.schema, "delta.identity.start"); key != "" {
		return unsupported("column " + key)
	}
	return nil
}

// columnMetadataKey returns "<column> (<key>)" for the first field, at any
// depth, whose metadata holds one of keys.
func columnMetadataKey(s types.StructType, keys ...string) string {
	for _, f := range s.Fields {
		for _, k := range keys {
			if _, ok := f.Metadata[k]; ok {
				return f.Name + " (" + k + ")"
			}
		}
		if st, ok := f.Type.(types.StructType); ok {
			if r := columnMetadataKey(st, keys...); r != "" {
				return f.Name + "." + r
			}
		}
	}
	return ""
}

// supportedReaderFeatures are the reader features this library honours.
// timestampNtz needs only the type; vacuumProtocolCheck only concerns
// VACUUM; deletionVectors are applied on scan; columnMapping resolves
// physical names and field ids; v2Checkpoint reads UUID-named checkpoints
// and sidecars; typeWidening casts narrower file types to the table's
// (the Parquet reader casts every column to the wanted type); variantType
// reads a variant column as its stored struct<value, metadata> of binaries
// (variant.go). variantType is not a supported writer feature: writes to
// such tables stay refused.
var supportedReaderFeatures = map[string]bool{
	"timestampNtz": true, "vacuumProtocolCheck": true, "deletionVectors": true,
	"columnMapping": true, "v2Checkpoint": true, "typeWidening": true, "typeWidening-preview": true,
	"variantType": true, "variantType-preview": true,
}

// checkReadSupport fails on any protocol requirement the reader does not
// implement: returning rows without, say, applying deletion vectors would
// be a silently wrong answer.
func checkReadSupport(p *Protocol, m *Metadata) error {
	switch {
	case p.MinReaderVersion > 3:
		return fmt.Errorf("%w: reader version %d", ErrUnsupportedFeature, p.MinReaderVersion)
	case p.MinReaderVersion == 3:
		for _, f := range p.ReaderFeatures {
			if !supportedReaderFeatures[f] {
				return fmt.Errorf("%w: reader feature %q", ErrUnsupportedFeature, f)
			}
		}
	}
	if mode := m.Configuration["delta.columnMapping.mode"]; mode != "" && mode != "none" && mode != "name" && mode != "id" {
		return fmt.Errorf("%w: columnMapping mode %q", ErrUnsupportedFeature, mode)
	}
	return nil
}
