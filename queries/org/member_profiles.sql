-- name: MemberProfileGet :one
SELECT * FROM member_profiles WHERE user_id = ?;

-- name: MemberProfileSave :exec
INSERT INTO member_profiles (user_id, date_of_birth, pronouns, phone, emergency_name,
    emergency_relationship, emergency_phone, show_email, show_phone, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET
    date_of_birth = excluded.date_of_birth, pronouns = excluded.pronouns, phone = excluded.phone,
    emergency_name = excluded.emergency_name, emergency_relationship = excluded.emergency_relationship,
    emergency_phone = excluded.emergency_phone, show_email = excluded.show_email,
    show_phone = excluded.show_phone, updated_at = excluded.updated_at;
