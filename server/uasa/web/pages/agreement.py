"""An agreement's page sections: its summary, then its signatures, provisions (by category)
and commitments, each value with the numbers of its sources (the agreement's core facts share
the agreement's)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from uasa.core.iris import DCT, DEF, LABEL_PROPERTIES, SCHEMA
from uasa.core.labels import NAMING_PROPERTIES
from uasa.web.pages.rdf_view import (
    DEFINITIONS,
    SOURCES,
    TYPE,
    Graph,
    Term,
    Value,
    decimal_value,
    value_of,
    values_of,
)
from uasa.web.pages.references import Cited, References
from uasa.web.support import formats
from uasa.web.support.collation import sort_key
from uasa.web.support.paths import page_path

Parts = dict[str, list[Term]]  # owned nodes by owning property (`resource.parts_of`)


@dataclass(frozen=True)
class Summary:
    partner: list[Value]
    date: str
    place: list[Value]
    duration: list[Cited[str]]  # years, by duration clause
    expiry: str  # computed by the build
    refs: list[int]


@dataclass(frozen=True)
class Signature:
    href: str | None
    label: str
    signatory: list[Value]
    behalf: list[Value]
    office: Literal | None
    date: str
    place: list[Value]
    refs: list[int]


@dataclass(frozen=True)
class Commitment:
    href: str | None
    label: str
    headline: bool  # not part of another commitment
    obligor: list[Value]
    category: list[Value]
    amount: str
    qualifier: list[Value]
    period: str
    purpose: Literal | None
    text: Literal | None
    refs: list[int]


@dataclass(frozen=True)
class Provision:
    href: str | None
    title: str
    text: Literal | None
    refs: list[int]


@dataclass(frozen=True)
class AgreementSections:
    summary: Summary
    signatures: list[Signature]
    provisions: list[tuple[str, list[Provision]]]  # by category label
    commitments: list[Commitment]
    frameworks: list[Value]


def _href(node: Term) -> str | None:
    return page_path(node.value) if isinstance(node, NamedNode) else None


def part_title(g: Graph, node: Term, this: NamedNode) -> str:
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


def signature(g: Graph, s: Term, refs: References) -> Signature:
    return Signature(
        href=_href(s),
        label=g.label(s),
        signatory=values_of(g, s, DEF + "signatory"),
        behalf=values_of(g, s, DEF + "onBehalfOf"),
        office=g.text(s, [DEF + "officeTitle"]),
        date=g.dated(g.first(s, DCT + "date")),
        place=values_of(g, s, DEF + "atPlace"),
        refs=refs.cite(s),
    )


def _amounts(g: Graph, c: Term) -> str:
    """A commitment's amounts, each as "EUR 1,000" in the page language."""
    amounts = []
    for a in g.values(c, DEF + "amount"):
        value, currency = g.first(a, SCHEMA + "value"), g.first(a, SCHEMA + "currency")
        if value is not None:
            shown = formats.number(decimal_value(value.value), g.lang)
            amounts.append(f"{currency.value} {shown}" if currency is not None else shown)
    return ", ".join(amounts)


def commitment(g: Graph, c: Term, refs: References) -> Commitment:
    start, end = g.first(c, DEF + "periodStart"), g.first(c, DEF + "periodEnd")
    period = g.first(c, DEF + "periodLabel")
    return Commitment(
        href=_href(c),
        label=g.label(c),
        headline=not g.values(c, DEF + "partOfCommitment"),
        obligor=values_of(g, c, DEF + "obligor"),
        category=values_of(g, c, DCT + "subject"),
        amount=_amounts(g, c),
        qualifier=values_of(g, c, DEF + "amountQualifier"),
        period=period.value
        if period is not None
        else "\u2013".join(x.value for x in (start, end) if x is not None),
        purpose=g.text(c, [DEF + "purpose"]),
        text=g.text(c, DEFINITIONS),
        refs=refs.cite(c),
    )


def provisions(
    g: Graph, nodes: Iterable[Term], this: NamedNode, refs: References
) -> list[tuple[str, list[Provision]]]:
    """The provisions by category label (a provision of several categories is in each)."""
    by_category: dict[str, list[Provision]] = defaultdict(list)
    for p in nodes:
        item = Provision(_href(p), part_title(g, p, this), g.text(p, DEFINITIONS), refs.cite(p))
        for category in g.values(p, DCT + "subject") or [Literal("—")]:
            by_category[g.label(category)].append(item)
    return sorted(by_category.items(), key=lambda kv: sort_key(kv[0], g.lang))


def summary(g: Graph, this: NamedNode, parts: Parts, refs: References) -> Summary:
    core = refs.cite(this)  # first: the agreement's own sources are numbered first
    clauses = [p for p in parts.get(DEF + "provisionOf", []) if g.values(p, DEF + "durationYears")]
    duration = [
        Cited(v.value, refs.cite(c)) for c in clauses for v in g.values(c, DEF + "durationYears")
    ]
    return Summary(
        partner=values_of(g, this, DEF + "partner"),
        date=g.dated(g.first(this, DEF + "signingDate")),
        place=values_of(g, this, DEF + "signingPlace"),
        duration=duration,
        expiry=g.dated(g.first(this, DEF + "expiryDate")),
        refs=core,
    )


def sections(g: Graph, this: NamedNode, parts: Parts, refs: References) -> AgreementSections:
    # The order of the calls is the order of the reference numbers: keep it.
    head = summary(g, this, parts, refs)
    return AgreementSections(
        summary=head,
        signatures=[signature(g, s, refs) for s in parts.get(DEF + "signatureOf", [])],
        commitments=[commitment(g, c, refs) for c in parts.get(DEF + "commitmentOf", [])],
        provisions=provisions(g, parts.get(DEF + "provisionOf", []), this, refs),
        frameworks=[
            value_of(g, v)
            for prop in (DEF + "implements", DEF + "refersTo")
            for v in g.values(this, prop)
        ],
    )
