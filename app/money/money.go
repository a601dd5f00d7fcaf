// Package money converts amounts between integer cents, which the database
// stores so sums are exact, and the decimal text people read and type.
package money

import (
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
)

// Format renders cents as "1,234.56" (no currency symbol; screens show the
// ISO code beside it, e.g. "1,234.56 CAD").
func Format(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole, frac := cents/100, cents%100
	s := strconv.FormatInt(whole, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + pad2(frac)
	if neg {
		return "-" + out
	}
	return out
}

// FormatPlain renders cents as "1234.56", the value put back into an input.
func FormatPlain(cents int64) string {
	return strings.ReplaceAll(Format(cents), ",", "")
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// ErrFormat is returned for text that is not an amount.
var ErrFormat = errors.New("not an amount")

// Parse reads an amount such as "50", "50.5", "1,234.56" or "$ 50.00" into
// cents. It refuses negative amounts, more than two decimals, and anything
// that is not a plain number, rather than guessing.
func Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "$")
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, ",", "")
	if s == "" || len(s) > 15 {
		return 0, ErrFormat
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if hasFrac && (len(frac) == 0 || len(frac) > 2) {
		return 0, ErrFormat
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, ErrFormat
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrFormat
	}
	var f int64
	if hasFrac {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	return w*100 + f, nil
}

// Reference returns a short code such as "M12-7KQ3" that a payer writes in
// an e-transfer message, so an admin can match money to what it pays for:
// a prefix naming the kind, the row's id, and four random characters
// without look-alikes (no 0/O, 1/I).
func Reference(prefix string, id int64) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 4)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + strconv.FormatInt(id, 10) + "-" + string(b)
}
