-- name: OrgIdentity :one
SELECT * FROM org_identity WHERE singleton = 1;

-- name: OrgIdentityCreate :exec
INSERT INTO org_identity (singleton, org_id, created_at) VALUES (1, ?, ?);
