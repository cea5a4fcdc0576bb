package catalog

import (
	"fmt"
	"regexp"
	"strings"
)

// matcher compiles a Spark SHOW ... LIKE pattern. As in Spark, the pattern
// is a list of alternatives separated by '|'; in each, '*' matches any
// sequence of characters and the rest is a (case-insensitive) regular
// expression that must match the whole name. An empty pattern matches all.
func matcher(pattern string) (func(string) bool, error) {
	if strings.TrimSpace(pattern) == "" {
		return func(string) bool { return true }, nil
	}
	var res []*regexp.Regexp
	for _, alt := range strings.Split(pattern, "|") {
		alt = strings.TrimSpace(alt)
		re, err := regexp.Compile("(?i)^(?:" + strings.ReplaceAll(alt, "*", ".*") + ")$")
		if err != nil {
			return nil, fmt.Errorf("catalog: invalid pattern %q: %w", pattern, err)
		}
		res = append(res, re)
	}
	return func(name string) bool {
		for _, re := range res {
			if re.MatchString(name) {
				return true
			}
		}
		return false
	}, nil
}
