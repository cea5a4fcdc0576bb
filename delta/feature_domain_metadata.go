package delta

import (
	"fmt"
	"sort"
	"strings"
)

// domainActions turns WriteOptions.DomainMetadata into domainMetadata
// actions, sorted by domain. Domains under the reserved "delta." prefix
// are system-controlled: PROTOCOL.md forbids writers to let users set
// them, and this library understands none it could set itself.
func domainActions(domains map[string]string) ([]Action, error) {
	names := make([]string, 0, len(domains))
	for d := range domains {
		if d == "" {
			return nil, fmt.Errorf("delta: write: domain metadata: empty domain name")
		}
		if strings.HasPrefix(strings.ToLower(d), "delta.") {
			return nil, fmt.Errorf("delta: write: domain %q is system-controlled (delta. prefix) and cannot be set by a write: %w", d, ErrUnsupportedFeature)
		}
		names = append(names, d)
	}
	sort.Strings(names)
	out := make([]Action, len(names))
	for i, d := range names {
		out[i] = Action{DomainMetadata: &DomainMetadata{Domain: d, Configuration: domains[d]}}
	}
	return out, nil
}

// domainConflict returns why a concurrently committed version conflicts
// with a commit writing the given domains: PROTOCOL.md makes two
// overlapping transactions that both write the same domain conflict.
func domainConflict(winner []Action, domains []string) string {
	for _, a := range winner {
		if a.DomainMetadata == nil {
			continue
		}
		for _, d := range domains {
			if a.DomainMetadata.Domain == d {
				return fmt.Sprintf("domain %q was written concurrently", d)
			}
		}
	}
	return ""
}
