-- name: TeamMemberCreate :one
INSERT INTO team_members (team_id, user_id, email, role, status, invited_by, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
RETURNING *;

-- name: TeamMemberGet :one
-- A row of one team (the team in the URL must own it).
SELECT * FROM team_members WHERE id = ? AND team_id = ?;

-- name: TeamMemberOpenForUser :one
-- A person's current place on a team: invited or active.
SELECT * FROM team_members
WHERE team_id = ? AND user_id = ? AND status IN ('invited', 'active');

-- name: TeamMemberSetStatus :execrows
-- Moves a row from one status to the next, once.
UPDATE team_members SET status = sqlc.arg(new_status), responded_at = sqlc.narg(responded_at), updated_at = sqlc.arg(updated_at)
WHERE id = sqlc.arg(id) AND status = sqlc.arg(old_status);

-- name: TeamMemberSetRole :execrows
UPDATE team_members SET role = ?, updated_at = ?
WHERE id = ? AND status = 'active';

-- name: TeamMemberCaptainCount :one
SELECT count(*) FROM team_members WHERE team_id = ? AND status = 'active' AND role = 'captain';

-- name: TeamMemberRoster :many
-- A team's active members and pending invitations, captains first, with
-- what each person lets teammates see (the team package decides who sees
-- it).
SELECT m.id, m.user_id, m.email AS invited_email, m.role, m.status,
    CAST(COALESCE(u.name, '') AS TEXT) AS name,
    CAST(COALESCE(u.email, '') AS TEXT) AS user_email,
    CAST(COALESCE(p.phone, '') AS TEXT) AS phone,
    CAST(COALESCE(p.show_email, FALSE) AS BOOLEAN) AS show_email,
    CAST(COALESCE(p.show_phone, FALSE) AS BOOLEAN) AS show_phone
FROM team_members m
LEFT JOIN users u ON u.id = m.user_id
LEFT JOIN member_profiles p ON p.user_id = m.user_id
WHERE m.team_id = ? AND m.status IN ('invited', 'active')
ORDER BY CASE m.role WHEN 'captain' THEN 0 WHEN 'coach' THEN 1 ELSE 2 END, name COLLATE NOCASE, m.id
LIMIT CAST(sqlc.arg(limit) AS INTEGER);

-- name: TeamMemberUnclaimedCount :one
-- Invitations waiting for an account with this email.
SELECT count(*) FROM team_members WHERE email = ? AND user_id IS NULL AND status = 'invited';

-- name: TeamMemberClaim :execrows
-- Attaches invitations made to an email before it had an account, except
-- to teams where the account already has a place.
UPDATE team_members SET user_id = sqlc.arg(user_id), updated_at = sqlc.arg(updated_at)
WHERE team_members.email = sqlc.arg(email) AND team_members.user_id IS NULL AND team_members.status = 'invited'
  AND NOT EXISTS (SELECT 1 FROM team_members o
      WHERE o.team_id = team_members.team_id AND o.user_id = sqlc.arg(user_id) AND o.status IN ('invited', 'active'));

-- name: TeamMemberDropUnclaimed :exec
-- What TeamMemberClaim could not attach duplicates a place the account
-- already has.
UPDATE team_members SET status = 'removed', updated_at = ?
WHERE email = ? AND user_id IS NULL AND status = 'invited';

-- name: TeamMemberOpenAccountInvitations :one
-- Open invitations to join the organization sent to an email: a team
-- invitation does not replace one (account.Invite would revoke it, and it
-- may be an admin's invitation).
SELECT count(*) FROM invitations
WHERE email = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?;
