// The YASGUI editor on /sparql: endpoint preset, saved queries as searchable examples that run
// when opened, the query kept in the URL (?query=…) so it can be shared, and no request to any
// other host. Results show plain values (no ^^xsd:… or @en suffixes; the table's "Simple view"
// is on), this dataset's IRIs open their local page, grouped counts and sums can be drawn as a
// chart (Chart.js) and CONSTRUCT/DESCRIBE results as a graph (cytoscape). The editor does not
// trap the Tab key and does not take the focus when the page loads.
(function () {
  "use strict";
  var mount = document.getElementById("yasgui");
  if (!mount || typeof Yasgui !== "function") return;
  var config = JSON.parse(mount.getAttribute("data-config"));
  var text = config.text || {};
  var form = document.getElementById("plain-editor");
  var initial = document.getElementById("query").value;

  // -- this dataset's IRIs open the local page ------------------------------------------------
  function localPath(iri) {
    for (var i = 0; i < config.bases.length; i++) {
      var base = config.bases[i];
      if (iri.indexOf(base) !== 0) continue;
      var rest = iri.slice(base.length);
      var main = rest.split("#")[0];
      if (!/^[A-Za-z0-9._~!$&'()*+,;=:@\/%-]+$/.test(main) || main.indexOf("//") >= 0) return null;
      if (main === "def" || (/^(id|concept|graph)\//.test(main) && main.slice(-1) !== "/")) {
        return config.pageRoot + rest;
      }
    }
    return null;
  }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function shortName(iri, prefixes) {
    for (var p in prefixes || {}) {
      if (prefixes[p] && iri.indexOf(prefixes[p]) === 0) return p + ":" + iri.slice(prefixes[p].length);
    }
    return iri;
  }

  var Yasr = Yasgui.Yasr;
  var Table = Yasr.plugins.table;
  Table.defaults.openIriInNewWindow = false;
  var iriLink = Table.prototype.getUriLinkFromBinding;
  Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
    var local = localPath(binding.value);
    if (!local) return iriLink.call(this, binding, prefixes);
    return "<a class='iri' href='" + escapeHtml(local) + "' title='" + escapeHtml(binding.value) +
      "'>" + escapeHtml(shortName(binding.value, prefixes)) + "</a>";
  };
  // Plain values by default: the table's "Simple view" (no datatype or language suffixes).
  Yasr.defaults.plugins.table = { enabled: true, dynamicConfig: { compact: true } };

  // -- a chart of grouped counts and sums -----------------------------------------------------
  var NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;
  function isNumber(b) {
    return b && (b.type === "literal" || b.type === "typed-literal") &&
      (NUMERIC.test(b.datatype || "") || (!b.datatype && /^-?\d+(\.\d+)?$/.test(b.value)));
  }
  function columns(yasr) {
    var vars = yasr.results.getVariables(), rows = yasr.results.getBindings() || [];
    var numeric = vars.filter(function (v) {
      return rows.length && rows.every(function (r) { return !r[v] || isNumber(r[v]); }) &&
        rows.some(function (r) { return r[v]; });
    });
    // A first column of distinct whole numbers ("year") is what the rows are about: the
    // chart's axis, not a value to plot.
    var key = numeric.length > 1 && numeric[0] === vars[0] && rows.every(function (r, i) {
      return r[vars[0]] && /^-?\d+$/.test(r[vars[0]].value) && rows.findIndex(function (o) {
        return o[vars[0]] && o[vars[0]].value === r[vars[0]].value; }) === i;
    }) ? vars[0] : null;
    if (key) numeric = numeric.slice(1);
    // Amounts in several currencies (ISO 4217 codes in a column) never share an axis: one
    // chart each, as no sum or scale across currencies means anything.
    var unit = vars.filter(function (v) {
      if (numeric.indexOf(v) >= 0) return false;
      var seen = {};
      var codes = rows.every(function (r) {
        if (r[v]) seen[r[v].value] = true;
        return !r[v] || /^[A-Z]{3}$/.test(r[v].value);
      });
      return codes && /currency/i.test(v) && Object.keys(seen).length > 1;
    })[0] || null;
    var labels = key ? [key] : vars.filter(function (v) {
      return numeric.indexOf(v) < 0 && v !== unit;
    });
    return { vars: vars, rows: rows, numeric: numeric, labels: labels, unit: unit };
  }
  function labelOf(b) {
    if (!b) return "";
    if (b.type === "uri") return decodeURIComponent(b.value.replace(/[\/#]$/, "").split(/[\/#]/).pop());
    return b.value;
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.label = text.chart || "Chart";
    this.priority = 5; // the table stays the default; the chart is one click away
    this.kind = "bar";
  }
  // A plugin's tab icon: a few characters, hidden from screen readers (the label says it).
  function iconOf(glyphs) {
    return function () {
      var icon = document.createElement("span");
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = glyphs;
      return icon;
    };
  }
  ChartPlugin.prototype.getIcon = iconOf("▮▮");
  ChartPlugin.prototype.canHandleResults = function () {
    var r = this.yasr.results;
    if (!r || r.getType() === "ttl" || !r.getBindings || !r.getBindings()) return false;
    var c = columns(this.yasr);
    return typeof Chart === "function" && c.numeric.length > 0 && c.vars.length >= 2 &&
      c.rows.length > 0 && c.rows.length <= 500;
  };
  ChartPlugin.prototype.draw = function () {
    var self = this, c = columns(this.yasr);
    var box = document.createElement("div");
    box.className = "result-chart";
    var views = document.createElement("div");
    views.className = "result-views";
    var valueVar = c.numeric[0];
    [["bar", text.chart_bar || "Bars"], ["line", text.chart_line || "Line"]].forEach(function (k) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = k[1];
      b.dataset.chart = k[0];
      b.setAttribute("aria-pressed", String(self.kind === k[0]));
      b.addEventListener("click", function () { self.kind = k[0]; self.yasr.draw(); });
      views.appendChild(b);
    });
    if (c.numeric.length > 1) {
      var id = "chart-value-" + Math.random().toString(36).slice(2);
      var lab = document.createElement("label");
      lab.htmlFor = id;
      lab.textContent = "?";
      var sel = document.createElement("select");
      sel.id = id;
      c.numeric.forEach(function (v) {
        var o = document.createElement("option");
        o.value = v; o.textContent = v; o.selected = v === self.valueVar;
        sel.appendChild(o);
      });
      if (c.numeric.indexOf(self.valueVar) >= 0) valueVar = self.valueVar;
      sel.addEventListener("change", function () { self.valueVar = sel.value; self.yasr.draw(); });
      views.appendChild(lab);
      views.appendChild(sel);
    }
    box.appendChild(views);
    var labelVars = c.labels.length ? c.labels : [c.vars[0]];
    var groups = {}, order = [];
    c.rows.forEach(function (r) {
      var g = c.unit && r[c.unit] ? r[c.unit].value : "";
      if (!(g in groups)) { groups[g] = []; order.push(g); }
      groups[g].push(r);
    });
    this.destroy();
    this.charts = order.map(function (g) {
      return self.drawOne(box, groups[g], g, valueVar, labelVars);
    });
    this.yasr.resultsEl.appendChild(box);
    mount.dataset.chart = this.kind;
  };
  // One chart: the rows of one currency (or all rows), the currency as its caption.
  ChartPlugin.prototype.drawOne = function (box, rows, unit, valueVar, labelVars) {
    var figure = document.createElement("figure");
    figure.className = "chart-figure";
    if (unit) {
      var caption = document.createElement("figcaption");
      caption.textContent = unit;
      figure.appendChild(caption);
    }
    var holder = document.createElement("div");
    holder.className = "chart-box";
    figure.appendChild(holder);
    var canvas = document.createElement("canvas");
    var labels = rows.map(function (r) {
      return labelVars.map(function (v) { return labelOf(r[v]); }).filter(Boolean).join(" · ");
    });
    var values = rows.map(function (r) { return r[valueVar] ? Number(r[valueVar].value) : null; });
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", (text.chart || "Chart") + (unit ? " " + unit : "") +
      ": ?" + valueVar + " / " + labelVars.map(function (v) { return "?" + v; }).join(", "));
    canvas.textContent = labels.map(function (l, i) { return l + ": " + values[i]; }).join("; ");
    holder.appendChild(canvas);
    box.appendChild(figure);
    return new Chart(canvas, {
      type: this.kind,
      data: { labels: labels, datasets: [{ label: "?" + valueVar + (unit ? " (" + unit + ")" : ""),
        data: values, backgroundColor: "#0057b7", borderColor: "#0057b7" }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        locale: document.documentElement.lang === "uk" ? "uk-UA" : "en-GB" }
    });
  };
  ChartPlugin.prototype.destroy = function () {
    (this.charts || []).forEach(function (chart) { chart.destroy(); });
    this.charts = [];
  };

  // -- a graph of CONSTRUCT and DESCRIBE results ----------------------------------------------
  function GraphPlugin(yasr) {
    this.yasr = yasr;
    this.label = text.graph || "Graph";
    this.priority = 20; // a graph result opens as a graph
  }
  GraphPlugin.prototype.getIcon = iconOf("◦–◦");
  GraphPlugin.prototype.canHandleResults = function () {
    var r = this.yasr.results;
    return typeof cytoscape === "function" && !!r && r.getType() === "ttl" &&
      r.getStatements().length > 0;
  };
  GraphPlugin.prototype.draw = function () {
    var statements = this.yasr.results.getStatements();
    var prefixes = this.yasr.getPrefixes ? this.yasr.getPrefixes() : {};
    var nodes = {}, edges = [];
    function node(term) {
      var id = term.termType === "BlankNode" ? "_:" + term.value : term.value;
      if (!nodes[id]) {
        nodes[id] = { data: { id: id, label: term.termType === "NamedNode"
          ? shortName(labelOf({ type: "uri", value: term.value }), prefixes) : "[ ]",
          href: term.termType === "NamedNode" ? localPath(term.value) : null } };
      }
      return id;
    }
    var labels = {};
    statements.forEach(function (q) {
      if (q.object.termType === "Literal") {
        if (/(label|name|title|prefLabel)$/.test(q.predicate.value) &&
            (!labels[q.subject.value] || q.object.language === document.documentElement.lang)) {
          labels[q.subject.value] = q.object.value;
        }
        return;
      }
      if (Object.keys(nodes).length > 400) return;
      var s = node(q.subject), o = node(q.object);
      edges.push({ data: { id: "e" + edges.length, source: s, target: o,
        label: labelOf({ type: "uri", value: q.predicate.value }) } });
    });
    statements.forEach(function (q) { node(q.subject); });
    Object.keys(labels).forEach(function (iri) { if (nodes[iri]) nodes[iri].data.label = labels[iri]; });
    var box = document.createElement("div");
    box.id = "result-graph";
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", (text.graph || "Graph") + ": " + Object.keys(nodes).length +
      " / " + edges.length);
    this.yasr.resultsEl.appendChild(box);
    var cy = cytoscape({
      container: box,
      elements: Object.keys(nodes).map(function (k) { return nodes[k]; }).concat(edges),
      style: [
        { selector: "node", style: { "background-color": "#0057b7", "label": "data(label)",
          "font-size": 10, "text-wrap": "ellipsis", "text-max-width": 120, "text-valign": "bottom",
          "text-margin-y": 3, "width": 16, "height": 16 } },
        { selector: "node[href]", style: { "background-color": "#00838f" } },
        { selector: "edge", style: { "width": 1, "line-color": "#bbb", "curve-style": "bezier",
          "target-arrow-shape": "triangle", "target-arrow-color": "#bbb", "label": "data(label)",
          "font-size": 7, "color": "#555", "text-rotation": "autorotate" } }
      ],
      layout: { name: "cose", animate: false }
    });
    cy.on("tap", "node", function (evt) {
      var target = evt.target.data("href");
      if (target) window.location.href = target;
    });
    window.uasaResultGraph = cy; // for tests and the curious
    mount.dataset.graph = "true";
  };
  GraphPlugin.prototype.destroy = function () {};

  Yasr.registerPlugin("chart", ChartPlugin);
  Yasr.registerPlugin("graph", GraphPlugin);
  Yasr.defaults.plugins.table = { enabled: true, dynamicConfig: { compact: true } };

  // The class and property completers ask lov.linkeddata.es; prefixes and variables are local.
  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(
    function (name) { return name !== "class" && name !== "property"; });

  var focusBefore = document.activeElement;
  var yasgui = new Yasgui(mount, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    persistenceId: null, // the URL, not the last visit, decides what is shown
    populateFromUrl: false,
    yasqe: { value: initial, resizeable: true, editorHeight: "320px" },
    yasr: { prefixes: {}, plugins: { table: { enabled: true, dynamicConfig: { compact: true } },
      chart: { enabled: true }, graph: { enabled: true } } }
  });
  form.hidden = true;

  function tab() { return yasgui.getTab(); }
  tab().setQuery(initial);

  // Tab and Shift-Tab leave the editor (WCAG 2.1.2: no keyboard trap); indenting is
  // Ctrl-] / Ctrl-[ as in CodeMirror.
  function freeTab(yasqe) {
    if (!yasqe || yasqe.uasaFreeTab) return;
    yasqe.uasaFreeTab = true;
    var keys = Object.assign({}, yasqe.getOption("extraKeys") || {},
      { Tab: false, "Shift-Tab": false });
    yasqe.setOption("extraKeys", keys);
    yasqe.getInputField().setAttribute("aria-label", document.querySelector("label[for=query]").textContent);
  }
  freeTab(tab().getYasqe());
  yasgui.on("tabChange", function () { freeTab(tab().getYasqe()); });
  yasgui.on("tabAdd", function () { window.setTimeout(function () { freeTab(tab().getYasqe()); }, 0); });

  // Nothing takes the focus on load: a reader lands on the page, not in the editor.
  window.setTimeout(function () {
    if (mount.contains(document.activeElement)) {
      document.activeElement.blur();
      if (focusBefore && focusBefore !== document.body && focusBefore.focus) focusBefore.focus();
    }
  }, 0);

  // Keep a shareable URL: /sparql?query=… (the server renders the editor prefilled).
  yasgui.on("query", function (_, t) {
    var url = new URL(window.location.href);
    url.searchParams.delete("example");
    url.searchParams.set("query", t.getQuery());
    window.history.replaceState(null, "", url);
  });

  // A query stopped by the time limit (503) or refused (400, 403): show the server's own
  // plain-text message above the results instead of YASR's generic failure.
  var notice = document.createElement("p");
  notice.className = "query-error";
  notice.setAttribute("role", "alert");
  notice.hidden = true;
  mount.parentNode.insertBefore(notice, mount);
  // YASQE throws the response body of a failed request as the error message, so the
  // server's text survives; read it once YASR has taken the response (the tab's event fires
  // first).
  yasgui.on("queryResponse", function (_, t) {
    window.setTimeout(function () {
      var results = t.getYasr().results;
      var error = results && results.getError && results.getError();
      if (error) {
        notice.textContent = (error.status ? error.status + ": " : "") +
          (error.text || error.statusText || "");
        notice.hidden = false;
      } else {
        notice.hidden = true;
      }
      accessible();
      mount.dataset.responses = String(Number(mount.dataset.responses || 0) + 1);
    }, 0);
  });

  // -- examples: searchable, and run when opened -----------------------------------------------
  function openExample(name) {
    var example = config.examples.find(function (e) { return e.name === name; });
    if (!example) return false;
    tab().setQuery(example.query);
    tab().setName(example.title);
    var url = new URL(window.location.href);
    url.searchParams.delete("query");
    url.searchParams.set("example", name);
    window.history.replaceState(null, "", url);
    tab().getYasqe().query();
    return true;
  }
  document.querySelectorAll("[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (openExample(link.dataset.example)) event.preventDefault();
    });
  });
  var search = document.getElementById("example-search");
  if (search) {
    search.closest(".examples-search").hidden = false;
    search.addEventListener("input", function () {
      var words = search.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      document.querySelectorAll("[data-example]").forEach(function (link) {
        var hay = (link.textContent + " " + link.dataset.example + " " + (link.title || ""))
          .toLocaleLowerCase();
        link.parentNode.hidden = !words.every(function (w) { return hay.indexOf(w) >= 0; });
      });
    });
  }
  // /sparql?example=name or a shared /sparql?query=…: the server prefilled the query; run it.
  var opened = new URL(window.location.href).searchParams;
  if (opened.get("example") || opened.get("query")) tab().getYasqe().query();

  // -- names and roles YASGUI leaves out (axe: buttons, inputs and regions need names) --------
  function accessible() {
    mount.querySelectorAll("input:not([aria-label]):not([id])").forEach(function (input) {
      var name = input.getAttribute("placeholder") || input.getAttribute("title") || input.type;
      input.setAttribute("aria-label", name);
    });
    mount.querySelectorAll("button:not([aria-label]), [role=button]:not([aria-label])").forEach(function (b) {
      if (!b.textContent.trim()) b.setAttribute("aria-label", b.getAttribute("title") || "button");
    });
    mount.querySelectorAll("select:not([aria-label])").forEach(function (s) {
      if (!s.id || !document.querySelector("label[for='" + s.id + "']")) s.setAttribute("aria-label", s.getAttribute("title") || s.name || "select");
    });
  }
  accessible();
  yasgui.on("tabChange", accessible);
  mount.dataset.ready = "true";
  window.uasaYasgui = yasgui; // for tests and the curious
})();
