// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy can refuse
// inline scripts and inline styles.
(function () {
  "use strict";

  // <select data-kirim-saat-ganti>: submit its form when the choice changes (language switch).
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("select[data-kirim-saat-ganti]") && el.form) {
      el.form.submit();
    }
  });

  // [data-lebar="42.50"]: a bar's width in percent (set through the CSSOM, which CSP allows).
  function aturLebar(akar) {
    (akar || document).querySelectorAll("[data-lebar]").forEach(function (el) {
      var n = parseFloat(el.getAttribute("data-lebar"));
      if (!isNaN(n)) el.style.width = Math.max(0, Math.min(100, n)) + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { aturLebar(document); });
  document.addEventListener("htmx:afterSwap", function (e) { aturLebar(e.target); });
})();
