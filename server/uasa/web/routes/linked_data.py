"""Dereferenceable IRIs: `/id/…`, `/def`, `/concept/…`, `/graph/…` answer 303 See Other to
`/page/…` (HTML) or `/data/….ttl|.jsonld|.nt|.rdf|…` (RDF), as "Cool URIs for the Semantic
Web" describes for slash IRIs. Which IRI a path names is `uasa.web.support.paths`' business.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request
from flask.typing import ResponseReturnValue

from uasa.core import negotiation as conneg
from uasa.core.errors import UasaError
from uasa.web.support.paths import find_iri, not_found, rdf_request, resource_path
from uasa.web.support.replaced import replacement
from uasa.web.support.run import run_query

blueprint = Blueprint("linked_data", __name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


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
        raise UasaError(
            406,
            f"None of the requested media types can be served. Available: text/html, "
            f"{conneg.offered_types('graph')}.",
            headers={"Vary": "Accept"},
        )
    iri = find_iri(path)
    if iri is None:
        raise not_found(path)
    moved = replacement(iri)
    if moved is not None:  # `<old> dct:isReplacedBy <new>`: send the client on
        response = redirect(moved, code=303)
        response.vary.add("Accept")
        return response
    _, fmt = choice
    target = f"/page/{path}" if fmt is None else f"/data/{path}.{fmt.suffix}"
    response = redirect(request.script_root + target, code=303)
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


@blueprint.get("/data/<path:rest>")
def data(rest: str) -> ResponseReturnValue:
    split = _split_suffix(rest)
    if split is None or resource_path(split[0]) is None:
        abort(404)
    path, fmt = split
    iri = find_iri(path)
    if iri is None:
        raise not_found(path)
    return run_query(rdf_request(iri, fmt.media_type))
