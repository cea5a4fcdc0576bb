package plan

// rule is one optimizer rewrite of an analyzed plan. Rules must keep the
// plan's output schema (names, types, order) unchanged.
type rule struct {
	name  string
	apply func(Node) Node
}

// rules run in order, the whole list repeated until nothing changes (at
// most maxPasses times).
var rules = []rule{
	{"fold_constants", foldConstants},
	{"push_filters", pushFilters},
	{"collapse_projects", collapseProjects},
	{"push_limit", pushLimit},
	{"prune_columns", pruneColumns},
	{"remove_noop_project", removeNoopProjects},
}

const maxPasses = 4

// Optimize rewrites an analyzed plan into an equivalent, cheaper one:
// constant conditions folded, filters pushed towards (and advertised to)
// the scans, unused scan columns pruned, adjacent projections merged, limits moved below projections, identity projections removed.
func Optimize(n Node) Node {
	for range maxPasses {
		before := Explain(n)
		for _, r := range rules {
			n = r.apply(n)
		}
		if Explain(n) == before {
			break
		}
	}
	return n
}
