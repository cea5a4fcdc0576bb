package ingot

import (
	"context"
	"fmt"

	"github.com/ingotdata/ingot/internal/sql"
)

// execMaintenance runs Delta table maintenance: OPTIMIZE, VACUUM and
// RESTORE TABLE.
func (s *Session) execMaintenance(ctx context.Context, stmt sql.Statement) (*DataFrame, error) {
	return nil, fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] statement not supported yet: %s", firstLine(stmt.String()))
}
