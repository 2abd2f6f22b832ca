// hardline dashboard: sorting and filtering of the triage tables (table.triage).
// First-party and loaded by <script src> only, so the pages' CSP (script-src 'self') allows it;
// the tables are complete without it. Rows carry data-severity (0 unknown … 4 critical),
// data-kev, data-overdue and data-fix; cells carry data-v, the value they sort by; headers
// carry data-sort ("num" or "text"). The filter lives in the URL fragment, so a filtered view
// can be linked: #q=libc6&min=3&kev=1&overdue=1&fix=1.
"use strict";

(function () {
  var SEVERITIES = [["0", "all severities"], ["4", "critical"], ["3", "high and above"],
    ["2", "medium and above"], ["1", "low and above"]];
  var FLAGS = [["kev", "in KEV"], ["overdue", "overdue"], ["fix", "fix available"]];

  function readFragment() {
    var state = { q: "", min: "0", kev: false, overdue: false, fix: false };
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var parts = pair.split("=");
      var key = decodeURIComponent(parts[0] || "");
      var value = decodeURIComponent(parts.slice(1).join("=") || "");
      if (key === "q") { state.q = value; }
      if (key === "min" && /^[0-4]$/.test(value)) { state.min = value; }
      if (key === "kev" || key === "overdue" || key === "fix") { state[key] = value === "1"; }
    });
    return state;
  }

  function writeFragment(state) {
    var parts = [];
    if (state.q) { parts.push("q=" + encodeURIComponent(state.q)); }
    if (state.min !== "0") { parts.push("min=" + state.min); }
    FLAGS.forEach(function (flag) { if (state[flag[0]]) { parts.push(flag[0] + "=1"); } });
    try {
      history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
    } catch (e) {
      // Some browsers refuse it for file:// pages: the filter still works, unlinked.
    }
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function enhance(table, state, index) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var controls = element("div", { "class": "controls", role: "search" });
    var search = element("input", { type: "search", placeholder: "Filter by id, package or title",
      "aria-label": "Filter the findings", "data-filter": "q" });
    search.value = state.q;
    var severity = element("select", { "aria-label": "Least severity shown", "data-filter": "min" });
    SEVERITIES.forEach(function (option) {
      var node = element("option", { value: option[0] }, option[1]);
      if (option[0] === state.min) { node.selected = true; }
      severity.appendChild(node);
    });
    controls.appendChild(search);
    controls.appendChild(severity);
    var boxes = {};
    FLAGS.forEach(function (flag) {
      var id = "filter-" + flag[0] + "-" + index;
      var box = element("input", { type: "checkbox", id: id, "data-filter": flag[0] });
      box.checked = state[flag[0]];
      var label = element("label", { "for": id });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + flag[1]));
      controls.appendChild(label);
      boxes[flag[0]] = box;
    });
    var shown = element("span", { "class": "meta", "aria-live": "polite", "data-shown": "" });
    controls.appendChild(shown);
    table.parentNode.insertBefore(controls, table);

    function apply() {
      var now = { q: search.value.trim(), min: severity.value,
        kev: boxes.kev.checked, overdue: boxes.overdue.checked, fix: boxes.fix.checked };
      var needle = now.q.toLowerCase();
      var visible = 0;
      rows.forEach(function (row) {
        var keep = Number(row.getAttribute("data-severity")) >= Number(now.min) &&
          (!now.kev || row.getAttribute("data-kev") === "1") &&
          (!now.overdue || row.getAttribute("data-overdue") === "1") &&
          (!now.fix || row.getAttribute("data-fix") === "1") &&
          (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1);
        row.hidden = !keep;
        if (keep) { visible += 1; }
      });
      shown.textContent = "showing " + visible + " of " + rows.length;
      return now;
    }

    function changed() {
      var now = apply();
      document.querySelectorAll("table.triage").forEach(function (other) {
        if (other !== table && other.hardlineFilter) { other.hardlineFilter(now); }
      });
      writeFragment(now);
    }

    table.hardlineFilter = function (now) {
      search.value = now.q;
      severity.value = now.min;
      FLAGS.forEach(function (flag) { boxes[flag[0]].checked = now[flag[0]]; });
      apply();
    };
    search.addEventListener("input", changed);
    severity.addEventListener("change", changed);
    FLAGS.forEach(function (flag) { boxes[flag[0]].addEventListener("change", changed); });

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      var kind = header.getAttribute("data-sort");
      if (!kind) { return; }
      var button = element("button", { type: "button" }, header.textContent);
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", function () {
        var descending = header.getAttribute("aria-sort") !== "descending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
          other.removeAttribute("aria-sort");
        });
        header.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var keyed = rows.map(function (row, position) {
          var cell = row.cells[column];
          var raw = cell ? (cell.getAttribute("data-v") || cell.textContent.trim()) : "";
          return { row: row, key: kind === "num" ? Number(raw) : raw.toLowerCase(), position: position };
        });
        keyed.sort(function (a, b) {
          var order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
          if (order === 0) { return a.position - b.position; }
          return descending ? -order : order;
        });
        keyed.forEach(function (entry) { body.appendChild(entry.row); });
        rows = keyed.map(function (entry) { return entry.row; });
      });
    });
    apply();
  }

  function start() {
    var state = readFragment();
    document.querySelectorAll("table.triage").forEach(function (table, index) {
      enhance(table, state, index);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
