package web

import (
	"bytes"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Enter in a wizard field presses the form's first submit button: it must
// be Next (or Create), never Back.
func TestWizardEnterGoesForward(t *testing.T) {
	w := newWorld(t, envOptions{})
	for step := 1; step <= 4; step++ {
		v := sampleWizard
		v.Step = step
		var buf bytes.Buffer
		if err := w.srv.execute(&buf, "console/_wizard", v); err != nil {
			t.Fatal(err)
		}
		d, err := goquery.NewDocumentFromReader(strings.NewReader(buf.String()))
		if err != nil {
			t.Fatal(err)
		}
		first := d.Find(`form button[type=submit]`).First()
		if val, _ := first.Attr("value"); val == "back" || first.Length() == 0 {
			t.Errorf("step %d: Enter presses %q", step, strings.TrimSpace(first.Text()))
		}
	}
}
