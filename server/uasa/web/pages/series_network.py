"""The network of the whole series for `/network`: every security agreement, its partner and
the frameworks it implements or refers to, as cytoscape.js elements and as rows for the page's
table (the same links, readable without scripts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from uasa.core.iris import DEF
from uasa.web.support.lookup import Row, cached, href, labels, run, val
from uasa.web.support.sparql import query

PARTNER = DEF + "partner"


@dataclass(frozen=True)
class Link:
    label: str
    href: str | None


@dataclass(frozen=True)
class SeriesRow:
    """One agreement of the series, as the page's table shows it."""

    label: str
    href: str | None
    date: str
    partner: Link | None
    frameworks: tuple[Link, ...]


@dataclass(frozen=True)
class Series:
    elements: dict[str, Any]  # cytoscape.js JSON: {"nodes": […], "edges": […]}
    rows: list[SeriesRow]


@dataclass
class _Drawing:
    """The graph and the table while the rows are read."""

    names: dict[str, str]
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], str] = field(default_factory=dict)
    partners: dict[str, Link] = field(default_factory=dict)
    frameworks: dict[str, dict[str, Link]] = field(default_factory=dict)

    def link(self, iri: str) -> Link:
        return Link(self.names.get(iri) or iri, href(iri))

    def node(self, iri: str, kind: str) -> None:
        label = self.link(iri).label
        self.nodes.setdefault(iri, {"id": iri, "label": label, "kind": kind, "href": href(iri)})

    def add(self, row: Row, agreement: str) -> None:
        self.node(agreement, "agreement")
        self.frameworks.setdefault(agreement, {})
        partner = val(row, "partner")
        if partner:
            self.node(partner, "party")
            self.edges[(agreement, PARTNER, partner)] = self.names.get(PARTNER, "partner")
            self.partners[agreement] = self.link(partner)
        framework, link = val(row, "framework"), val(row, "link")
        if framework and link:
            self.node(framework, "framework")
            self.edges[(agreement, link, framework)] = self.names.get(link) or link
            self.frameworks[agreement][framework] = self.link(framework)

    def elements(self) -> dict[str, Any]:
        return {
            "nodes": [{"data": n} for n in self.nodes.values()],
            "edges": [
                {"data": {"id": f"e{i}", "source": s, "target": t, "label": label}}
                for i, ((s, _, t), label) in enumerate(sorted(self.edges.items()))
            ],
        }


def _compute(lang: str) -> Series:
    rows = run(query("series_network"))
    iris = [val(r, v) for r in rows for v in ("agreement", "partner", "framework", "link")]
    drawing = _Drawing(labels([*iris, PARTNER], lang))
    dates: dict[str, str] = {}
    for r in rows:
        agreement = val(r, "agreement")
        if agreement is None:
            continue
        dates.setdefault(agreement, val(r, "date") or "")
        drawing.add(r, agreement)
    table = [
        SeriesRow(
            label=drawing.link(a).label,
            href=href(a),
            date=date,
            partner=drawing.partners.get(a),
            frameworks=tuple(sorted(drawing.frameworks[a].values(), key=lambda f: f.label)),
        )
        for a, date in dates.items()
    ]
    return Series(drawing.elements(), sorted(table, key=lambda e: (e.date, e.label)))


def series(lang: str) -> Series:
    found: Series = cached(("series-network", lang), lambda: _compute(lang))
    return found
