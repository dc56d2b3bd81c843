"""The HTML page of one resource (`/page/…`): its key facts, its properties, the parts it owns
(signatures, provisions, commitments, memberships, claims …), what links to it, and a
reference list numbered in the order the page cites its sources.

An agreement leads with its own sections (`agreement`); a series lists its agreements
(`series_network`); a partner shows its timeline (`overview.party_timeline`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from pyoxigraph import Literal, NamedNode

from uasa.core.iris import DCT, DEF, LABEL_PROPERTIES, ORG, OWL, OWNING_PROPERTIES, SCHEMA, SKOS
from uasa.web.pages import agreement as agreement_page
from uasa.web.pages import series_network
from uasa.web.pages.agreement import AgreementSections, Parts, part_title
from uasa.web.pages.overview import Event, party_timeline
from uasa.web.pages.rdf_view import (
    DEFINITIONS,
    SOURCES,
    TYPE,
    Graph,
    Row,
    Term,
    Value,
    prop_row,
    rows_of,
    value_of,
)
from uasa.web.pages.references import Cited, References
from uasa.web.support.collation import sort_key
from uasa.web.support.labels import local_name
from uasa.web.support.lookup import kind_of
from uasa.web.support.paths import page_path

# Values the build computes (rules/10-expiry-dates.ru): marked "computed", not sourced.
COMPUTED = {DEF + "expiryDate"}
# An agreement's own sections show these parts; its page lists no other group for them.
AGREEMENT_PARTS = {DEF + "signatureOf", DEF + "provisionOf", DEF + "commitmentOf"}
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


@dataclass(frozen=True)
class PartItem:
    title: str
    href: str | None
    rows: list[Row]
    refs: list[int]


@dataclass(frozen=True)
class PartGroup:
    """The owned nodes of one kind (signatures, provisions …)."""

    prop: str  # the owning property's label
    key: str  # its local name, for the translated heading
    items: list[PartItem]


@dataclass(frozen=True)
class ResourcePage:
    iri: str
    title: str
    title_lang: str | None
    definition: Literal | None
    types: list[Value]
    kind: str
    key_rows: list[Row]
    linked: dict[str, list[Cited[Value]]]  # by what they are: agreements, signatures, memberships
    agreement: AgreementSections | None
    rows: list[Row]
    parts: list[PartGroup]
    incoming: list[Row]
    is_source: bool
    refs: References
    # A series (the bilateral agreements) lists the security agreements and draws their
    # network, not its own neighbourhood of count claims.
    series: list[series_network.SeriesRow] | None


@dataclass(frozen=True)
class _Resource:
    """What a page is built from: the view, the resource and how its neighbours relate."""

    g: Graph
    this: NamedNode
    refs: References
    type_iris: set[str]
    parts: Parts  # nodes it owns, by owning property
    incoming: dict[str, list[Term]]  # other nodes pointing at it, by property
    is_agreement: bool
    is_source: bool


def parts_of(g: Graph, this: NamedNode) -> Parts:
    """Resources that point at ``this`` by an owning property, by that property."""
    owning = set(OWNING_PROPERTIES)
    parts: Parts = defaultdict(list)
    for subject, prop in g.inc.get(this, []):
        if prop in owning and subject not in parts[prop]:
            parts[prop].append(subject)
    return parts


def _read(iri: str, lang: str) -> _Resource:
    g = Graph.of(iri, lang)
    this = NamedNode(iri)
    refs = References.of(g, iri)
    type_iris = {t.value for t in g.values(this, TYPE) if isinstance(t, NamedNode)}
    parts = parts_of(g, this)
    part_nodes = {n for nodes in parts.values() for n in nodes}
    incoming: dict[str, list[Term]] = defaultdict(list)
    for subject, prop in g.inc.get(this, []):
        if subject not in part_nodes and subject not in incoming[prop]:
            incoming[prop].append(subject)
    return _Resource(
        g,
        this,
        refs,
        type_iris,
        parts,
        incoming,
        is_agreement=bool(type_iris & {DEF + "Agreement", DEF + "SecurityAgreement"}),
        is_source=DEF + "Source" in type_iris,
    )


def _marker(r: _Resource) -> Callable[[Row], Row]:
    """Marks a row of the resource's own facts with its sources, or as computed."""

    def marked(row: Row) -> Row:
        if r.is_source or row.iri in (TYPE, *LABEL_PROPERTIES, SKOS + "altLabel"):
            return row
        if row.iri in COMPUTED:
            row.computed = True
        else:
            row.refs = r.refs.cite(r.this)
        return row

    return marked


def _linked(r: _Resource) -> dict[str, list[Cited[Value]]]:
    """Agreements and signatures pointing at a party or person, and its memberships."""
    linked: dict[str, list[Cited[Value]]] = defaultdict(list)
    if r.is_agreement:
        return {}
    for prop, subjects in r.incoming.items():
        if prop in LINKS_IN:
            for subject in subjects:
                linked[LINKS_IN[prop]].append(Cited(value_of(r.g, subject), r.refs.cite(subject)))
    for part in r.parts.get(ORG + "member", []):
        linked["memberships"].append(Cited(value_of(r.g, part), r.refs.cite(part)))
    for key in linked:
        unique = {item.value.href: item for item in linked[key]}
        linked[key] = sorted(unique.values(), key=lambda i: sort_key(i.value.text, r.g.lang))
    return dict(linked)


def _part_items(r: _Resource, nodes: Iterable[Term]) -> list[PartItem]:
    """The owned nodes of one kind, each with its own rows and the numbers of its sources."""
    skip = {TYPE, *OWNING_PROPERTIES, *LABEL_PROPERTIES, *SOURCES}
    items = [
        PartItem(
            title=part_title(r.g, n, r.this),
            href=page_path(n.value) if isinstance(n, NamedNode) else None,
            rows=rows_of(r.g, n, skip=skip),
            refs=r.refs.cite(n),
        )
        for n in nodes
    ]
    return sorted(items, key=lambda item: sort_key(str(item.title), r.g.lang))


def _part_groups(r: _Resource) -> list[PartGroup]:
    return [
        PartGroup(r.g.label(NamedNode(prop)), local_name(prop), _part_items(r, nodes))
        for prop, nodes in sorted(r.parts.items())
        if not (r.is_agreement and prop in AGREEMENT_PARTS)
    ]


def resource_page(iri: str, lang: str) -> ResourcePage:
    r = _read(iri, lang)
    g, this = r.g, r.this
    marked = _marker(r)
    # What cites first is numbered first: the calls below keep the page's reading order.
    agreement = agreement_page.sections(g, this, r.parts, r.refs) if r.is_agreement else None
    key_rows = []
    if not r.is_agreement:
        present = g.out.get(this, {})
        key_rows = [marked(prop_row(g, p, present[p])) for p in KEY_FACTS if p in present]
    linked = _linked(r)
    rows = [marked(row) for row in rows_of(g, this, skip={*SOURCES, TYPE})]
    return ResourcePage(
        iri=iri,
        title=g.label(this),
        title_lang=g.label_lang(this),
        definition=g.text(this, DEFINITIONS),
        types=[value_of(g, t) for t in g.values(this, TYPE)],
        kind=kind_of(r.type_iris),
        key_rows=key_rows,
        linked=linked,
        agreement=agreement,
        rows=rows,
        parts=_part_groups(r),
        incoming=sorted(
            (prop_row(g, p, subjects) for p, subjects in r.incoming.items()),
            key=lambda row: sort_key(row.label, lang),
        ),
        is_source=r.is_source,
        refs=r.refs,
        series=series_network.series(lang).rows if DEF + "AgreementSeries" in r.type_iris else None,
    )


def party_events(page: ResourcePage, lang: str) -> list[Event]:
    """The timeline of a partner, each event with the numbers of its sources (after the
    page's own: call it once the page is built)."""
    return [
        replace(e, refs=tuple(page.refs.cite(NamedNode(e.iri))))
        for e in party_timeline(page.iri, lang)
    ]
