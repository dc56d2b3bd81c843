"""The landing page's counts, the timeline of signings and milestones, and the neighbourhood
graph of one resource (`/network/….json`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pyoxigraph import Literal, NamedNode

from uasa.query.types import QueryError
from uasa.web.support import context, formats
from uasa.web.support.labels import local_name
from uasa.web.support.lookup import Row, cached, href, kind_of, labels, run, val
from uasa.web.support.navigation import editor_href, run_href
from uasa.web.support.sparql import query
from uasa.web.support.ui import UI

MAX_QUERY_CHARS = 200  # a search term longer than this is a mistake, not a label
NETWORK_LIMIT = 400


@dataclass(frozen=True)
class Counts:
    agreements: int
    partners: int
    provisions: int
    sources: int
    triples: int


@dataclass(frozen=True)
class Event:
    """One dated event of the timeline: an agreement's signing or a milestone."""

    iri: str
    href: str | None
    kind: str | None  # "signing" or "milestone"
    group: str | None  # "signing", "negotiation" or "framework"
    date: str
    year: str
    label: str
    partner: str | None
    partner_label: str | None
    partner_href: str | None
    milestone_kind: str | None
    agreement_label: str | None
    agreement_href: str | None
    description: str | None
    description_lang: str
    refs: tuple[int, ...] = ()  # reference numbers, on a resource page


def counts() -> Counts:
    def compute() -> Counts:
        row = run(query("overview_counts"))[0]
        triples = context.built().triples
        if triples is None:
            triples = int(val(run(query("overview_triples"))[0], "n") or 0)
        return Counts(
            agreements=int(val(row, "agreements") or 0),
            partners=int(val(row, "partners") or 0),
            provisions=int(val(row, "provisions") or 0),
            sources=int(val(row, "sources") or 0),
            triples=triples,
        )

    counted: Counts = cached(("counts",), compute)
    return counted


def composed_label(row: Row, names: dict[str, str], lang: str) -> str:
    """A human label for a dated event that has none: its kind, its partner (or what it is a
    milestone of) and its date, in the page language: "Talks launched: Lithuania, 10 January
    2024". Never the IRI's slug."""
    t = UI.get(lang, UI["en"])
    date = formats.when(val(row, "when"), lang)
    partner = names.get(val(row, "partner") or "")
    if val(row, "kind") == "signing":
        return t["tl_signed"].format(partner=partner or "?", date=date).strip(", ")
    kind = names.get(val(row, "mkind") or "") or t["milestone"]
    what = partner or names.get(val(row, "agreement") or "") or ""
    if not what:
        return f"{kind}, {date}" if date else kind
    return t["tl_label_of"].format(kind=kind, what=what, date=date).rstrip(", ")


def _event(row: Row, item: str, names: dict[str, str], lang: str) -> Event:
    when, partner, agreement = val(row, "when") or "", val(row, "partner"), val(row, "agreement")
    other = agreement != item  # a signing's agreement is the event itself
    return Event(
        iri=item,
        href=href(item),
        kind=val(row, "kind"),
        group=val(row, "group"),
        date=when,
        year=when[:4],
        label=names.get(item) or composed_label(row, names, lang),
        partner=partner,
        partner_label=names.get(partner or ""),
        partner_href=href(partner),
        milestone_kind=names.get(val(row, "mkind") or ""),
        agreement_label=names.get(agreement or "") if other else None,
        agreement_href=href(agreement) if other else None,
        description=val(row, "description"),
        description_lang=(row.get("description") or {}).get("xml:lang", ""),
    )


def timeline(lang: str) -> list[Event]:
    def compute() -> list[Event]:
        seen: dict[str, Event] = {}
        rows = run(query("overview_timeline"), lang=Literal(lang))
        names = labels(
            (val(r, v) for r in rows for v in ("item", "partner", "agreement", "mkind")), lang
        )
        for row in rows:
            item = val(row, "item")
            if item is None:
                continue
            if item in seen:  # extra rows: several types, or the description in both languages
                described = (row.get("description") or {}).get("xml:lang", "")
                if described == lang and seen[item].description_lang != lang:
                    seen[item] = replace(
                        seen[item], description=val(row, "description"), description_lang=described
                    )
                continue
            seen[item] = _event(row, item, names, lang)
        # Dates may be xsd:date, gYearMonth or gYear: as strings they sort chronologically.
        return sorted(seen.values(), key=lambda e: (e.date, e.kind != "milestone"))

    events: list[Event] = cached(("timeline", lang), compute)
    return events


def party_timeline(iri: str, lang: str) -> list[Event]:
    """The timeline entries of one partner, for its resource page (empty for other pages)."""
    try:
        return [e for e in timeline(lang) if e.partner == iri]
    except QueryError:
        return []  # the page itself still renders; the timeline is an extra


@dataclass
class _Node:
    id: str
    label: str
    types: set[str]
    href: str | None


def neighbourhood(iri: str, lang: str) -> dict[str, Any]:
    """The resource and its direct neighbours in the uasa namespace, as cytoscape elements
    (JSON, as cytoscape.js reads it)."""
    rows = run(query("overview_neighbourhood"), this=NamedNode(iri))
    names = labels([iri, *(val(r, v) for r in rows for v in ("n", "p"))], lang)
    this_types = {v for r in rows if (v := val(r, "thisType"))}
    nodes = {iri: _Node(iri, names.get(iri) or local_name(iri), this_types, href(iri))}
    edges: dict[tuple[str, str, str], str] = {}
    for r in rows:
        n, p = val(r, "n"), val(r, "p")
        if n is None or p is None:
            continue
        node = nodes.setdefault(n, _Node(n, names.get(n) or local_name(n), set(), href(n)))
        if val(r, "type"):
            node.types.add(val(r, "type") or "")
        source, target = (iri, n) if val(r, "dir") == "out" else (n, iri)
        edges.setdefault((source, p, target), names.get(p) or local_name(p))
        if len(nodes) >= NETWORK_LIMIT:
            break
    return {
        "root": iri,
        "nodes": [
            {
                "data": {
                    "id": node.id,
                    "label": node.label,
                    "kind": kind_of(node.types),
                    "href": node.href,
                    "root": node.id == iri,
                }
            }
            for node in nodes.values()
        ],
        "edges": [
            {"data": {"id": f"e{i}", "source": s, "target": t, "label": label, "property": p}}
            for i, ((s, p, t), label) in enumerate(edges.items())
        ],
    }


@dataclass(frozen=True)
class GalleryEntry:
    """A saved query on the landing page: opened in the editor, or run."""

    name: str
    title: str
    description: str
    editor: str
    run: str


def gallery(lang: str) -> list[tuple[str, list[GalleryEntry]]]:
    """The saved queries by tag ("other" for an untagged one), tags in order."""
    by_tag: dict[str, list[GalleryEntry]] = {}
    for q in context.catalogue():
        title = q.summary.get(lang) or q.summary.get("en") or q.name
        entry = GalleryEntry(q.name, title, q.description, editor_href(q.body), run_href(q))
        for tag in q.tags or ("other",):
            by_tag.setdefault(tag, []).append(entry)
    return sorted(by_tag.items())
