package ingot

import "os/user"

// currentUser is the owner Spark reports for databases and tables.
func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}
