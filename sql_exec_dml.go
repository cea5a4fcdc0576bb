package ingot

import (
	"context"
	"fmt"

	"github.com/ingotdata/ingot/internal/sql"
)

// execDeltaDML runs the statements that change or describe a Delta table
// in place: DELETE, UPDATE, MERGE INTO, ALTER TABLE, SHOW TBLPROPERTIES,
// DESCRIBE HISTORY and DESCRIBE DETAIL.
func (s *Session) execDeltaDML(ctx context.Context, stmt sql.Statement) (*DataFrame, error) {
	return nil, fmt.Errorf("ingot: [UNSUPPORTED_FEATURE] statement not supported yet: %s", firstLine(stmt.String()))
}
