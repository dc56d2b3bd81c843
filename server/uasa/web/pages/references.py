"""A resource page's reference list, numbered in the order the page first cites each source
(as Wikipedia and Wikidata do)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from pyoxigraph import NamedNode

from uasa.web.pages.rdf_view import SOURCES, Graph, Term
from uasa.web.support import formats
from uasa.web.support.lookup import Row, run
from uasa.web.support.paths import page_path
from uasa.web.support.sparql import query

T = TypeVar("T")


@dataclass(frozen=True)
class Cited(Generic[T]):
    """A value shown with the numbers of the sources that state it."""

    value: T
    refs: list[int]


@dataclass(frozen=True)
class Reference:
    n: int
    href: str
    label: str
    title: str | None
    title_lang: str | None
    publisher: str | None
    publisher_lang: str | None
    date: str
    url: str | None
    host: str | None


class References:
    """``cite(node)`` gives the numbers of the sources that node states its facts from
    (``prov:wasDerivedFrom`` and the like), numbering each source when first cited."""

    def __init__(self, g: Graph, rows: list[Row]) -> None:
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

    @classmethod
    def of(cls, g: Graph, iri: str) -> References:
        """The sources of ``iri`` and of the nodes its view holds (query.resource_view)."""
        return cls(g, run(query("resource_sources"), this=NamedNode(iri)))

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

    def items(self) -> list[Reference]:
        return [
            self._reference(src, n) for src, n in sorted(self.numbers.items(), key=lambda kv: kv[1])
        ]

    def _reference(self, src: str, n: int) -> Reference:
        info = self.info.get(src, {})
        title = info.get("title")
        url = info.get("url", {}).get("value")
        return Reference(
            n=n,
            href=page_path(src) or src,
            label=self.g.label(NamedNode(src)),
            title=title["value"] if title else None,
            title_lang=title.get("xml:lang") if title else None,
            publisher=info.get("publisher", {}).get("value"),
            publisher_lang=info.get("publisher", {}).get("xml:lang"),
            date=formats.when(info.get("issued", {}).get("value"), self.g.lang),
            url=url,
            host=urlsplit(url).hostname if url else None,
        )
