package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/ingotdata/ingot/storage"
)

// MetadataFile is the checkpoint file holding the query id.
const MetadataFile = "metadata"

// QueryMetadata is the content of <checkpoint>/metadata: {"id":"<uuid>"}.
type QueryMetadata struct {
	ID string `json:"id"`
}

// LoadOrCreateMetadata returns the query id recorded in the checkpoint,
// writing a new random one on first start. The id persists across restarts
// (a run id, by contrast, is new per run). Two processes starting on an
// empty checkpoint at once agree on the id: only one put-if-absent wins and
// the loser reads the winner's file.
func LoadOrCreateMetadata(ctx context.Context, cp storage.Store) (QueryMetadata, error) {
	m, err := readMetadata(ctx, cp)
	if err == nil || !errors.Is(err, storage.ErrNotFound) {
		return m, err
	}
	m = QueryMetadata{ID: uuid.NewString()}
	b, _ := json.Marshal(m)
	if err := cp.PutIfAbsent(ctx, MetadataFile, b); err != nil {
		if errors.Is(err, storage.ErrExists) {
			return readMetadata(ctx, cp)
		}
		return QueryMetadata{}, fmt.Errorf("stream: write %s/%s: %w", cp.URL(), MetadataFile, err)
	}
	return m, nil
}

func readMetadata(ctx context.Context, cp storage.Store) (QueryMetadata, error) {
	b, err := cp.Get(ctx, MetadataFile)
	if err != nil {
		return QueryMetadata{}, err
	}
	var m QueryMetadata
	if err := json.Unmarshal(b, &m); err != nil {
		return QueryMetadata{}, fmt.Errorf("stream: %s/%s: %w", cp.URL(), MetadataFile, err)
	}
	if _, err := uuid.Parse(m.ID); err != nil {
		return QueryMetadata{}, fmt.Errorf("stream: %s/%s: bad query id %q: %w", cp.URL(), MetadataFile, m.ID, err)
	}
	return m, nil
}
