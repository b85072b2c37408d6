/* clientbase report pages: sortable and filterable long lists, offline.
   Inlined into every report page by render.py; no library, no network.
   A table marked cb-interactive (clientbase.tables, interactive=True) gets a filter box
   above it and sortable headers. Its words come from its data-* attributes (the report's
   language): data-filter-placeholder, data-sort-title, data-count ("{shown} of 20 rows").
   Numeric columns (th.cb-num) are compared as numbers read from their display
   ("1 234,5 ₽", "RUB 1,234.50", "12 %") with the table's data-decimal sign; a cell's
   data-sort (ISO dates) wins over its text; empty cells ("—") sort last either way.
   The PDF (WeasyPrint runs no script) shows the plain table with every row. */
(function () {
  "use strict";

  var EMPTY = /^[\s\u00a0\u202f\u2014\u2013-]*$/;

  /* The number a formatted cell shows, or null: "−1 234,5 ₽" → -1234.5 with decimal ",". */
  function numberOf(text, decimal) {
    var s = String(text).replace(/[\s\u00a0\u202f]/g, "");
    if (EMPTY.test(s) || !/\d/.test(s)) {
      return null;
    }
    var negative = /^[^\d]*[-\u2212]/.test(s) || /^\(.*\)$/.test(s);
    var digits = s.replace(/[^\d.,]/g, "");
    digits = decimal === ","
      ? digits.replace(/\./g, "").replace(",", ".")
      : digits.replace(/,/g, "");
    var value = parseFloat(digits);
    if (isNaN(value)) {
      return null;
    }
    return negative ? -value : value;
  }

  /* The key of a cell: its data-sort, else its text; null when empty. */
  function keyOf(cell, numeric, decimal) {
    var given = cell.getAttribute("data-sort");
    var text = given !== null ? given : cell.textContent.trim();
    if (EMPTY.test(text)) {
      return null;
    }
    return numeric && given === null ? numberOf(text, decimal) : text;
  }

  function compareKeys(a, b, numeric, collator) {
    if (numeric) {
      return a - b;
    }
    return collator.compare(a, b);
  }

  function sortBy(table, column, descending) {
    var header = table.tHead.rows[0].cells[column];
    var numeric = header.classList.contains("cb-num");
    var decimal = table.getAttribute("data-decimal") || ".";
    var collator = new Intl.Collator(document.documentElement.lang || undefined,
                                     { numeric: true, sensitivity: "base" });
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row, index) {
      return { row: row, index: index, key: keyOf(row.cells[column], numeric, decimal) };
    });
    rows.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        return a.key === b.key ? a.index - b.index : (a.key === null ? 1 : -1);
      }
      var order = compareKeys(a.key, b.key, numeric, collator);
      return (descending ? -order : order) || a.index - b.index;
    });
    rows.forEach(function (item) {
      body.appendChild(item.row);
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, index) {
      if (index === column) {
        cell.setAttribute("aria-sort", descending ? "descending" : "ascending");
      } else {
        cell.removeAttribute("aria-sort");
      }
    });
  }

  function makeSortable(table) {
    var title = table.getAttribute("data-sort-title") || "";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cb-sort";
      button.title = title;
      while (cell.firstChild) {
        button.appendChild(cell.firstChild);
      }
      cell.appendChild(button);
      cell.addEventListener("click", function () {
        sortBy(table, column, cell.getAttribute("aria-sort") === "ascending");
      });
    });
  }

  function addFilter(table) {
    var rows = table.tBodies[0].rows;
    var count = table.getAttribute("data-count") || "{shown}";
    var bar = document.createElement("div");
    bar.className = "cb-filter";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = table.getAttribute("data-filter-placeholder") || "";
    input.setAttribute("aria-label", input.placeholder);
    var shown = document.createElement("span");
    shown.className = "cb-filter-count";
    shown.setAttribute("aria-live", "polite");
    bar.appendChild(input);
    bar.appendChild(shown);
    table.parentNode.insertBefore(bar, table);

    function normal(text) {
      return text.replace(/[\s\u00a0\u202f]+/g, " ").trim().toLocaleLowerCase();
    }
    function update() {
      var wanted = normal(input.value);
      var visible = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var keep = !wanted || normal(row.textContent).indexOf(wanted) !== -1;
        row.hidden = !keep;
        visible += keep ? 1 : 0;
      });
      shown.textContent = count.replace("{shown}", String(visible));
    }
    input.addEventListener("input", update);
    update();
  }

  function setUp() {
    var tables = document.querySelectorAll("table.cb-interactive");
    Array.prototype.forEach.call(tables, function (table) {
      if (!table.tHead || !table.tBodies.length) {
        return;
      }
      makeSortable(table);
      addFilter(table);
    });
  }

  /* for the browser test: the parser is checked on the cells' formats of both languages */
  window.clientbaseReport = { numberOf: numberOf };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
