// The onboarding wizard (views/console/_wizard.html). A file, not an
// inline script: the pages' Content-Security-Policy allows none.
(function () {
  // Each step is an entry of the browser's history (the server pushes
  // /console/new?step=N), and htmx saves the page just before it swaps the
  // next step in. Copying what was typed into the fields' value attributes
  // first means the browser's Back button restores the step as it was
  // left, input included.
  document.addEventListener("htmx:beforeHistorySave", function () {
    document.querySelectorAll("#wizard input").forEach(function (f) {
      if (f.type !== "hidden" && f.type !== "checkbox" && f.type !== "radio") {
        f.setAttribute("value", f.value);
      }
    });
  });

  // The "please correct" banner goes once no field is marked wrong: a
  // field is unmarked when it is edited, and the address is marked again
  // by its live check while it is still wrong.
  function recheck(form) {
    if (form && !form.querySelector('[aria-invalid="true"]')) {
      var banner = form.querySelector("[data-correct]");
      if (banner) banner.remove();
    }
  }
  document.addEventListener("input", function (e) {
    var f = e.target;
    var form = f.closest && f.closest("#wizard form");
    if (!form || f.getAttribute("aria-invalid") !== "true") return;
    f.removeAttribute("aria-invalid");
    if (f.id !== "f-slug") {
      var id = f.getAttribute("aria-describedby");
      var msg = id && document.getElementById(id);
      if (msg) msg.remove();
    }
    recheck(form);
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (!e.target || e.target.id !== "slug-status") return;
    var input = document.getElementById("f-slug");
    if (!input) return;
    if (e.target.querySelector(".error")) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    recheck(input.closest("form"));
  });
})();
