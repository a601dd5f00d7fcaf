// Package schema embeds the versioned SQL migrations: one set for the platform
// database and one for every organization database. sqlc reads the same files
// to generate the query code, so the schema has a single source of truth.
package schema

import "embed"

// Platform holds the platform database migrations (platform/NNNN_name.sql).
//
//go:embed platform/*.sql
var Platform embed.FS

// Org holds the organization database migrations (org/NNNN_name.sql).
//
//go:embed org/*.sql
var Org embed.FS
