// accord dashboard: a little plain JavaScript on top of pages that work without it.
"use strict";
(function () {
  // "/" focuses the search box; Escape leaves it.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    var q = document.getElementById("q");
    if (e.key === "/" && !typing && q) {
      e.preventDefault();
      q.focus();
      q.select();
    } else if (e.key === "Escape" && t === q) {
      q.blur();
    }
  });
  // Moving "as of" moves "known at" with it, unless known-at was set apart on purpose.
  var asOf = document.getElementById("as_of");
  var knownAt = document.getElementById("known_at");
  if (asOf && knownAt) {
    var together = asOf.value === knownAt.value;
    knownAt.addEventListener("input", function () { together = asOf.value === knownAt.value; });
    asOf.addEventListener("input", function () { if (together) { knownAt.value = asOf.value; } });
  }
  // Ask before rejecting.
  document.querySelectorAll("form.reject").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm("Reject this proposal?")) { e.preventDefault(); }
    });
  });
})();
