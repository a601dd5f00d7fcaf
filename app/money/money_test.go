package money

import "testing"

func TestFormat(t *testing.T) {
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", 50: "0.50", 5000: "50.00", 123456: "1,234.56", 10000000: "100,000.00", -250: "-2.50"} {
		if got := Format(cents); got != want {
			t.Errorf("Format(%d) = %q, want %q", cents, got, want)
		}
	}
	if got := FormatPlain(123456); got != "1234.56" {
		t.Errorf("FormatPlain = %q", got)
	}
}

func TestParse(t *testing.T) {
	good := map[string]int64{"50": 5000, "50.5": 5050, "50.50": 5050, "1,234.56": 123456, "$ 12.00": 1200, " 0 ": 0, ".5": 50, "100000.00": 10000000}
	for in, want := range good {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "-5", "5.123", "5.", "1e3", "5 00", "12.3.4", "999999999999999999"} {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %d, want an error", in, got)
		}
	}
}
