package exec

import "strings"

// Explain renders an operator tree, one operator per line, children
// indented by two spaces.
func Explain(op Operator) string { return ExplainTree(op) }

// ExplainTree renders any tree whose nodes describe themselves on one line:
// one node per line, children two spaces deeper than their parent. Logical
// plans (package plan) render through it too, so EXPLAIN shows the logical
// and physical trees in one layout and golden files pin both alike.
func ExplainTree[N interface {
	String() string
	Children() []N
}](root N) string {
	var b strings.Builder
	var walk func(N, int)
	walk = func(n N, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(n.String())
		b.WriteByte('\n')
		for _, c := range n.Children() {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	return b.String()
}
