// The neighbourhood graph on a resource page: cytoscape.js over /network/<path>.json, inside a
// <details> that is open on wide screens and folded on phones. Typed colours come from the node
// kind (the legend under the graph uses the same ones); a click on a node opens its page.
(function () {
  "use strict";
  var box = document.getElementById("cy");
  if (!box || typeof cytoscape !== "function") return;
  var details = box.closest("details");
  var COLOURS = {
    agreement: "#0057b7", party: "#d4a000", person: "#2e7d32", signature: "#7cb342",
    provision: "#8e24aa", commitment: "#c62828", milestone: "#f57c00", framework: "#00838f",
    place: "#6d4c41", source: "#757575", claim: "#9e9d24", concept: "#5c6bc0",
    term: "#455a64", other: "#9e9e9e"
  };
  var drawn = false;
  function draw() {
    if (drawn) return;
    drawn = true;
    fetch(box.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        var cy = cytoscape({
          container: box,
          elements: data.nodes.concat(data.edges),
          wheelSensitivity: 0.3,
          style: [
            { selector: "node", style: {
              "background-color": function (n) { return COLOURS[n.data("kind")] || COLOURS.other; },
              "label": "data(label)", "font-size": 10, "text-wrap": "ellipsis",
              "text-max-width": 120, "text-valign": "bottom", "text-margin-y": 3,
              "width": 18, "height": 18 } },
            { selector: "node[?root]", style: { "width": 30, "height": 30, "font-weight": "bold",
              "border-width": 3, "border-color": "#ffd700" } },
            { selector: "edge", style: { "width": 1, "line-color": "#bbb", "curve-style": "bezier",
              "target-arrow-shape": "triangle", "target-arrow-color": "#bbb",
              "label": "data(label)", "font-size": 7, "color": "#555", "text-rotation": "autorotate",
              "text-background-color": "#fff", "text-background-opacity": 0.8 } }
          ],
          layout: { name: "concentric", minNodeSpacing: 22,
            concentric: function (n) { return n.data("root") ? 2 : 1; }, levelWidth: function () { return 1; } }
        });
        cy.on("tap", "node", function (evt) {
          var target = evt.target.data("href");
          if (target && !evt.target.data("root")) {
            var lang = box.dataset.lang;
            window.location.href = target + (lang && lang !== "en" ? "?lang=" + lang : "");
          }
        });
        window.uasaGraph = cy; // for tests and the curious
        box.dataset.ready = "true";
      })
      .catch(function () { drawn = false; /* the server-rendered page stays as it is */ });
  }
  if (details) {
    if (window.matchMedia("(min-width: 48rem)").matches) details.open = true;
    details.addEventListener("toggle", function () { if (details.open) draw(); });
    if (details.open) draw();
  } else {
    draw();
  }
})();
