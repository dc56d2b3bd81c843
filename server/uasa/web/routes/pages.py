"""`/page/…`: server-rendered HTML for every dereferenceable IRI, in English or Ukrainian.

The page is built from the same CONSTRUCT as the RDF view (so the two never disagree), parsed
into a small in-memory model and rendered by Jinja2 templates; no JavaScript, no outside assets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from uasa.core.iris import (
    BASE,
    DCT,
    DEF,
    FOAF,
    GRAPH,
    LABEL_PROPERTIES,
    ONTOLOGY,
    OWL,
    OWNING_PROPERTIES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    Graphs,
)
from uasa.query import resource_view as view
from uasa.query.rows import select
from uasa.query.types import QueryRequest
from uasa.web.support import context, overview
from uasa.web.support.i18n import choose_lang
from uasa.web.support.labels import local_name
from uasa.web.support.paths import (
    find_iri,
    not_found,
    page_path,
    rdf_request,
    resource_path,
    sparql_link,
)
from uasa.web.support.ui import UI

blueprint = Blueprint("pages", __name__)

TYPE = RDF + "type"
NAMES = (DCT + "title", SCHEMA + "name", FOAF + "name")
URLS = (SCHEMA + "url", FOAF + "page")
SOURCES = (PROV + "wasDerivedFrom", DCT + "source", DEF + "announcement", DEF + "officialText")
DEFINITIONS = (SKOS + "definition", RDFS + "comment", DCT + "description")
RDF_VIEWS = (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))

Term = NamedNode | BlankNode | Literal


class Graph:
    """The parsed view: triples indexed by subject and by object, with label lookup."""

    def __init__(self, triples: Iterable[Triple], lang: str) -> None:
        self.lang = lang
        self.out: dict[Any, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.inc: dict[Any, list[tuple[Term, str]]] = defaultdict(list)
        for t in triples:
            if isinstance(t.subject, Triple) or isinstance(t.object, Triple):
                continue  # RDF-star terms: the data has none, and a page could not show them
            values = self.out[t.subject][t.predicate.value]
            if t.object not in values:
                values.append(t.object)
            self.inc[t.object].append((t.subject, t.predicate.value))

    def values(self, node: Term, prop: str) -> list[Term]:
        return list(self.out.get(node, {}).get(prop, []))

    def first(self, node: Term, *props: str) -> Term | None:
        for p in props:
            found = self.values(node, p)
            if found:
                return found[0]
        return None

    def text(self, node: Term, props: Iterable[str]) -> Literal | None:
        """The best literal among ``props`` for the page language: lang, en, uk, none, any."""
        found = [v for p in props for v in self.values(node, p) if isinstance(v, Literal)]
        for want in (self.lang, "en", "uk", None):
            for v in found:
                if (v.language or None) == want:
                    return v
        return found[0] if found else None

    def label(self, node: Term) -> str:
        if isinstance(node, Literal):
            return node.value
        found = self.text(node, LABEL_PROPERTIES) or self.text(node, NAMES)
        if found is not None:
            return found.value
        if isinstance(node, NamedNode):
            return local_name(node.value)
        return "(unnamed node)"

    def label_lang(self, node: Term) -> str | None:
        found = self.text(node, LABEL_PROPERTIES) or self.text(node, NAMES)
        return found.language if found is not None else None


@dataclass
class Value:
    text: str
    href: str | None = None
    external: str | None = None  # a source's own URL
    lang: str | None = None
    datatype: str | None = None
    rows: list[Row] = field(default_factory=list)  # a blank node's own properties


@dataclass
class Row:
    iri: str
    label: str
    href: str | None
    values: list[Value]


def _decimal(text: str) -> str:
    try:
        return f"{Decimal(text):,f}"
    except InvalidOperation:
        return text


def value_of(g: Graph, node: Term, depth: int = 0) -> Value:
    if isinstance(node, Literal):
        datatype = node.datatype.value if node.datatype else None
        shown = node.value
        if datatype and datatype.endswith("#decimal"):
            shown = _decimal(shown)
        return Value(
            shown,
            lang=node.language,
            datatype=local_name(datatype) if datatype and not node.language else None,
        )
    if isinstance(node, BlankNode):
        return Value(g.label(node), rows=rows_of(g, node, depth + 1) if depth < 3 else [])
    url = g.first(node, *URLS)
    return Value(
        g.label(node),
        href=page_path(node.value) or node.value,
        external=url.value if isinstance(url, NamedNode) else None,
        lang=g.label_lang(node),
    )


def prop_row(g: Graph, prop: str, values: Iterable[Term], depth: int = 0) -> Row:
    p = NamedNode(prop)
    shown = sorted((value_of(g, v, depth) for v in values), key=lambda v: v.text.casefold())
    return Row(prop, g.label(p), page_path(prop) or prop, shown)


def rows_of(g: Graph, node: Term, depth: int = 0, skip: Iterable[str] = ()) -> list[Row]:
    skipped = set(skip)
    rows = [
        prop_row(g, prop, values, depth)
        for prop, values in g.out.get(node, {}).items()
        if prop not in skipped
    ]
    return sorted(rows, key=lambda r: r.label.casefold())


def _fetch(req: QueryRequest) -> list[Triple]:
    result = context.executor().execute(req, timeout=context.settings().query_timeout)
    return list(parse(result.body, format=RdfFormat.N_TRIPLES))


def _parts(g: Graph, this: NamedNode) -> dict[str, list[Term]]:
    """Resources that point at ``this`` by an owning property, by that property."""
    owning = set(OWNING_PROPERTIES)
    parts: dict[str, list[Term]] = defaultdict(list)
    for subject, prop in g.inc.get(this, []):
        if prop in owning and subject not in parts[prop]:
            parts[prop].append(subject)
    return parts


def _part_items(g: Graph, nodes: Iterable[Term], this: NamedNode) -> list[dict[str, Any]]:
    """The owned nodes of one kind (signatures, provisions …), each with its own rows."""
    items = [
        {
            "title": _part_title(g, n, this),
            "href": page_path(n.value) if isinstance(n, NamedNode) else None,
            "rows": rows_of(g, n, skip={TYPE, *OWNING_PROPERTIES}),
        }
        for n in nodes
    ]
    return sorted(items, key=lambda item: str(item["title"]).casefold())


def _part_title(g: Graph, node: Term, this: NamedNode) -> str:
    """A part's label, or its type and what it links to (a membership: "Membership: G7")."""
    if g.text(node, LABEL_PROPERTIES) or g.text(node, NAMES):
        return g.label(node)
    types = [g.label(t) for t in g.values(node, TYPE)]
    others = [
        g.label(v)
        for prop, vals in g.out.get(node, {}).items()
        if prop != TYPE and prop not in SOURCES
        for v in vals
        if isinstance(v, NamedNode) and v != this and g.text(v, LABEL_PROPERTIES)
    ]
    return ": ".join(x for x in (", ".join(types), ", ".join(others[:2])) if x) or g.label(node)


def agreement_sections(g: Graph, this: NamedNode, parts: dict[str, list[Term]]) -> dict[str, Any]:
    signatures = [
        {
            "href": page_path(s.value) if isinstance(s, NamedNode) else None,
            "signatory": [value_of(g, v) for v in g.values(s, DEF + "signatory")],
            "behalf": [value_of(g, v) for v in g.values(s, DEF + "onBehalfOf")],
            "office": g.text(s, [DEF + "officeTitle"]),
            "date": g.first(s, DCT + "date"),
            "place": [value_of(g, v) for v in g.values(s, DEF + "atPlace")],
        }
        for s in parts.get(DEF + "signatureOf", [])
    ]
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in parts.get(DEF + "provisionOf", []):
        item = {
            "href": page_path(p.value) if isinstance(p, NamedNode) else None,
            "title": _part_title(g, p, this),
            "text": g.text(p, DEFINITIONS),
        }
        for category in g.values(p, DCT + "subject") or [Literal("—")]:
            by_category[g.label(category)].append(item)
    commitments = []
    for c in parts.get(DEF + "commitmentOf", []):
        amounts = []
        for a in g.values(c, DEF + "amount"):
            value, currency = g.first(a, SCHEMA + "value"), g.first(a, SCHEMA + "currency")
            if value is not None:
                shown = _decimal(value.value)
                amounts.append(f"{currency.value} {shown}" if currency is not None else shown)
        start, end = g.first(c, DEF + "periodStart"), g.first(c, DEF + "periodEnd")
        period = g.first(c, DEF + "periodLabel")
        commitments.append(
            {
                "href": page_path(c.value) if isinstance(c, NamedNode) else None,
                "obligor": [value_of(g, v) for v in g.values(c, DEF + "obligor")],
                "category": [value_of(g, v) for v in g.values(c, DCT + "subject")],
                "amount": ", ".join(amounts),
                "qualifier": [value_of(g, v) for v in g.values(c, DEF + "amountQualifier")],
                "period": period.value
                if period is not None
                else "\u2013".join(x.value for x in (start, end) if x is not None),
                "purpose": g.text(c, [DEF + "purpose"]),
                "text": g.text(c, DEFINITIONS),
            }
        )
    frameworks = [
        value_of(g, v)
        for prop in (DEF + "implements", DEF + "refersTo")
        for v in g.values(this, prop)
    ]
    return {
        "signatures": signatures,
        "provisions": sorted(by_category.items(), key=lambda kv: kv[0].casefold()),
        "commitments": commitments,
        "frameworks": frameworks,
    }


def resource_page(iri: str, lang: str) -> dict[str, Any]:
    req = rdf_request(iri, "application/n-triples")
    g = Graph(_fetch(req), lang)
    this = NamedNode(iri)
    types = g.values(this, TYPE)
    parts = _parts(g, this)
    is_agreement = any(
        isinstance(t, NamedNode) and t.value in {DEF + "Agreement", DEF + "SecurityAgreement"}
        for t in types
    )
    part_nodes = {n for nodes in parts.values() for n in nodes}
    sources = [
        value_of(g, v)
        for node in [this, *part_nodes]
        for prop in SOURCES
        for v in g.values(node, prop)
    ]
    unique_sources = list({(s.href, s.text): s for s in sources}.values())
    incoming: dict[str, list[Term]] = defaultdict(list)
    for subject, prop in g.inc.get(this, []):
        if subject not in part_nodes and subject not in incoming[prop]:
            incoming[prop].append(subject)
    special = set(SOURCES) | {TYPE}
    page = {
        "iri": iri,
        "title": g.label(this),
        "title_lang": g.label_lang(this),
        "definition": g.text(this, DEFINITIONS),
        "types": [value_of(g, t) for t in types],
        "rows": rows_of(g, this, skip=special),
        "incoming": sorted(
            (prop_row(g, p, subjects) for p, subjects in incoming.items()),
            key=lambda r: r.label.casefold(),
        ),
        "parts": [
            {
                "prop": g.label(NamedNode(prop)),
                "items": _part_items(g, nodes, this),
            }
            for prop, nodes in sorted(parts.items())
            if not (is_agreement and prop in AGREEMENT_PARTS)
        ],
        "sources": sorted(unique_sources, key=lambda v: v.text.casefold()),
        "agreement": agreement_sections(g, this, parts) if is_agreement else None,
    }
    return page


AGREEMENT_PARTS = {DEF + "signatureOf", DEF + "provisionOf", DEF + "commitmentOf"}


def ontology_page(lang: str) -> dict[str, Any]:
    g = Graph(_fetch(rdf_request(ONTOLOGY, "application/n-triples")), lang)
    this = NamedNode(ONTOLOGY)
    kinds = (
        ("classes", OWL + "Class"),
        ("object_properties", OWL + "ObjectProperty"),
        ("datatype_properties", OWL + "DatatypeProperty"),
    )
    terms: dict[str, list[dict[str, Any]]] = {}
    for key, cls in kinds:
        nodes = [
            s
            for s, _ in g.inc.get(NamedNode(cls), [])
            if isinstance(s, NamedNode) and s.value.startswith(DEF)
        ]
        terms[key] = sorted(
            (
                {
                    "id": s.value[len(DEF) :],
                    "iri": s.value,
                    "label": g.label(s),
                    "definition": g.text(s, DEFINITIONS),
                    "rows": rows_of(
                        g, s, skip={TYPE, *LABEL_PROPERTIES, *DEFINITIONS, RDFS + "isDefinedBy"}
                    ),
                }
                for s in set(nodes)
            ),
            key=lambda t: t["id"].casefold(),
        )
    settings, executor = context.settings(), context.executor()
    extras = select(executor, view.ONTOLOGY_EXTRAS, settings.query_timeout)
    schemes: dict[str, dict[str, str]] = {}
    shapes: list[dict[str, str]] = []
    for row in extras:
        node = row["node"]["value"]
        if row["kind"]["value"] == "scheme":
            entry = schemes.setdefault(node, {"iri": node, "label": local_name(node)})
            label = row.get("label")
            if label and (label.get("xml:lang") == lang or entry["label"] == local_name(node)):
                entry["label"] = label["value"]
        elif row["node"]["type"] == "uri":
            target = row.get("target", {}).get("value")
            shapes.append({"name": local_name(node), "target": target or ""})
    return {
        "iri": ONTOLOGY,
        "title": g.label(this) if g.text(this, NAMES) else "uasa ontology",
        "title_lang": g.label_lang(this),
        "definition": g.text(this, DEFINITIONS),
        "rows": rows_of(g, this, skip={TYPE, *NAMES, *DEFINITIONS}),
        "terms": terms,
        "schemes": [
            {**s, "href": page_path(s["iri"])}
            for s in sorted(schemes.values(), key=lambda s: s["label"].casefold())
        ],
        "shapes": [{**s, "href": page_path(s["target"]) if s["target"] else None} for s in shapes],
    }


def graph_page(iri: str) -> dict[str, Any]:
    settings, executor = context.settings(), context.executor()
    subs = {"this": NamedNode(iri)}
    size = select(executor, view.GRAPH_SIZE, settings.query_timeout, substitutions=subs)
    classes = select(executor, view.GRAPH_CLASSES, settings.query_timeout, substitutions=subs)
    return {
        "iri": iri,
        "title": local_name(iri),
        "triples": int(size[0]["n"]["value"]) if size else 0,
        "classes": [
            {
                "iri": c["class"]["value"],
                "label": local_name(c["class"]["value"]),
                "href": page_path(c["class"]["value"]) or c["class"]["value"],
                "count": int(c["n"]["value"]),
            }
            for c in classes
            if c["class"]["type"] == "uri"
        ],
    }


@blueprint.get("/page/<path:rest>")
def page(rest: str) -> ResponseReturnValue:
    path = resource_path(rest)
    if path is None:
        abort(404)
    lang = choose_lang()
    iri = find_iri(path)
    if iri is None:
        raise not_found(path)
    events: list[dict[str, Any]] = []
    if iri == ONTOLOGY:
        template, model = "ontology.html", ontology_page(lang)
    elif iri.startswith(GRAPH) or iri in vars(Graphs).values():
        template, model = "graph.html", graph_page(iri)
    else:
        template, model = "resource.html", resource_page(iri, lang)
        events = overview.party_timeline(iri, lang)
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
