"""`/queries/<name>` opened in a browser: the query text, a form for its parameters, and its
results as a table of labelled links to the local pages, with links to the same results as
CSV, JSON and SPARQL results.

Only a page navigation gets it (as the editor on `/sparql`): a GET whose Accept prefers
text/html to every format the query offers, with `Sec-Fetch-Dest: document`, and no suffix
or `format=` (`support.navigation.wants_page`). Scripts, SPARQL clients and curl keep what
they got before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from uasa.core import negotiation as conneg
from uasa.query.catalogue import SavedQuery
from uasa.query.params import ParamError, bind
from uasa.web.support import context
from uasa.web.support.lookup import labels
from uasa.web.support.paths import page_path

LINK_NAMES = {"json": "JSON (SPARQL results)", "xml": "XML (SPARQL results)"}
MAX_ROWS = 1000  # shown in the page; the CSV/JSON links give everything


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Results:
    boolean: bool | None  # an ASK query's answer
    vars: list[str]
    rows: list[list[Cell]]  # the first MAX_ROWS
    total: int


@dataclass(frozen=True)
class FormatLink:
    name: str
    type: str
    href: str


@dataclass(frozen=True)
class SavedQueryPage:
    title: str
    error: str | None  # the parameters' problem (the page answers 400)
    results: Results | None  # None before the reader has filled in the form
    links: list[FormatLink]


def _cell(cell: dict[str, Any] | None, names: dict[str, str]) -> Cell:
    if cell is None:
        return Cell("")
    value = cell["value"]
    if cell["type"] == "uri":
        return Cell(names.get(value) or value, href=page_path(value) or value, iri=value)
    if cell["type"] == "bnode":
        return Cell(f"_:{value}")
    return Cell(value, lang=cell.get("xml:lang"))


def _as_bindings(ntriples: bytes) -> dict[str, Any]:
    """A CONSTRUCT's triples as SPARQL JSON results with the variables subject, predicate and
    object, so that one table shows both kinds of answer."""
    variables = ["subject", "predicate", "object"]
    bindings = []
    for t in parse(ntriples, format=RdfFormat.N_TRIPLES):
        row: dict[str, dict[str, str]] = {}
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
    return {"head": {"vars": variables}, "results": {"bindings": bindings}}


def results(q: SavedQuery, substitutions: dict[str, Any], lang: str) -> Results:
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
    body = _as_bindings(result.body) if graph else json.loads(result.body)
    if "boolean" in body:
        return Results(body["boolean"], [], [], 0)
    variables = body["head"]["vars"]
    bindings = body["results"]["bindings"]
    shown = bindings[:MAX_ROWS]
    names = labels([c["value"] for b in shown for c in b.values() if c["type"] == "uri"], lang)
    rows = [[_cell(b.get(v), names) for v in variables] for b in shown]
    return Results(None, variables, rows, len(bindings))


def page(q: SavedQuery, values: dict[str, str], lang: str, script_root: str) -> SavedQueryPage:
    """The page for ``values`` (the reader's parameters; none on a first visit)."""
    error = None
    found = None
    if values or not any(p.required for p in q.params):  # else the form, before any result
        try:
            substitutions = bind(q.params, values)
        except ParamError as exc:
            error = str(exc)
        else:
            found = results(q, substitutions, lang)
    args = urlencode([(k, v) for k, v in values.items() if v != ""])
    base = f"{script_root}/queries/{q.name}"
    links = [
        FormatLink(
            LINK_NAMES.get(f.name, f.name.upper()),
            f.media_type,
            f"{base}.{f.suffix}" + (f"?{args}" if args else ""),
        )
        for f in conneg.formats(q.kind)
    ]
    title = q.summary.get(lang) or q.summary.get("en") or q.name
    return SavedQueryPage(title, error, found, links)
