"""Request paths and the dataset's IRIs: which IRI a path names, which page shows an IRI,
and the CONSTRUCT behind an IRI's RDF view.

A request path maps onto the dataset's IRI by its base: `/id/party/gbr` is
`https://w3id.org/uasa/id/party/gbr`. When `UASA_PUBLIC_BASE` names another base (a
deployment publishing its own data), IRIs under that base resolve too.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from flask import request
from pyoxigraph import NamedNode

from uasa.core.errors import UasaError
from uasa.core.iris import BASE, GRAPH, ONTOLOGY, Graphs
from uasa.query import resource_view as view
from uasa.query.types import QueryRequest
from uasa.web.support import context

# A path segment of an IRI we mint: no spaces, quotes or angle brackets that would make
# NamedNode fail or a redirect ambiguous.
_SAFE_PATH = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})+")
_RESOURCE_ROOTS = ("id/", "concept/", "graph/")


def resource_path(path: str) -> str | None:
    """`id/party/gbr` → the same if it names a dereferenceable IRI's path, else None."""
    if not _SAFE_PATH.fullmatch(path) or "//" in path or ".." in path.split("/"):
        return None
    if path == "def" or (path.startswith(_RESOURCE_ROOTS) and not path.endswith("/")):
        return path
    return None


def candidate_iris(path: str) -> list[str]:
    bases = [BASE]
    public = context.settings().public_base
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
    result = context.executor().execute(
        QueryRequest(
            query=query,
            use_default_graph_as_union=True,
            substitutions={"this": NamedNode(iri)},
            results_media_type="application/sparql-results+json",
        ),
        timeout=context.settings().query_timeout,
    )
    return bool(json.loads(result.body)["boolean"])


def page_path(iri: str) -> str | None:
    """The local `/page/…` path for an internal IRI (keeping a `#Term` fragment), else None."""
    for base in {BASE, context.settings().public_base}:
        if iri.startswith(base):
            rest = iri[len(base) :]
            main = rest.partition("#")[0]
            if resource_path(main):
                return f"{request.script_root}/page/{rest}"
    return None


def not_found(path: str) -> UasaError:
    return UasaError(
        404, f"Not found: no resource {BASE}{path} in this dataset.", headers={"Vary": "Accept"}
    )


def rdf_request(iri: str, media_type: str, doc: str | None = None) -> QueryRequest:
    """The CONSTRUCT behind the RDF view of an IRI: a graph's content, the ontology, or a
    resource's view; with ``doc`` (the document's URL) it states its foaf:primaryTopic."""
    if iri == ONTOLOGY:
        query, this = view.GRAPH_CONTENT, Graphs.ONTOLOGY
    elif iri.startswith(GRAPH):
        query, this = view.GRAPH_CONTENT, iri
    else:
        query, this = view.RESOURCE_VIEW, iri
    substitutions = {"this": NamedNode(this)}
    if doc:
        substitutions["doc"] = NamedNode(doc)
        if query is view.GRAPH_CONTENT:
            substitutions["topic"] = NamedNode(iri)
    return QueryRequest(
        query=query,
        use_default_graph_as_union=True,
        substitutions=substitutions,
        graph_media_type=media_type,
    )


def sparql_link(iri: str) -> str:
    return f"{request.script_root}/sparql?query={quote(view.describe_query(iri), safe='')}"
