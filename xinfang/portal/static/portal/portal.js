/* Citizen portal: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  function ready() {
    // Move focus to the error summary after a failed submission, so it is read out first.
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
    // Print buttons are hidden until JavaScript can make them work.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // A printed receipt shows how its date was computed.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.explain").forEach(function (d) { d.open = true; });
  });

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }

  // After an htmx action on the tracking page: focus the form's error, or else the status message.
  document.addEventListener("htmx:afterSettle", function (event) {
    var live = document.getElementById("track-live");
    if (!live || event.target !== live) { return; }
    var error = live.querySelector(".form-errors, .field-error");
    var status = document.getElementById("action-status");
    if (error) {
      var field = error.closest(".field");
      var input = field ? field.querySelector("input, textarea, select") : null;
      (input || error).focus();
    } else if (status && status.textContent.trim()) {
      status.focus();
    }
  });
})();
