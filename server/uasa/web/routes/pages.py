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
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from uasa.core import labels as labels_rule
from uasa.core.iris import (
    BASE,
    DCT,
    DEF,
    FOAF,
    GRAPH,
    LABEL_PROPERTIES,
    ONTOLOGY,
    ORG,
    OWL,
    OWNING_PROPERTIES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    Graphs,
)
from uasa.core.labels import NAME_PROPERTIES, NAMING_PROPERTIES
from uasa.query import resource_view as view
from uasa.query.rows import select
from uasa.query.types import QueryRequest
from uasa.web.support import context, formats, overview, series_network
from uasa.web.support.collation import sort_key
from uasa.web.support.i18n import choose_lang, written_lang
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
URLS = (SCHEMA + "url", FOAF + "page")
SOURCES = (PROV + "wasDerivedFrom", DCT + "source", DEF + "announcement", DEF + "officialText")
DEFINITIONS = (SKOS + "definition", RDFS + "comment", DCT + "description")
RDF_VIEWS = (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))

Term = NamedNode | BlankNode | Literal
XSD = "http://www.w3.org/2001/XMLSchema#"
DATE_TYPES = {XSD + "date", XSD + "gYearMonth", XSD + "gYear"}
# Values the build computes (rules/10-expiry-dates.ru): marked "computed", not sourced.
COMPUTED = {DEF + "expiryDate"}


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

    def _best_name(self, node: Term) -> Literal | None:
        """The label a person should see (core/labels.best: labels, then names; language)."""
        found = [
            (p, v.language, v.value, v)
            for p in NAMING_PROPERTIES
            for v in self.values(node, p)
            if isinstance(v, Literal)
        ]
        chosen = labels_rule.best([c[:3] for c in found], self.lang)
        return next((c[3] for c in found if c[:3] == chosen), None) if chosen else None

    def label(self, node: Term) -> str:
        if isinstance(node, Literal):
            return node.value
        found = self._best_name(node)
        if found is not None:
            return found.value
        if isinstance(node, NamedNode):
            return local_name(node.value)
        return "(unnamed node)"

    def label_lang(self, node: Term) -> str | None:
        found = self._best_name(node)
        return written_lang(found.value, found.language) if found is not None else None


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
    refs: list[int] | None = None  # reference numbers; [] = no source; None = no marker
    computed: bool = False  # derived by the build, not stated by a source


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
        if datatype in DATE_TYPES:
            return Value(formats.when(shown, g.lang))
        return Value(
            shown,
            lang=written_lang(shown, node.language),
            datatype=local_name(datatype) if datatype and not node.language else None,
        )
    if isinstance(node, BlankNode):
        return Value(g.label(node), rows=rows_of(g, node, depth + 1) if depth < 3 else [])
    url = g.first(node, *URLS)
    has_name = g.text(node, NAMING_PROPERTIES)
    if not has_name and not node.value.startswith(BASE):
        return Value(node.value, href=node.value)  # a web page's URL: shown whole
    return Value(
        g.label(node),
        href=page_path(node.value) or node.value,
        external=url.value if isinstance(url, NamedNode) else None,
        lang=g.label_lang(node),
    )


def prop_row(g: Graph, prop: str, values: Iterable[Term], depth: int = 0) -> Row:
    p = NamedNode(prop)

    # The reader's language first, then values without a language, then the other language.
    def order(v: Value) -> tuple[int, tuple[int, ...]]:
        return (0 if v.lang == g.lang else 2 if v.lang else 1, sort_key(v.text))

    shown = sorted((value_of(g, v, depth) for v in values), key=order)
    return Row(prop, g.label(p), page_path(prop) or prop, shown)


def rows_of(g: Graph, node: Term, depth: int = 0, skip: Iterable[str] = ()) -> list[Row]:
    skipped = set(skip)
    rows = [
        prop_row(g, prop, values, depth)
        for prop, values in g.out.get(node, {}).items()
        if prop not in skipped
    ]
    return sorted(rows, key=lambda r: sort_key(r.label))


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


def _part_items(
    g: Graph, nodes: Iterable[Term], this: NamedNode, refs: References
) -> list[dict[str, Any]]:
    """The owned nodes of one kind (signatures, provisions …), each with its own rows and
    the numbers of its sources."""
    items = [
        {
            "title": _part_title(g, n, this),
            "href": page_path(n.value) if isinstance(n, NamedNode) else None,
            "rows": rows_of(g, n, skip={TYPE, *OWNING_PROPERTIES, *LABEL_PROPERTIES, *SOURCES}),
            "refs": refs.cite(n),
        }
        for n in nodes
    ]
    return sorted(items, key=lambda item: str(item["title"]).casefold())


def _part_title(g: Graph, node: Term, this: NamedNode) -> str:
    """A part's label, or its type and what it links to (a membership: "Membership: G7")."""
    if g.text(node, NAMING_PROPERTIES):
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


class References:
    """The page's reference list, numbered in the order the page first cites each source
    (as Wikipedia and Wikidata do): ``cite(node)`` gives the numbers of the sources that node
    states its facts from (``prov:wasDerivedFrom`` and the like)."""

    def __init__(self, g: Graph, rows: list[dict[str, Any]]) -> None:
        self.g = g
        self.by_node: dict[str, list[str]] = defaultdict(list)
        self.info: dict[str, dict[str, Any]] = {}
        for row in rows:
            node = (row.get("node") or row.get("this") or {}).get("value")
            src = row.get("src", {})
            if node is None or src.get("type") != "uri":
                continue
            if src["value"] not in self.by_node[node]:
                self.by_node[node].append(src["value"])
            entry = self.info.setdefault(src["value"], {})
            for key in ("title", "publisher", "issued", "url"):
                if key in row and key not in entry:
                    entry[key] = row[key]
        self.numbers: dict[str, int] = {}

    def cite(self, *nodes: Term) -> list[int]:
        found: list[int] = []
        for node in nodes:
            if not isinstance(node, NamedNode):
                continue
            sources = self.by_node.get(node.value) or [
                v.value for p in SOURCES for v in self.g.values(node, p) if isinstance(v, NamedNode)
            ]
            for src in sources:
                n = self.numbers.setdefault(src, len(self.numbers) + 1)
                if n not in found:
                    found.append(n)
        return sorted(found)

    def items(self) -> list[dict[str, Any]]:
        out = []
        for src, n in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            info = self.info.get(src, {})
            title = info.get("title")
            url = info.get("url", {}).get("value")
            out.append(
                {
                    "n": n,
                    "href": page_path(src) or src,
                    "label": self.g.label(NamedNode(src)),
                    "title": title["value"] if title else None,
                    "title_lang": title.get("xml:lang") if title else None,
                    "publisher": info.get("publisher", {}).get("value"),
                    "publisher_lang": info.get("publisher", {}).get("xml:lang"),
                    "date": formats.when(info.get("issued", {}).get("value"), self.g.lang),
                    "url": url,
                    "host": urlsplit(url).hostname if url else None,
                }
            )
        return out


def _dated(g: Graph, node: Term | None) -> str:
    return formats.when(node.value, g.lang) if isinstance(node, Literal) else ""


def agreement_sections(
    g: Graph, this: NamedNode, parts: dict[str, list[Term]], refs: References
) -> dict[str, Any]:
    """The agreement's summary, then its signatures, provisions and commitments, each value
    with the numbers of its sources (the agreement's core facts share the agreement's)."""
    core = refs.cite(this)
    clauses = [p for p in parts.get(DEF + "provisionOf", []) if g.values(p, DEF + "durationYears")]
    duration = [
        {"years": v.value, "refs": refs.cite(c)}
        for c in clauses
        for v in g.values(c, DEF + "durationYears")
    ]
    expiry = g.first(this, DEF + "expiryDate")
    signatures = [
        {
            "href": page_path(s.value) if isinstance(s, NamedNode) else None,
            "label": g.label(s),
            "signatory": [value_of(g, v) for v in g.values(s, DEF + "signatory")],
            "behalf": [value_of(g, v) for v in g.values(s, DEF + "onBehalfOf")],
            "office": g.text(s, [DEF + "officeTitle"]),
            "date": _dated(g, g.first(s, DCT + "date")),
            "place": [value_of(g, v) for v in g.values(s, DEF + "atPlace")],
            "refs": refs.cite(s),
        }
        for s in parts.get(DEF + "signatureOf", [])
    ]
    commitments = []
    for c in parts.get(DEF + "commitmentOf", []):
        amounts = []
        for a in g.values(c, DEF + "amount"):
            value, currency = g.first(a, SCHEMA + "value"), g.first(a, SCHEMA + "currency")
            if value is not None:
                shown = formats.number(_decimal_value(value.value), g.lang)
                amounts.append(f"{currency.value} {shown}" if currency is not None else shown)
        start, end = g.first(c, DEF + "periodStart"), g.first(c, DEF + "periodEnd")
        period = g.first(c, DEF + "periodLabel")
        commitments.append(
            {
                "href": page_path(c.value) if isinstance(c, NamedNode) else None,
                "label": g.label(c),
                "headline": not g.values(c, DEF + "partOfCommitment"),
                "obligor": [value_of(g, v) for v in g.values(c, DEF + "obligor")],
                "category": [value_of(g, v) for v in g.values(c, DCT + "subject")],
                "amount": ", ".join(amounts),
                "qualifier": [value_of(g, v) for v in g.values(c, DEF + "amountQualifier")],
                "period": period.value
                if period is not None
                else "\u2013".join(x.value for x in (start, end) if x is not None),
                "purpose": g.text(c, [DEF + "purpose"]),
                "text": g.text(c, DEFINITIONS),
                "refs": refs.cite(c),
            }
        )
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in parts.get(DEF + "provisionOf", []):
        item = {
            "href": page_path(p.value) if isinstance(p, NamedNode) else None,
            "title": _part_title(g, p, this),
            "text": g.text(p, DEFINITIONS),
            "refs": refs.cite(p),
        }
        for category in g.values(p, DCT + "subject") or [Literal("—")]:
            by_category[g.label(category)].append(item)
    frameworks = [
        value_of(g, v)
        for prop in (DEF + "implements", DEF + "refersTo")
        for v in g.values(this, prop)
    ]
    summary = {
        "partner": [value_of(g, v) for v in g.values(this, DEF + "partner")],
        "date": _dated(g, g.first(this, DEF + "signingDate")),
        "place": [value_of(g, v) for v in g.values(this, DEF + "signingPlace")],
        "duration": duration,
        "expiry": _dated(g, expiry),
        "refs": core,
    }
    return {
        "summary": summary,
        "signatures": signatures,
        "provisions": sorted(by_category.items(), key=lambda kv: sort_key(kv[0])),
        "commitments": commitments,
        "frameworks": frameworks,
    }


def _decimal_value(text: str) -> Decimal | str:
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


# The few facts a page of another kind leads with, in this order (when the resource has them).
KEY_FACTS = (
    DEF + "milestoneKind",
    DEF + "negotiatingPartner",
    DEF + "milestoneOf",
    DEF + "signatory",
    DEF + "onBehalfOf",
    DEF + "signatureOf",
    DEF + "provisionOf",
    DEF + "commitmentOf",
    DEF + "claimSubject",
    DEF + "claimProperty",
    DEF + "claimedValue",
    DEF + "claimedObject",
    DEF + "asOf",
    ORG + "member",
    ORG + "organization",
    DEF + "memberSince",
    DCT + "title",
    DCT + "publisher",
    DCT + "issued",
    SCHEMA + "url",
    DCT + "date",
    DEF + "atPlace",
    DEF + "officeTitle",
    DCT + "subject",
    DEF + "obligor",
    DEF + "amount",
    DEF + "isoAlpha",
    OWL + "sameAs",
)
# Agreements a party or person page lists first, by the property pointing at the page.
LINKS_IN = {
    DEF + "partner": "agreements",
    DEF + "party": "agreements",
    DEF + "signatory": "signatures",
}


def resource_page(iri: str, lang: str) -> dict[str, Any]:
    req = rdf_request(iri, "application/n-triples")
    g = Graph(_fetch(req), lang)
    this = NamedNode(iri)
    settings, executor = context.settings(), context.executor()
    cited = select(
        executor, view.RESOURCE_SOURCES, settings.query_timeout, substitutions={"this": this}
    )
    refs = References(g, cited)
    types = g.values(this, TYPE)
    type_iris = {t.value for t in types if isinstance(t, NamedNode)}
    parts = _parts(g, this)
    is_agreement = bool(type_iris & {DEF + "Agreement", DEF + "SecurityAgreement"})
    is_source = DEF + "Source" in type_iris
    part_nodes = {n for nodes in parts.values() for n in nodes}
    incoming: dict[str, list[Term]] = defaultdict(list)
    for subject, prop in g.inc.get(this, []):
        if subject not in part_nodes and subject not in incoming[prop]:
            incoming[prop].append(subject)

    def marked(row: Row) -> Row:
        if is_source or row.iri in (TYPE, *LABEL_PROPERTIES, SKOS + "altLabel"):
            return row
        if row.iri in COMPUTED:
            row.computed = True
        else:
            row.refs = refs.cite(this)
        return row

    agreement = agreement_sections(g, this, parts, refs) if is_agreement else None
    key_rows = []
    if not is_agreement:
        present = g.out.get(this, {})
        key_rows = [marked(prop_row(g, p, present[p])) for p in KEY_FACTS if p in present]
    linked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for prop, subjects in incoming.items():
        if prop in LINKS_IN and not is_agreement:
            for subject in subjects:
                linked[LINKS_IN[prop]].append(
                    {"value": value_of(g, subject), "refs": refs.cite(subject)}
                )
    if not is_agreement:
        for part in parts.get(ORG + "member", []):
            linked["memberships"].append({"value": value_of(g, part), "refs": refs.cite(part)})
    for key in linked:
        unique = {item["value"].href: item for item in linked[key]}
        linked[key] = sorted(unique.values(), key=lambda i: sort_key(i["value"].text))
    special = set(SOURCES) | {TYPE}
    rows = [marked(r) for r in rows_of(g, this, skip=special)]
    page = {
        "iri": iri,
        "title": g.label(this),
        "title_lang": g.label_lang(this),
        "definition": g.text(this, DEFINITIONS),
        "types": [value_of(g, t) for t in types],
        "kind": overview.kind_of(type_iris),
        "key_rows": key_rows,
        "linked": dict(linked),
        "agreement": agreement,
        "rows": rows,
        "parts": [
            {
                "prop": g.label(NamedNode(prop)),
                "key": local_name(prop),
                "items": _part_items(g, nodes, this, refs),
            }
            for prop, nodes in sorted(parts.items())
            if not (is_agreement and prop in AGREEMENT_PARTS)
        ],
        "incoming": sorted(
            (prop_row(g, p, subjects) for p, subjects in incoming.items()),
            key=lambda r: sort_key(r.label),
        ),
        "is_source": is_source,
        "refs": refs,
        # A series (the bilateral agreements) lists the security agreements and draws their
        # network, not its own neighbourhood of count claims.
        "series": series_network.series(lang)["rows"]
        if DEF + "AgreementSeries" in type_iris
        else None,
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
        "title": g.label(this) if g.text(this, NAME_PROPERTIES) else "uasa ontology",
        "title_lang": g.label_lang(this),
        "definition": g.text(this, DEFINITIONS),
        "rows": rows_of(g, this, skip={TYPE, *NAME_PROPERTIES, *DEFINITIONS}),
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
        events = [
            {**e, "refs": model["refs"].cite(NamedNode(e["iri"]))}
            for e in overview.party_timeline(iri, lang)
        ]
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
