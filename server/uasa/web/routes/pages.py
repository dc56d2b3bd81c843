"""`/page/…`: server-rendered HTML for every dereferenceable IRI, in English or Ukrainian.

The page is built from the same CONSTRUCT as the RDF view (so the two never disagree), parsed
into a small in-memory model (`uasa.web.pages.resource`, `…ontology`) and rendered by Jinja2
templates; no JavaScript, no outside assets.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from uasa.core.iris import BASE, GRAPH, ONTOLOGY, Graphs
from uasa.web.pages.ontology import graph_page, ontology_page
from uasa.web.pages.overview import Event
from uasa.web.pages.resource import party_events, resource_page
from uasa.web.support.i18n import choose_lang
from uasa.web.support.paths import find_iri, not_found, resource_path, sparql_link
from uasa.web.support.ui import UI

blueprint = Blueprint("pages", __name__)

RDF_VIEWS = (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))


@blueprint.get("/page/<path:rest>")
def page(rest: str) -> ResponseReturnValue:
    path = resource_path(rest)
    if path is None:
        abort(404)
    lang = choose_lang()
    iri = find_iri(path)
    if iri is None:
        raise not_found(path)
    events: list[Event] = []
    model: object
    if iri == ONTOLOGY:
        template, model = "ontology.html", ontology_page(lang)
    elif iri.startswith(GRAPH) or iri in vars(Graphs).values():
        template, model = "graph.html", graph_page(iri)
    else:
        resource = resource_page(iri, lang)
        template, model, events = "resource.html", resource, party_events(resource, lang)
    base_path = f"{request.script_root}/{path}"
    body = render_template(
        template,
        page=model,
        lang=lang,
        t=UI[lang],
        other_lang="uk" if lang == "en" else "en",
        path=path,
        rdf_views=[(name, f"{request.script_root}/data/{path}.{sfx}") for name, sfx in RDF_VIEWS],
        sparql_href=sparql_link(iri),
        events=events,
        iri_href=base_path,
        is_base=iri.startswith(BASE),
    )
    response = current_app.make_response(body)
    response.content_type = "text/html; charset=utf-8"
    response.content_language = [lang]
    response.vary.update(["Accept", "Accept-Language"])
    return response
