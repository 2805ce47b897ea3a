/* The inbox's keyboard: j / k move to the next / previous row, x selects it, Enter opens it, / focuses search.
 * Bulk toolbar: "select every row on this page", a count of the selection, and only the inputs of the chosen
 * action shown (without this script every input is shown and the server reads those of the action).
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

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox-table input[data-select]"));
  }

  function updateSelection() {
    var all = boxes();
    var n = all.filter(function (box) { return box.checked; }).length;
    var page = document.querySelector("#inbox-table input[data-select-all]");
    if (page) {
      page.checked = n > 0 && n === all.length;
      page.indeterminate = n > 0 && n < all.length;
    }
    var count = document.getElementById("bulk-count");
    if (count) { count.textContent = n ? String(n) + " ✓" : ""; }
  }

  function showInputs() {
    var action = document.getElementById("bulk-action");
    if (!action) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-bulk-for]"), function (el) {
      el.hidden = el.getAttribute("data-bulk-for").split(" ").indexOf(action.value) < 0;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) { return; }
    if (target.hasAttribute("data-select-all")) {
      boxes().forEach(function (box) { box.checked = target.checked; });
      updateSelection();
    } else if (target.hasAttribute("data-select")) {
      updateSelection();
    } else if (target.id === "bulk-action") {
      showInputs();
    }
  });

  document.addEventListener("DOMContentLoaded", function () { showInputs(); updateSelection(); });

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
    } else if (event.key === "x" && current >= 0) {
      var box = list[current].querySelector("input[data-select]");
      if (box) { event.preventDefault(); box.checked = !box.checked; updateSelection(); }
    } else if (event.key === "/") {
      var search = document.querySelector("form.filters input[type=search]");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    }
  });
})();
