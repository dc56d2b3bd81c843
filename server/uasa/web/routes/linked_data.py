"""Dereferenceable IRIs: `/id/…`, `/def`, `/concept/…`, `/graph/…` answer 303 See Other to
`/page/…` (HTML) or `/data/….ttl|.jsonld|.nt|.rdf|…` (RDF), as "Cool URIs for the Semantic
Web" describes for slash IRIs.

A request path maps onto the dataset's IRI by its base: `/id/party/gbr` is
`https://w3id.org/uasa/id/party/gbr`. When `UASA_PUBLIC_BASE` names another base (a
deployment publishing its own data), IRIs under that base resolve too.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, redirect, request
from flask.typing import ResponseReturnValue
from pyoxigraph import NamedNode

from uasa.core import negotiation as conneg
from uasa.core.iris import BASE, GRAPH, ONTOLOGY, Graphs
from uasa.core.settings import Settings
from uasa.query import resource_view as view
from uasa.query.executor import QueryError, QueryExecutor, QueryRequest
from uasa.web.routes.sparql import run_query
from uasa.web.support.errors import text_error

blueprint = Blueprint("linked_data", __name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# A path segment of an IRI we mint: no spaces, quotes or angle brackets that would make
# NamedNode fail or a redirect ambiguous.
_SAFE_PATH = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})+")
_RESOURCE_ROOTS = ("id/", "concept/", "graph/")


def _settings() -> Settings:
    return current_app.config["UASA"]


def _executor() -> QueryExecutor:
    return current_app.extensions["uasa.executor"]


def resource_path(path: str) -> str | None:
    """`id/party/gbr` → the same if it names a dereferenceable IRI's path, else None."""
    if not _SAFE_PATH.fullmatch(path) or "//" in path or ".." in path.split("/"):
        return None
    if path == "def" or (path.startswith(_RESOURCE_ROOTS) and not path.endswith("/")):
        return path
    return None


def candidate_iris(path: str) -> list[str]:
    bases = [BASE]
    public = _settings().public_base
    if public != BASE:
        bases.append(public)
    return [base + path for base in bases]


def find_iri(path: str) -> str | None:
    """The IRI a request path names, if the store knows it."""
    for iri in candidate_iris(path):
        if ask(view.EXISTS, iri):
            return iri
    return None


def ask(query: str, iri: str) -> bool:
    import json

    result = _executor().execute(
        QueryRequest(
            query=query,
            use_default_graph_as_union=True,
            substitutions={"this": NamedNode(iri)},
            results_media_type="application/sparql-results+json",
        ),
        timeout=_settings().query_timeout,
    )
    return bool(json.loads(result.body)["boolean"])


def page_path(iri: str) -> str | None:
    """The local `/page/…` path for an internal IRI (keeping a `#Term` fragment), else None."""
    for base in {BASE, _settings().public_base}:
        if iri.startswith(base):
            rest = iri[len(base) :]
            main = rest.partition("#")[0]
            if resource_path(main):
                return f"{request.script_root}/page/{rest}"
    return None


def _choose(accept: object) -> tuple[str, conneg.Format | None] | None:
    """("html", None) or ("rdf", format) for an Accept header; None when nothing fits.

    HTML is offered first, so `*/*` (curl, a bare client) gets the page, as on Wikidata.
    """
    offers: dict[str, conneg.Format | None] = {t: None for t in HTML_TYPES}
    graph_formats = conneg.formats("graph")
    for fmt in graph_formats:
        offers.setdefault(fmt.media_type, fmt)
    for fmt in graph_formats:
        for alias in fmt.aliases:
            if "/" in alias:
                offers.setdefault(alias, fmt)
    if not request.accept_mimetypes:
        return ("html", None)
    best = request.accept_mimetypes.best_match(list(offers))
    if best is None:
        return None
    fmt = offers[best]
    return ("html", None) if fmt is None else ("rdf", fmt)


def _see_other(path: str) -> ResponseReturnValue:
    if resource_path(path) is None:
        abort(404)
    choice = _choose(request.accept_mimetypes)
    if choice is None:
        return text_error(
            406,
            f"None of the requested media types can be served. Available: text/html, "
            f"{conneg.offered_types('graph')}.",
        )
    try:
        if find_iri(path) is None:
            return _not_found(path)
    except QueryError as exc:
        return text_error(exc.status, exc.message)
    kind, fmt = choice
    target = f"/page/{path}" if kind == "html" else f"/data/{path}.{fmt.suffix}"  # type: ignore[union-attr]
    response = redirect(request.script_root + target, code=303)
    response.vary.add("Accept")
    return response


def _not_found(path: str) -> Response:
    response = text_error(404, f"Not found: no resource {BASE}{path} in this dataset.")
    response.vary.add("Accept")
    return response


@blueprint.get("/id/<path:rest>")
def instance(rest: str) -> ResponseReturnValue:
    return _see_other(f"id/{rest}")


@blueprint.get("/concept/<path:rest>")
def concept(rest: str) -> ResponseReturnValue:
    return _see_other(f"concept/{rest}")


@blueprint.get("/graph/<path:rest>")
def graph(rest: str) -> ResponseReturnValue:
    return _see_other(f"graph/{rest}")


@blueprint.get("/def")
def ontology() -> ResponseReturnValue:
    return _see_other("def")


def _split_suffix(path: str) -> tuple[str, conneg.Format] | None:
    stem, dot, suffix = path.rpartition(".")
    if not dot:
        return None
    fmt = next((f for f in conneg.by_suffix(suffix) if f.kind == "graph"), None)
    return (stem, fmt) if fmt else None


def rdf_request(iri: str, media_type: str) -> QueryRequest:
    """The CONSTRUCT behind the RDF view of an IRI: a graph's content, the ontology, or a
    resource's view."""
    if iri == ONTOLOGY:
        query, this = view.GRAPH_CONTENT, Graphs.ONTOLOGY
    elif iri.startswith(GRAPH):
        query, this = view.GRAPH_CONTENT, iri
    else:
        query, this = view.RESOURCE_VIEW, iri
    return QueryRequest(
        query=query,
        use_default_graph_as_union=True,
        substitutions={"this": NamedNode(this)},
        graph_media_type=media_type,
    )


@blueprint.get("/data/<path:rest>")
def data(rest: str) -> ResponseReturnValue:
    split = _split_suffix(rest)
    if split is None or resource_path(split[0]) is None:
        abort(404)
    path, fmt = split
    try:
        iri = find_iri(path)
    except QueryError as exc:
        return text_error(exc.status, exc.message)
    if iri is None:
        return _not_found(path)
    return run_query(rdf_request(iri, fmt.media_type))


def sparql_link(iri: str) -> str:
    return f"{request.script_root}/sparql?query={quote(view.describe_query(iri), safe='')}"
