package delta

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ingotdata/ingot/types"
)

// applyTableFeatures applies the table features a write must honour to
// its plan, once planWrite has resolved the schema and any metadata
// change and before it derives the schema string and the file layout:
// column mapping ids and physical names for new columns, the generated
// columns the data must carry, in-commit timestamp bookkeeping, and the
// protocol upgrade the resulting metadata (and domainMetadata actions)
// need. replace says the write replaces the schema (new table, or an
// overwrite with OverwriteSchema).
func applyTableFeatures(snap *Snapshot, p *writePlan, data types.StructType, replace bool, opts WriteOptions) error {
	if err := refuseVariantWrite(p.schema); err != nil {
		return err
	}
	if p.metadata != nil {
		s, err := assignColumnMapping(p.schema, p.metadata.Configuration, snap, replace)
		if err != nil {
			return err
		}
		p.schema = s
	}
	conf := p.configuration(snap)
	p.mapped = mappingEnabled(conf)
	if p.mapped {
		// A mapped column without a physical name would be written under
		// its display name, which readers of the mapped table may not
		// look for: refuse (only a hand-made or foreign log gets here).
		for _, f := range p.schema.Fields {
			if _, ok := f.Metadata[cmPhysicalName].(string); !ok && f.Name != ChangeTypeColumn {
				return fmt.Errorf("delta: write: column %q of a column-mapped table has no %s: %w", f.Name, cmPhysicalName, ErrUnsupportedFeature)
			}
		}
	}
	if err := applyGenerationExpressions(p, replace, opts); err != nil {
		return err
	}
	if err := checkGeneratedColumnsPresent(p.schema, data); err != nil {
		return err
	}
	planInCommitTimestamps(snap, p)
	var cur *Protocol
	if snap != nil {
		cur = &snap.protocol
	}
	p.protocol = upgradeProtocol(cur, usedFeatures(p.schema, conf, len(opts.DomainMetadata) > 0))
	return nil
}

// configuration is the table configuration as the write commits it.
func (p *writePlan) configuration(snap *Snapshot) map[string]string {
	switch {
	case p.metadata != nil:
		return p.metadata.Configuration
	case snap != nil:
		return snap.metadata.Configuration
	}
	return map[string]string{}
}

// fileField is the Arrow field data files store table column f as: its
// physical name and column id when the table is column-mapped.
func (p *writePlan) fileField(f types.StructField) arrow.Field {
	if p.mapped {
		return physicalFileField(f)
	}
	return arrow.Field{Name: f.Name, Type: types.ToArrow(f.Type), Nullable: f.Nullable}
}

// partitionKey is the key of partition column f in partitionValues (and
// its directory name): the physical name under column mapping.
func (p *writePlan) partitionKey(f types.StructField) string {
	if p.mapped {
		return physicalName(f)
	}
	return f.Name
}

// racedCreateCompatible reports why a create that lost the race to a
// concurrent create cannot be retried as an append onto the winner's
// table even with an equal schema: column-mapped files carry physical
// names (random, so the winner's differ), in-commit timestamps and
// domain metadata need a commit path and protocol the retry would not
// have. Such a write fails with ErrConcurrentModification instead.
func racedCreateCompatible(snap *Snapshot, plan *writePlan, actions []Action) error {
	reason := ""
	switch {
	case plan.mapped || snap.columnMappingMode() != "":
		reason = "column mapping"
	case plan.ict || ictEnabled(snap.metadata.Configuration):
		reason = "in-commit timestamps"
	}
	for _, a := range actions {
		if a.DomainMetadata != nil {
			reason = "domain metadata"
		}
	}
	if reason != "" {
		return fmt.Errorf("delta: table %s was created concurrently and this write uses %s, so it cannot be retried as an append: %w", snap.table.store.URL(), reason, ErrConcurrentModification)
	}
	return nil
}

// metadataForCommit completes a metaData change staged outside Write (a
// transaction's ALTER TABLE or SET TBLPROPERTIES) for the features it
// turns on: new columns of a column-mapped table get ids and physical
// names (and maxColumnId moves on), and the protocol the commit must
// carry is returned (nil when the snapshot's suffices). domains says the
// commit also writes domainMetadata actions.
func metadataForCommit(snap *Snapshot, md Metadata, domains bool) (Metadata, *Protocol, error) {
	schema, err := types.ParseSchema([]byte(md.SchemaString))
	if err != nil {
		return md, nil, fmt.Errorf("delta: metadata: schema: %w", err)
	}
	conf := make(map[string]string, len(md.Configuration)+1)
	for k, v := range md.Configuration {
		conf[k] = v
	}
	if schema, err = assignColumnMapping(schema, conf, snap, false); err != nil {
		return md, nil, err
	}
	b, err := types.MarshalSchema(schema)
	if err != nil {
		return md, nil, fmt.Errorf("delta: metadata: schema: %w", err)
	}
	md.SchemaString, md.Configuration = string(b), conf
	return md, upgradeProtocol(&snap.protocol, usedFeatures(schema, conf, domains)), nil
}
