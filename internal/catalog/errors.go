package catalog

import (
	"errors"
	"fmt"
)

// Sentinel errors callers test with errors.Is. The errors the catalog returns
// wrap them in an *Error carrying Spark's error class and message.
var (
	ErrDatabaseExists   = errors.New("catalog: database already exists")
	ErrDatabaseNotFound = errors.New("catalog: database not found")
	ErrDatabaseNotEmpty = errors.New("catalog: database not empty")
	ErrTableExists      = errors.New("catalog: table already exists")
	ErrTableNotFound    = errors.New("catalog: table not found")
	ErrInvalidName      = errors.New("catalog: invalid name")
	ErrUnsupported      = errors.New("catalog: unsupported operation")
)

// Error is a user-facing analysis error: it prints as "[CLASS] message" like
// Spark and unwraps to one of the sentinels above.
type Error struct {
	Class   string // Spark error class, e.g. "TABLE_OR_VIEW_NOT_FOUND"
	Message string
	Err     error // sentinel
}

func (e *Error) Error() string { return "[" + e.Class + "] " + e.Message }
func (e *Error) Unwrap() error { return e.Err }

func quote(parts ...string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += "."
		}
		s += "`" + p + "`"
	}
	return s
}

func errDatabaseExists(db string) error {
	return &Error{"SCHEMA_ALREADY_EXISTS", fmt.Sprintf("Cannot create schema %s because it already exists. Choose a different name, drop the existing schema, or add the IF NOT EXISTS clause to tolerate pre-existing schema.", quote(db)), ErrDatabaseExists}
}

func errDatabaseNotFound(db string) error {
	return &Error{"SCHEMA_NOT_FOUND", fmt.Sprintf("The schema %s cannot be found. Verify the spelling and correctness of the schema and catalog. If you did not qualify the name with a catalog, verify the current_schema() output, or qualify the name with the correct catalog. To tolerate the error on drop use DROP SCHEMA IF EXISTS.", quote(db)), ErrDatabaseNotFound}
}

func errDatabaseNotEmpty(db string) error {
	return &Error{"SCHEMA_NOT_EMPTY", fmt.Sprintf("Cannot drop a schema %s because it contains objects. Use DROP SCHEMA ... CASCADE to drop the schema and all its objects.", quote(db)), ErrDatabaseNotEmpty}
}

func errTableExists(db, t string) error {
	return &Error{"TABLE_OR_VIEW_ALREADY_EXISTS", fmt.Sprintf("Cannot create table or view %s because it already exists. Choose a different name, drop or replace the existing object, or add the IF NOT EXISTS clause to tolerate pre-existing objects.", quote(db, t)), ErrTableExists}
}

func errTableNotFound(db, t string) error {
	return &Error{"TABLE_OR_VIEW_NOT_FOUND", fmt.Sprintf("The table or view %s cannot be found. Verify the spelling and correctness of the schema and catalog. If you did not qualify the name with a schema, verify the current_schema() output, or qualify the name with the correct schema and catalog. To tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.", quote(db, t)), ErrTableNotFound}
}

func errInvalidName(name string) error {
	return &Error{"INVALID_SCHEMA_OR_RELATION_NAME", fmt.Sprintf("%s is not a valid name for tables/schemas. Valid names only contain alphabet characters, numbers and _.", quote(name)), ErrInvalidName}
}

func errDropDefault() error {
	return &Error{"UNSUPPORTED_FEATURE.DROP_DATABASE", "The feature is not supported: Drop the default database `default`.", ErrUnsupported}
}

// ErrLocationConflict: a location overlaps one the catalog already owns, so
// dropping one object could delete another's data, or a managed table's
// location already holds files.
var ErrLocationConflict = errors.New("catalog: location conflict")

func errLocationConflict(msg string) error {
	return &Error{"LOCATION_ALREADY_EXISTS", msg, ErrLocationConflict}
}
