package delta

import (
	"sort"
	"strings"

	"github.com/ingotdata/ingot/types"
)

// featureVersion is the oldest protocol that supports a table feature
// without table features (writer < 7), or writer 7 for features that only
// exist as named table features; reader marks reader-writer features.
type featureVersion struct {
	reader, writer int
	readerFeature  bool
}

// tableFeatures are the features PROTOCOL.md defines, with the legacy
// protocol versions that imply them ("Writer Version Requirements").
var tableFeatures = map[string]featureVersion{
	"appendOnly":          {1, 2, false},
	"invariants":          {1, 2, false},
	"checkConstraints":    {1, 3, false},
	"changeDataFeed":      {1, 4, false},
	"generatedColumns":    {1, 4, false},
	"columnMapping":       {2, 5, true},
	"identityColumns":     {1, 6, false},
	"timestampNtz":        {3, 7, true},
	"deletionVectors":     {3, 7, true},
	"v2Checkpoint":        {3, 7, true},
	"vacuumProtocolCheck": {3, 7, true},
	"typeWidening":        {3, 7, true},
	"domainMetadata":      {1, 7, false},
	"inCommitTimestamp":   {1, 7, false},
	"rowTracking":         {1, 7, false},
}

// usedFeatures lists the table features a table with this schema and
// configuration needs supported by its protocol, in a fixed order:
// the property- and column-metadata-driven features a write may turn on.
// domains says the commit writes domainMetadata actions.
func usedFeatures(schema types.StructType, conf map[string]string, domains bool) []string {
	var out []string
	isTrue := func(k string) bool { return strings.EqualFold(conf[k], "true") }
	if isTrue("delta.appendOnly") {
		out = append(out, "appendOnly")
	}
	if columnMetadataKey(schema, invariantsKey) != "" {
		out = append(out, "invariants")
	}
	for k := range conf {
		if strings.HasPrefix(k, constraintPrefix) {
			out = append(out, "checkConstraints")
			break
		}
	}
	if isTrue("delta.enableChangeDataFeed") {
		out = append(out, "changeDataFeed")
	}
	if columnMetadataKey(schema, generationExpressionKey) != "" {
		out = append(out, "generatedColumns")
	}
	if m := conf[columnMappingModeKey]; m == "name" || m == "id" {
		out = append(out, "columnMapping")
	}
	if containsNTZ(schema) {
		out = append(out, "timestampNtz")
	}
	if isTrue("delta.enableDeletionVectors") {
		out = append(out, "deletionVectors")
	}
	if domains {
		out = append(out, "domainMetadata")
	}
	if isTrue(ictEnableKey) {
		out = append(out, "inCommitTimestamp")
	}
	return out
}

// protocolSupports reports whether protocol p supports feature f: listed
// in writerFeatures (and readerFeatures for a reader feature at reader
// version 3) at writer version 7, else implied by the legacy versions.
func protocolSupports(p Protocol, f string) bool {
	fv := tableFeatures[f]
	if p.MinWriterVersion >= 7 {
		if !containsString(p.WriterFeatures, f) {
			return false
		}
		if !fv.readerFeature {
			return true
		}
		if p.MinReaderVersion >= 3 {
			return containsString(p.ReaderFeatures, f)
		}
		return f == "columnMapping" && p.MinReaderVersion == 2
	}
	return fv.writer < 7 && p.MinWriterVersion >= fv.writer && p.MinReaderVersion >= fv.reader
}

// upgradeProtocol returns the protocol a commit must carry so the table
// supports every feature in need: nil when cur (the table's protocol, nil
// for a new table) already does. A new table gets the oldest legacy
// protocol (default reader 1 / writer 2) when every feature has one, else
// reader 3 (with a reader feature) or 1 / writer 7 listing just the
// features needed.
//
// Upgrading an existing table to table features lists, besides the new
// ones, every feature its legacy versions implied: PROTOCOL.md ("Table
// Features for New and Existing Tables") makes a writer assume a feature
// of the old protocol was used unless it can prove otherwise, and
// scanning the whole history to prove it is not worth it.
func upgradeProtocol(cur *Protocol, need []string) *Protocol {
	p := Protocol{MinReaderVersion: 1, MinWriterVersion: 2}
	if cur != nil {
		p = *cur
	}
	var missing []string
	legacy := p.MinWriterVersion < 7
	for _, f := range need {
		if protocolSupports(p, f) {
			continue
		}
		missing = append(missing, f)
		if tableFeatures[f].writer >= 7 {
			legacy = false
		}
	}
	if len(missing) == 0 {
		if cur == nil {
			return &p
		}
		return nil
	}
	if legacy {
		for _, f := range missing {
			fv := tableFeatures[f]
			p.MinReaderVersion = max(p.MinReaderVersion, fv.reader)
			p.MinWriterVersion = max(p.MinWriterVersion, fv.writer)
		}
		return &p
	}
	writer, reader := map[string]bool{}, map[string]bool{}
	if p.MinWriterVersion >= 7 {
		for _, f := range p.WriterFeatures {
			writer[f] = true
		}
		for _, f := range p.ReaderFeatures {
			reader[f] = true
		}
		if p.MinReaderVersion == 2 {
			reader["columnMapping"] = true
		}
	} else if cur != nil {
		for f, fv := range tableFeatures {
			if fv.writer < 7 && protocolSupports(p, f) {
				writer[f] = true
				if fv.readerFeature {
					reader[f] = true
				}
			}
		}
	}
	for _, f := range missing {
		writer[f] = true
		if tableFeatures[f].readerFeature {
			reader[f] = true
		}
	}
	p.MinWriterVersion = 7
	p.WriterFeatures = sortedKeys(writer)
	// Reader version 2 already means column mapping; reader version 3
	// is needed only for another reader feature.
	needsReader3 := p.MinReaderVersion >= 3
	for f := range reader {
		needsReader3 = needsReader3 || f != "columnMapping"
	}
	switch {
	case needsReader3:
		p.MinReaderVersion = 3
		p.ReaderFeatures = sortedKeys(reader)
	case reader["columnMapping"]:
		p.MinReaderVersion = 2
		p.ReaderFeatures = nil
	default:
		p.ReaderFeatures = nil
	}
	return &p
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
