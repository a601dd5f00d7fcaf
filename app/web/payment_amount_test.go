package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Confirming 4.50 against 10.00 due is not "Confirmed" without a word:
// the row asks for an explicit acknowledgement, nothing changes until it
// is given, and the audit log records both amounts.
func TestPaymentDifferentAmountAcknowledged(t *testing.T) {
	w := newWorld(t, envOptions{LoginAttempts: 1000})
	id := itoa(w.pendingPayment(1))
	admin := w.as(thisOrgAdmin, "quadball-canada.localhost")
	before := w.state()
	res := admin.post("/admin/payments/"+id+"/confirm", url.Values{"received": {"4.50"}}, "HX-Request", "true")
	d := doc(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find(`input[name="different"]`).Length() != 1 ||
		!strings.Contains(d.Find(".error").Text(), "is not the 10.00 CAD due") {
		t.Fatalf("different amount: %d %q", res.StatusCode, d.Text())
	}
	if v, _ := d.Find(`input[name="received"]`).Attr("value"); v != "4.50" {
		t.Errorf("typed amount lost: %q", v)
	}
	if w.state() != before {
		t.Fatal("an unacknowledged amount changed the database")
	}
	res = admin.post("/admin/payments/"+id+"/confirm", url.Values{"received": {"4.50"}, "different": {"yes"}}, "HX-Request", "true")
	d = doc(t, res)
	if res.StatusCode != 200 || !strings.Contains(d.Find("strong.ok").Text(), "4.50 CAD received of 10.00 CAD due") {
		t.Fatalf("acknowledged: %d %q", res.StatusCode, d.Text())
	}
	_, d = admin.get("/admin")
	detail := d.Find(`td[data-label="Subject"]`).Text()
	if !strings.Contains(detail, "10.00 CAD due") || !strings.Contains(detail, "4.50 received") {
		t.Errorf("audit detail %q", detail)
	}
}
