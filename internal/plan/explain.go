package plan

import "strings"

// Explain renders a plan as an indented tree, one node per line, children
// two spaces deeper; the output is stable for golden tests. Bound column
// references print as name#index (the position in the node's input).
func Explain(n Node) string {
	var b strings.Builder
	var walk func(Node, int)
	walk = func(n Node, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(n.String())
		b.WriteByte('\n')
		for _, c := range n.Children() {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}
