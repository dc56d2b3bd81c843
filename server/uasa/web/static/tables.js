// Sortable tables: a button in each heading of table.sortable sorts its rows, with
// aria-sort for screen readers. Numbers sort by data-value, so "1,000" and currencies are safe.
(function () {
  "use strict";
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.dataset.sort === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index], y = b.cells[index];
          var vx = x.dataset.value !== undefined ? x.dataset.value : x.textContent.trim();
          var vy = y.dataset.value !== undefined ? y.dataset.value : y.textContent.trim();
          var cmp;
          if (numeric) {
            // Empty amounts go last in either direction.
            if (vx === "" || vy === "") return (vx === "") - (vy === "");
            cmp = parseFloat(vx) - parseFloat(vy);
          } else {
            cmp = vx.localeCompare(vy, document.documentElement.lang);
          }
          return ascending ? cmp : -cmp;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  // A text filter over a table's rows shown (the facets filter on the server; this narrows
  // the page's own rows as one types), with the count of rows left for screen readers.
  document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
    var table = document.getElementById(input.dataset.filterTable);
    var status = document.getElementById(input.getAttribute("aria-describedby"));
    if (!table) return;
    input.addEventListener("input", function () {
      var words = input.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      var left = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLocaleLowerCase();
        var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !keep;
        if (keep) left += 1;
      });
      if (status) status.textContent = words.length ? status.dataset.template.replace("{n}", left) : "";
    });
  });
})();
