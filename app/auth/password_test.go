package auth

import (
	"context"
	"strings"
	"testing"
)

var ctx = context.Background()

// check is CheckPassword for tests that do not expect ErrBusy.
func check(t *testing.T, encoded, password string) bool {
	t.Helper()
	ok, err := CheckPassword(ctx, encoded, password)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if !check(t, h, "correct horse battery staple") {
		t.Error("right password refused")
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple"} {
		if check(t, h, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	h2, _ := HashPassword(ctx, "correct horse battery staple")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if NeedsRehash(h) {
		t.Error("fresh hash needs rehash")
	}
	weak, _ := hashWith(Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, "pw")
	if !NeedsRehash(weak) || !check(t, weak, "pw") {
		t.Error("weak hash: should verify and need a rehash")
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2id$v=19$m=1,t=1,p=1$!!$!!", "$bcrypt$x$y$z$w", "$argon2id$v=18$m=1,t=1,p=1$YQ$YQ"} {
		if check(t, h, "x") {
			t.Errorf("CheckPassword(%q) = true", h)
		}
	}
}

func TestTokens(t *testing.T) {
	a, ha, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewToken()
	if a == b || len(a) < 43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if string(HashToken(a)) != string(ha) || strings.Contains(string(ha), a) {
		t.Fatal("hash mismatch")
	}
}
