package expr

import (
	"fmt"

	"github.com/ingotdata/ingot/types"
)

func formatValue(v any, t types.DataType) string { return fmt.Sprint(v) }
