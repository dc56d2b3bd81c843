"""Dereferenceable IRIs: `/id/…`, `/def`, `/concept/…`, `/graph/…` answer 303 See Other to
`/page/…` (HTML) or `/data/….ttl|.jsonld|.nt|.rdf|…` (RDF), as "Cool URIs for the Semantic
Web" describes for slash IRIs. Which IRI a path names is `uasa.web.support.paths`' business.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, redirect, request
from flask.typing import ResponseReturnValue

from uasa.core import negotiation as conneg
from uasa.query.types import QueryResult
from uasa.web.pages import jsonld
from uasa.web.support.paths import (
    find_iri,
    not_found,
    rdf_request,
    resource_path,
)
from uasa.web.support.replaced import replacement
from uasa.web.support.run import Reshape, run_query

blueprint = Blueprint("linked_data", __name__)


def _see_other(path: str) -> ResponseReturnValue:
    if resource_path(path) is None:
        abort(404)
    fmt = conneg.page_or_graph(request.headers.get("Accept"))
    iri = find_iri(path)
    if iri is None:
        raise not_found(path)
    moved = replacement(iri)
    if moved is not None:  # `<old> dct:isReplacedBy <new>`: send the client on
        response = redirect(moved, code=303)
        response.headers["Vary"] = "Accept"
        return response
    target = f"/page/{path}" if fmt is conneg.HTML else f"/data/{path}.{fmt.suffix}"
    response = redirect(request.script_root + target, code=303)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = (
        f'<{request.script_root + target}>; rel="describedby"; type="{fmt.media_type}"'
    )
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
    doc = f"{request.host_url.rstrip('/')}{request.script_root}/data/{path}.{fmt.suffix}"
    headers = {"Content-Location": doc, "Link": _alternates(path, iri, fmt)}
    # Every syntax, N-Quads and TriG included, gives the same triples in the default graph: a
    # traversal client (Comunica) matches a document's default graph, so a view spread over
    # named graphs answered it nothing. The dumps and /sparql keep the named graphs.
    if fmt.name == "jsonld":
        req = rdf_request(iri, conneg.by_name("nt", "graph").media_type, doc)  # type: ignore[union-attr]
        return run_query(req, reshape=_framed_jsonld(fmt, iri), headers=headers)
    return run_query(rdf_request(iri, fmt.media_type, doc), headers=headers)


def _alternates(path: str, iri: str, current: conneg.Format) -> str:
    """The document's other formats and its page, and what it describes."""
    root = request.script_root
    links = [
        f'<{root}/data/{path}.{f.suffix}>; rel="alternate"; type="{f.media_type}"'
        for f in conneg.formats("graph")
        if f is not current
    ]
    links.append(f'<{root}/page/{path}>; rel="alternate"; type="text/html"')
    links.append(f'<{iri}>; rel="describes"')
    return ", ".join(links)


def _context_url() -> str:
    return f"{request.host_url.rstrip('/')}{request.script_root}{jsonld.PATH}"


@blueprint.get(jsonld.PATH)
def jsonld_context() -> ResponseReturnValue:
    """The JSON-LD context the /data/….jsonld views use, made from the served ontology."""
    response = Response(jsonld.body(), content_type="application/ld+json")
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response.make_conditional(request)


def _framed_jsonld(fmt: conneg.Format, iri: str) -> Reshape:
    """JSON-LD compacted with the published context: the resource is one node object with the
    nodes it owns embedded (see `uasa.web.pages.jsonld`)."""
    url = _context_url()

    def reshape(result: QueryResult) -> tuple[bytes, conneg.Format]:
        doc = jsonld.framed(result.body.decode(), iri, url)
        return json.dumps(doc, ensure_ascii=False, indent=1).encode(), fmt

    return reshape
