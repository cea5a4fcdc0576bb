package delta

import (
	"errors"
	"testing"

	"github.com/ingotdata/ingot/storage"
)

// TestDomainMetadataWrite: WriteOptions.DomainMetadata adds
// domainMetadata actions and the domainMetadata writer feature (writer
// version 7, listing the features the old protocol implied); snapshots
// return the configurations; system domains are refused.
func TestDomainMetadataWrite(t *testing.T) {
	ctx := t.Context()
	st := storage.NewMemory()
	tbl, _ := Open(ctx, st)
	if _, err := tbl.Write(ctx, ids(0, 1), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Write(ctx, ids(1, 2), WriteOptions{DomainMetadata: map[string]string{"com.example.b": `{"k":2}`, "com.example.a": `{"k":1}`}}); err != nil {
		t.Fatal(err)
	}
	c := commitOf(t, st, 1)
	wantProtocol(t, c.protocol, `{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["appendOnly","domainMetadata","invariants"]}`)
	if c.metadata != nil {
		t.Fatalf("domain metadata changed the table metadata")
	}
	if len(c.domains) != 2 || *c.domains[0] != (DomainMetadata{Domain: "com.example.a", Configuration: `{"k":1}`}) || c.domains[1].Domain != "com.example.b" {
		t.Fatalf("domain actions %+v", c.domains)
	}
	// A second write on the upgraded table needs no protocol action.
	if _, err := tbl.Write(ctx, ids(2, 3), WriteOptions{DomainMetadata: map[string]string{"com.example.a": `{"k":3}`}}); err != nil {
		t.Fatal(err)
	}
	if c := commitOf(t, st, 2); c.protocol != nil || c.info["isBlindAppend"] != true {
		t.Fatalf("second domain write: protocol %+v, isBlindAppend %v", c.protocol, c.info["isBlindAppend"])
	}
	snap, _ := tbl.Snapshot(ctx)
	for domain, want := range map[string]string{"com.example.a": `{"k":3}`, "com.example.b": `{"k":2}`} {
		if got, ok := snap.DomainMetadata(domain); !ok || got != want {
			t.Fatalf("domain %s = %q, %v; want %q", domain, got, ok, want)
		}
	}
	if _, err := tbl.Write(ctx, ids(3, 4), WriteOptions{DomainMetadata: map[string]string{"delta.rowTracking": "{}"}}); !errors.Is(err, ErrUnsupportedFeature) {
		t.Fatalf("system domain: %v, want ErrUnsupportedFeature", err)
	}
	if v, _ := tbl.LatestVersion(ctx); v != 2 {
		t.Fatalf("a refused write committed version %d", v)
	}
}

func TestDomainConflict(t *testing.T) {
	winner := []Action{{CommitInfo: map[string]any{}}, {DomainMetadata: &DomainMetadata{Domain: "app"}}}
	for _, tc := range []struct {
		name     string
		domains  []string
		conflict bool
	}{
		{"same domain", []string{"other", "app"}, true},
		{"other domain", []string{"other"}, false},
		{"no domains", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := domainConflict(winner, tc.domains) != ""; got != tc.conflict {
				t.Fatalf("conflict %v, want %v", got, tc.conflict)
			}
		})
	}
}
