/* Behaviour shared by every page, kept out of the markup: the Content-Security-Policy (xinfang/core/csp.py)
 * runs no inline script or on…= handler. Every page works without this file. */
(function () {
  "use strict";

  // The language menu switches at once (the form also has a button for browsers without JavaScript).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-submit-on-change") && el.form) {
      el.form.submit();
    }
  });

  // Enter in a search box that htmx drives searches at once. Chromium fires "search" on Enter by itself, other
  // browsers do not; the default is prevented so that it fires once (htmx evaluates no trigger filters: CSP).
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && el instanceof HTMLInputElement && el.hasAttribute("data-search-on-enter")) {
      event.preventDefault();
      el.dispatchEvent(new Event("search", { bubbles: true }));
    }
  });
})();
