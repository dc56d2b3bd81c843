"""`/sparql` opened in a browser: the YASGUI query editor, prefilled from `?query=`.

Only a real page navigation gets the editor; every other client keeps the SPARQL Protocol:

- the request is a GET with no `update` and no `format`/`output`/`results` parameter;
- `text/html` (or XHTML) has a higher q than every SPARQL result or RDF type named
  explicitly, so curl and SPARQLWrapper (`*/*` or SPARQL media types) still get results;
- with a `query`, the browser must also say it is loading a document (`Sec-Fetch-Dest:
  document`, sent by Chromium, Firefox and Safari on navigation). A script's fetch() or a
  library that copies a browser's Accept header still runs the query.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from pyoxigraph import Store

from uasa.core import negotiation as conneg
from uasa.core.iris import BASE
from uasa.web.support import context
from uasa.web.support.i18n import choose_lang, lang_href
from uasa.web.support.ui import UI

PROTOCOL_PARAMS = ("update", "format", "output", "results")
DOCUMENT_DESTS = frozenset({"document", "iframe"})
DEFAULT_QUERY = """PREFIX uasa: <https://w3id.org/uasa/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?agreement ?label ?date WHERE {
  ?agreement a uasa:SecurityAgreement ;
             rdfs:label ?label ;
             uasa:signingDate ?date .
  FILTER(LANG(?label) = "en")
}
ORDER BY ?date
"""


def wants_editor() -> bool:
    if request.method not in {"GET", "HEAD"} or any(p in request.args for p in PROTOCOL_PARAMS):
        return False
    if len(request.args.getlist("query")) > 1:
        return False  # the protocol's 400 explains this better than an editor could
    # Only the types this endpoint serves compete: browsers also list images at q=1.
    accept = request.headers.get("Accept")
    if conneg.negotiate(accept, ("results", "graph"), html="named") is not conneg.HTML:
        return False
    if "query" in request.args:
        return request.headers.get("Sec-Fetch-Dest", "").lower() in DOCUMENT_DESTS
    return True


def _is_valid(query: str) -> bool:
    try:
        Store().query(query)
    except SyntaxError:
        return False
    return True


@cache
def _example_text(body: str, bindings: tuple[tuple[str, str, str], ...]) -> str:
    """The saved query, runnable as is: its required parameters bound to their examples by a
    trailing VALUES clause (valid after any query form), checked to parse."""
    text = body.strip()
    if not bindings:
        return text + "\n"
    notes = "\n".join(f"# ?{name}: {description}" for name, _, description in bindings)
    names = " ".join(f"?{name}" for name, _, _ in bindings)
    terms = " ".join(term for _, term, _ in bindings)
    bound = f"{text}\n\n# Parameters, bound to their examples; edit the values to ask again.\n"
    bound += f"{notes}\nVALUES ({names}) {{ ({terms}) }}\n"
    return bound if _is_valid(bound) else text + "\n"


def examples(lang: str) -> list[dict[str, Any]]:
    """The saved-query catalogue as editor examples (empty when there is none)."""
    out = []
    for q in context.catalogue():
        bindings = []
        for p in q.params:
            if not p.required or p.example is None:
                continue
            try:
                term = str(p.convert(str(p.example)))
            except ValueError:
                continue
            bindings.append((p.name, term, re.sub(r"\s+", " ", p.description or "")))
        out.append(
            {
                "name": q.name,
                "title": q.summary.get(lang) or q.summary.get("en") or q.name,
                "tags": list(q.tags),
                "query": _example_text(q.body, tuple(bindings)),
            }
        )
    return out


def page() -> ResponseReturnValue:
    lang = choose_lang()
    query = request.args.get("query") or DEFAULT_QUERY
    endpoint = f"{request.host_url.rstrip('/')}{request.script_root}/sparql"
    saved = examples(lang)
    chosen = request.args.get("example")
    if chosen and "query" not in request.args:
        query = next((e["query"] for e in saved if e["name"] == chosen), query)
    other = "uk" if lang == "en" else "en"
    body = render_template(
        "editor.html",
        lang=lang,
        t=UI[lang],
        other_lang=other,
        lang_href=lang_href(other),
        page={"title": UI[lang]["editor"]},
        query=query,
        endpoint=endpoint,
        examples=saved,
        config={
            "endpoint": endpoint,
            "examples": saved,
            "lang": lang,
            # IRIs under these bases open their local page (/page/…) in the results.
            "bases": sorted({BASE, context.settings().public_base}),
            "pageRoot": f"{request.script_root}/page/",
            "text": {k[3:]: v for k, v in UI[lang].items() if k.startswith("ed_")},
        },
    )
    response = current_app.make_response(body)
    response.content_type = "text/html; charset=utf-8"
    response.content_language = [lang]
    response.vary.update(["Accept", "Accept-Language", "Sec-Fetch-Dest"])
    return response
