/* The inbox's keyboard: j / k move to the next / previous row, Enter opens it, / focuses the search box.
 * A static file (the Content-Security-Policy runs no inline script); the page works without it. */
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox-table tbody tr[data-row]"));
  }

  function typing(el) {
    return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ||
      el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable);
  }

  function select(list, index) {
    list.forEach(function (row) { row.removeAttribute("aria-selected"); row.classList.remove("is-current"); });
    var row = list[index];
    if (!row) { return; }
    row.setAttribute("aria-selected", "true");
    row.classList.add("is-current");
    var link = row.querySelector("a[data-row-link]");
    if (link) { link.focus(); }
    row.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var list = rows();
    var current = list.findIndex(function (row) { return row.classList.contains("is-current"); });
    if (event.key === "j" || event.key === "k") {
      if (!list.length) { return; }
      event.preventDefault();
      var next = current < 0 ? 0 : current + (event.key === "j" ? 1 : -1);
      select(list, Math.max(0, Math.min(list.length - 1, next)));
    } else if (event.key === "Enter" && current >= 0 && !(event.target instanceof HTMLAnchorElement)) {
      var link = list[current].querySelector("a[data-row-link]");
      if (link) { event.preventDefault(); link.click(); }
    } else if (event.key === "/") {
      var search = document.querySelector("form.filters input[type=search]");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    }
  });
})();
