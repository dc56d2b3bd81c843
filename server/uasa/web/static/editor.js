// The YASGUI editor on /sparql: endpoint preset, saved queries as examples, the query kept
// in the URL (?query=…) so it can be shared, and no request to any other host.
(function () {
  "use strict";
  var mount = document.getElementById("yasgui");
  if (!mount || typeof Yasgui !== "function") return;
  var config = JSON.parse(mount.getAttribute("data-config"));
  var form = document.getElementById("plain-editor");
  var initial = document.getElementById("query").value;

  // The class and property completers ask lov.linkeddata.es; prefixes and variables are local.
  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(
    function (name) { return name !== "class" && name !== "property"; });

  var yasgui = new Yasgui(mount, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    persistenceId: null, // the URL, not the last visit, decides what is shown
    populateFromUrl: false,
    yasqe: { value: initial, resizeable: true, editorHeight: "320px" },
    yasr: { prefixes: {} }
  });
  form.hidden = true;

  function tab() { return yasgui.getTab(); }
  tab().setQuery(initial);

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
    }, 0);
  });

  document.querySelectorAll("[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var example = config.examples.find(function (e) { return e.name === link.dataset.example; });
      if (!example) return;
      event.preventDefault();
      tab().setQuery(example.query);
      tab().setName(example.title);
    });
  });
  mount.dataset.ready = "true";
  window.uasaYasgui = yasgui; // for tests and the curious
})();
