// /network: the whole series as one force-directed graph (cytoscape-fcose over /network.json).
// Colours match the legend and the resource pages' graphs; a click on a node opens its page.
(function () {
  "use strict";
  var box = document.getElementById("network");
  if (!box || typeof cytoscape !== "function" || typeof cytoscapeFcose !== "function") return;
  cytoscape.use(cytoscapeFcose);
  var COLOURS = { agreement: "#0057b7", party: "#d4a000", framework: "#00838f", other: "#9e9e9e" };
  fetch(box.dataset.src, { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) {
      var cy = cytoscape({
        container: box,
        elements: data.elements.nodes.concat(data.elements.edges),
        wheelSensitivity: 0.3,
        style: [
          { selector: "node", style: {
            "background-color": function (n) { return COLOURS[n.data("kind")] || COLOURS.other; },
            "label": "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 110,
            "text-valign": "bottom", "text-margin-y": 2, "width": 14, "height": 14 } },
          { selector: "node[kind = 'party'], node[kind = 'framework']", style: { "width": 22, "height": 22 } },
          { selector: "edge", style: { "width": 1, "line-color": "#c8c8c8", "curve-style": "haystack" } }
        ],
        layout: { name: "fcose", quality: "default", randomize: true, animate: false,
          nodeRepulsion: 6000, idealEdgeLength: 60, nodeSeparation: 60 }
      });
      cy.on("tap", "node", function (evt) {
        var target = evt.target.data("href");
        if (target) {
          var lang = box.dataset.lang;
          window.location.href = target + (lang && lang !== "en" ? "?lang=" + lang : "");
        }
      });
      window.uasaNetwork = cy; // for tests and the curious
      box.dataset.ready = "true";
    })
    .catch(function () { /* the table below says the same */ });
})();
