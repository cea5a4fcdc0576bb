package plan

import "github.com/ingotdata/ingot/internal/exec"

// Explain renders a plan as an indented tree, one node per line, children
// two spaces deeper (the layout of exec.Explain); the output is stable for
// golden tests. Bound column references print as name#index (the position
// in the node's input).
func Explain(n Node) string { return exec.ExplainTree(n) }
