// Package auth holds the primitives accounts are built on: password hashing
// with argon2id (bounded by a gate, see Gate), and random tokens that are
// stored only as hashes.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. They are encoded in every hash, so
// raising them later still verifies old hashes (and NeedsRehash tells when to
// upgrade one at the next sign-in).
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
	SaltLen uint32
}

// DefaultParams follow OWASP's argon2id recommendation (19 MiB, 2 passes, 1
// lane): about 20-40 ms per hash on one core, so a sign-in stays quick
// while an offline guess stays expensive.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// HashPassword returns an encoded argon2id hash of password
// ($argon2id$v=19$m=...,t=...,p=...$salt$key). It waits for a slot of the
// hashing gate and fails with ErrBusy if none comes in time.
func HashPassword(ctx context.Context, password string) (string, error) {
	var (
		h   string
		err error
	)
	if gerr := gated(ctx, func() { h, err = hashWith(DefaultParams, password) }); gerr != nil {
		return "", gerr
	}
	return h, err
}

func hashWith(p Params, password string) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// ErrBadHash is returned for a stored hash that cannot be parsed.
var ErrBadHash = errors.New("auth: malformed password hash")

func decode(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, ErrBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, ErrBadHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, ErrBadHash
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return Params{}, nil, nil, ErrBadHash
	}
	key, err := enc.DecodeString(parts[5])
	if err != nil {
		return Params{}, nil, nil, ErrBadHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// CheckPassword reports whether password matches the encoded hash, in
// constant time with respect to the key. Like HashPassword it runs in a
// slot of the hashing gate, and fails with ErrBusy if none comes in time.
// A malformed hash is no match.
func CheckPassword(ctx context.Context, encoded, password string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, nil
	}
	var got []byte
	if err := gated(ctx, func() { got = argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen) }); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// dummyHash is verified against when an account does not exist, so that a
// sign-in for an unknown email costs the same time as a wrong password and
// response times do not reveal which emails have accounts. Checking
// against it goes through the same gate, so under load an unknown email
// gets the same ErrBusy as a known one.
var dummyHash, _ = hashWith(DefaultParams, "not a real password, only spends time")

// SpendPasswordTime does the work of one CheckPassword and discards the
// result; its only error is ErrBusy.
func SpendPasswordTime(ctx context.Context, password string) error {
	_, err := CheckPassword(ctx, dummyHash, password)
	return err
}

// NeedsRehash reports whether encoded was made with weaker parameters than
// DefaultParams.
func NeedsRehash(encoded string) bool {
	p, _, _, err := decode(encoded)
	return err != nil || p.Memory < DefaultParams.Memory || p.Time < DefaultParams.Time
}

// NewToken returns a random URL-safe token (256 bits) and the SHA-256 hash
// to store in its place. The token goes into a cookie or a link, never into
// the database.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the stored form of a token. Tokens carry 256 bits of
// randomness, so a fast hash is enough: nobody can guess one to hash.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// Session lifetimes, shared by org and platform sessions: a session lasts
// SessionTTL after its last use, and its expiry is pushed forward at most
// once per SessionTouchEvery so that browsing does not write on every
// request.
const (
	SessionTTL        = 14 * 24 * time.Hour
	SessionTouchEvery = time.Hour
)

// SessionCookie and PlatformSessionCookie are the cookie names on org hosts
// and on the platform host. Cookies are host-only, so even the same name
// could not cross hosts; distinct names make logs and tests unambiguous.
const (
	SessionCookie         = "sid"
	PlatformSessionCookie = "psid"
)
