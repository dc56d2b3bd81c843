"""`/queries/<name>` opened in a browser: the query text, a form for its parameters, and its
results as a table of labelled links to the local pages, with links to the same results as
CSV, JSON and SPARQL results.

Only a page navigation gets it (as the editor on `/sparql`): a GET whose Accept prefers
text/html to every format the query offers, with `Sec-Fetch-Dest: document`, and no suffix
or `format=`. Scripts, SPARQL clients and curl keep what they got before.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import request
from flask.typing import ResponseReturnValue
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from uasa.core import negotiation as conneg
from uasa.query.catalogue import SavedQuery
from uasa.query.params import ParamError, bind
from uasa.web.support import context, overview
from uasa.web.support.editor import DOCUMENT_DESTS
from uasa.web.support.i18n import choose_lang, render
from uasa.web.support.paths import page_path

LINK_NAMES = {"json": "JSON (SPARQL results)", "xml": "XML (SPARQL results)"}
MAX_ROWS = 1000  # shown in the page; the CSV/JSON links give everything


def run_href(q: SavedQuery) -> str:
    """The link that runs a saved query: with its required parameters' examples, so that a
    link checker (or a script) following it gets results, not 400."""
    # Built by hand: a parameter may be called `name`, like the route's own argument.
    examples = urlencode([(p.name, p.example) for p in q.params if p.required])
    run = f"{request.script_root}/queries/{q.name}"
    return f"{run}?{examples}" if examples else run


def wants_page(q: SavedQuery) -> bool:
    if request.method not in {"GET", "HEAD"} or "format" in request.args:
        return False
    if request.headers.get("Sec-Fetch-Dest", "").lower() not in DOCUMENT_DESTS:
        return False
    # The one negotiation: HTML only when named and preferred to every type the query offers.
    chosen = conneg.negotiate(request.headers.get("Accept"), q.kind, html="named")
    return chosen is conneg.HTML


def _term(cell: dict[str, Any] | None, names: dict[str, str]) -> dict[str, Any]:
    if cell is None:
        return {"text": ""}
    value = cell["value"]
    if cell["type"] == "uri":
        local = page_path(value)
        return {"text": names.get(value) or value, "href": local or value, "iri": value}
    if cell["type"] == "bnode":
        return {"text": f"_:{value}"}
    return {"text": value, "lang": cell.get("xml:lang")}


def _results(q: SavedQuery, substitutions: dict[str, Any], lang: str) -> dict[str, Any]:
    settings = context.settings()
    graph = q.kind == "graph"
    req = q.request(
        substitutions,
        union_default_graph=settings.union_default_graph,
        base_iri=settings.public_base,
        results_media_type=None if graph else "application/sparql-results+json",
        graph_media_type="application/n-triples" if graph else None,
    )
    result = context.executor().execute(req, timeout=settings.query_timeout)
    if graph:
        variables = ["subject", "predicate", "object"]
        bindings = []
        for t in parse(result.body, format=RdfFormat.N_TRIPLES):
            row = {}
            for var, term in zip(variables, (t.subject, t.predicate, t.object), strict=True):
                if isinstance(term, NamedNode):
                    row[var] = {"type": "uri", "value": term.value}
                elif isinstance(term, BlankNode):
                    row[var] = {"type": "bnode", "value": term.value}
                elif isinstance(term, Literal):
                    row[var] = {"type": "literal", "value": term.value}
                    if term.language:
                        row[var]["xml:lang"] = term.language
            bindings.append(row)
        body: dict[str, Any] = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    else:
        body = json.loads(result.body)
    if "boolean" in body:
        return {"boolean": body["boolean"], "vars": [], "rows": [], "total": 0}
    variables = body["head"]["vars"]
    bindings = body["results"]["bindings"]
    shown = bindings[:MAX_ROWS]
    iris = [c["value"] for b in shown for c in b.values() if c["type"] == "uri"]
    names = overview.labels(iris, lang)
    return {
        "boolean": None,
        "vars": variables,
        "rows": [[_term(b.get(v), names) for v in variables] for b in shown],
        "total": len(bindings),
    }


def page(q: SavedQuery, values: dict[str, str]) -> ResponseReturnValue:
    lang = choose_lang()
    error = None
    results = None
    if not values and any(p.required for p in q.params):
        pass  # first visit: the form, filled in by the reader, before any result
    else:
        try:
            substitutions = bind(q.params, values)
        except ParamError as exc:
            error = str(exc)
        else:
            results = _results(q, substitutions, lang)
    args = urlencode([(k, v) for k, v in values.items() if v != ""])
    base = f"{request.script_root}/queries/{q.name}"
    links = [
        {
            "name": LINK_NAMES.get(f.name, f.name.upper()),
            "type": f.media_type,
            "href": f"{base}.{f.suffix}" + (f"?{args}" if args else ""),
        }
        for f in conneg.formats(q.kind)
    ]
    response = render(
        "saved_query_results.html",
        lang,
        page={"title": q.summary.get(lang) or q.summary.get("en") or q.name},
        q=q,
        values=values,
        error=error,
        results=results,
        links=links,
        editor_href=f"{request.script_root}/sparql?{urlencode({'query': q.body.strip()})}",
        max_rows=MAX_ROWS,
    )
    if error is not None:
        response.status_code = 400
    response.vary.update(["Accept", "Sec-Fetch-Dest"])
    return response
