"""The dataset's IRIs that name documents or catalogue entries rather than `/id/` resources,
so that no IRI under the base that occurs in a graph is dead:

- `/def/<version>` (the ontology's `owl:versionIRI`): 303 to the ontology document, `/def`'s
  page or RDF view, as long as the served ontology states that version;
- `/def/alignments` and `/shapes`: 303 to the named graph holding that document
  (`/graph/alignments`, `/graph/shapes`), its page or RDF view;
- `/dataset` (the subject of the VoID/DCAT description): 303 to the landing page for browsers,
  to `/.well-known/void` for RDF;
- `/query/<name>` (a saved query as a resource, in the meta graph): 303 to `/query/<name>.html`
  or `/query/<name>.<rdf suffix>`; `/query/<name>.rq` is its text. `/queries/<name>` runs it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, request
from flask.typing import ResponseReturnValue
from pyoxigraph import NamedNode

from uasa.core import negotiation as conneg
from uasa.core.errors import UasaError
from uasa.core.iris import BASE, ONTOLOGY, Graphs
from uasa.query.rows import select
from uasa.web.support import context, sparql
from uasa.web.support.i18n import choose_lang, render
from uasa.web.support.navigation import run_href
from uasa.web.support.paths import rdf_request
from uasa.web.support.run import run_query

blueprint = Blueprint("documents", __name__)

RDF_VIEWS = (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))
SPARQL_QUERY = "application/sparql-query"


def see_other(html: str, rdf: str) -> ResponseReturnValue:
    """303 to `html` or to `rdf` (with `{suffix}` filled in), by Accept."""
    fmt = conneg.page_or_graph(request.headers.get("Accept"))
    target = html if fmt is conneg.HTML else rdf.format(suffix=fmt.suffix)
    response = redirect(request.script_root + target, code=303)
    response.vary.add("Accept")
    return response


def _asks(name: str, iri: str) -> bool:
    """Whether the query ``name``.rq (a SELECT … LIMIT 1 of ?this) finds ``iri``."""
    rows = select(
        context.executor(),
        sparql.query(name),
        context.settings().query_timeout,
        substitutions={"this": NamedNode(iri)},
    )
    return bool(rows)


def _graph_document(name: str) -> ResponseReturnValue:
    return see_other(f"/page/graph/{name}", f"/data/graph/{name}.{{suffix}}")


@blueprint.get("/def/<path:rest>")
def ontology_part(rest: str) -> ResponseReturnValue:
    iri = f"{ONTOLOGY}/{rest}"
    try:
        NamedNode(iri)
    except ValueError:  # a space, `\\`, `<`, a control character: no IRI, so no resource
        raise UasaError(
            400, f"Not an IRI: {iri!r} has characters an IRI may not contain."
        ) from None
    if iri == f"{ONTOLOGY}/alignments":
        return _graph_document(Graphs.ALIGNMENTS.rsplit("/", 1)[-1])
    if "/" not in rest and _asks("ontology-version", iri):
        return see_other("/page/def", "/data/def.{suffix}")
    raise UasaError(
        404, f"Not found: no resource {iri} in this dataset.", headers={"Vary": "Accept"}
    )


@blueprint.get("/shapes")
def shapes() -> ResponseReturnValue:
    return _graph_document(Graphs.SHAPES.rsplit("/", 1)[-1])


@blueprint.get("/dataset")
def dataset() -> ResponseReturnValue:
    return see_other("/", "/.well-known/void")


@blueprint.get("/catalog")
def catalog() -> ResponseReturnValue:
    return see_other("/", "/.well-known/void")


def _query_model(name: str) -> Any:
    q = context.catalogue().get(name)
    if q is None:
        raise UasaError(
            404,
            f"No saved query {BASE}query/{name}. The catalogue is at /queries.",
            headers={"Vary": "Accept"},
        )
    return q


@blueprint.get("/query/<name>")
def saved_query(name: str) -> ResponseReturnValue:
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        _query_model(name)
        return see_other(f"/query/{name}.html", f"/query/{name}.{{suffix}}")
    q = _query_model(stem)
    if suffix == "rq":
        return Response(q.text, content_type=SPARQL_QUERY)
    if suffix == "html":
        lang = choose_lang()
        root = request.script_root
        return render(
            "saved_query.html",
            lang,
            page={
                "title": q.summary.get(lang, q.summary["en"]),
                "iri": q.iri,
                "query": q,
                "run": run_href(q),
                "text": f"{root}/query/{q.name}.rq",
            },
            rdf_views=[(label, f"{root}/query/{q.name}.{sfx}") for label, sfx in RDF_VIEWS],
            sparql_href=f"{root}/sparql?query={quote(q.text, safe='')}",
        )
    fmt = next((f for f in conneg.by_suffix(suffix) if f.kind == "graph"), None)
    if fmt is None:
        abort(404)
    return run_query(rdf_request(q.iri, fmt.media_type))
