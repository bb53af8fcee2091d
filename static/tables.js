// Tables that sort (click a column heading) and filter (type in the box above the table).
(function () {
  "use strict";
  function cellValue(row, index) {
    const cell = row.cells[index];
    if (!cell) return "";
    return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
  }
  function compare(a, b) {
    const na = parseFloat(a), nb = parseFloat(b);
    if (!isNaN(na) && !isNaN(nb) && String(na) === String(a).trim() && String(nb) === String(b).trim()) {
      return na - nb;
    }
    return a.localeCompare(b, document.documentElement.lang || "sv", { numeric: true });
  }
  function makeSortable(table) {
    const headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.from(headers).forEach(function (th, index) {
      if (!th.textContent.trim()) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.innerHTML = th.innerHTML;
      th.innerHTML = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.from(headers).forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort(function (r1, r2) {
          const result = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? result : -result;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  function makeFilterable(input) {
    const table = document.getElementById(input.dataset.filterFor);
    const counter = document.querySelector('[data-count-for="' + input.dataset.filterFor + '"]');
    function apply() {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      Array.from(table.tBodies[0].rows).forEach(function (row) {
        const text = row.textContent.toLowerCase();
        const match = words.every(function (w) { return text.includes(w); });
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (counter) counter.textContent = shown + " / " + table.tBodies[0].rows.length;
    }
    input.addEventListener("input", apply);
    apply();
  }
  // A print button: no inline handler, the Content-Security-Policy allows no inline script.
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("input[data-filter-for]").forEach(makeFilterable);
})();
