"""A resource's RDF view as a page reads it: the CONSTRUCT behind `/data/…` parsed into a small
in-memory graph, and its values and property rows as the templates show them.

The page is built from the same CONSTRUCT as the RDF view, so the two never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from uasa.core import labels as labels_rule
from uasa.core.iris import BASE, DCT, DEF, FOAF, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from uasa.core.labels import NAMING_PROPERTIES
from uasa.web.support import context, formats
from uasa.web.support.collation import sort_key
from uasa.web.support.i18n import written_lang
from uasa.web.support.labels import local_name
from uasa.web.support.paths import page_path, rdf_request

TYPE = RDF + "type"
URLS = (SCHEMA + "url", FOAF + "page")
SOURCES = (PROV + "wasDerivedFrom", DCT + "source", DEF + "announcement", DEF + "officialText")
DEFINITIONS = (SKOS + "definition", RDFS + "comment", DCT + "description")
DATE_TYPES = {XSD + "date", XSD + "gYearMonth", XSD + "gYear"}

Term = NamedNode | BlankNode | Literal


class Graph:
    """The parsed view: triples indexed by subject and by object, with label lookup."""

    def __init__(self, triples: Iterable[Triple], lang: str) -> None:
        self.lang = lang
        self.out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.inc: dict[Term, list[tuple[Term, str]]] = defaultdict(list)
        for t in triples:
            if isinstance(t.subject, Triple) or isinstance(t.object, Triple):
                continue  # RDF-star terms: the data has none, and a page could not show them
            values = self.out[t.subject][t.predicate.value]
            if t.object not in values:
                values.append(t.object)
            self.inc[t.object].append((t.subject, t.predicate.value))

    @classmethod
    def of(cls, iri: str, lang: str) -> Graph:
        """The RDF view of ``iri`` (the CONSTRUCT behind `/data/…`), run by the workers."""
        req = rdf_request(iri, "application/n-triples")
        result = context.executor().execute(req, timeout=context.settings().query_timeout)
        return cls(parse(result.body, format=RdfFormat.N_TRIPLES), lang)

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

    def dated(self, node: Term | None) -> str:
        """A date value in the page language ("" for none)."""
        return formats.when(node.value, self.lang) if isinstance(node, Literal) else ""


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
    """One property and its values. Mutable: the resource page marks its sources on it."""

    iri: str
    label: str
    href: str | None
    values: list[Value]
    refs: list[int] | None = None  # reference numbers; [] = no source; None = no marker
    computed: bool = False  # derived by the build, not stated by a source


def decimal_value(text: str) -> Decimal | str:
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def _decimal(text: str) -> str:
    number = decimal_value(text)
    return f"{number:,f}" if isinstance(number, Decimal) else text


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


def values_of(g: Graph, node: Term, prop: str) -> list[Value]:
    return [value_of(g, v) for v in g.values(node, prop)]


def prop_row(g: Graph, prop: str, values: Iterable[Term], depth: int = 0) -> Row:
    p = NamedNode(prop)

    # The reader's language first, then values without a language, then the other language.
    def order(v: Value) -> tuple[int, bytes]:
        return (0 if v.lang == g.lang else 2 if v.lang else 1, sort_key(v.text, g.lang))

    shown = sorted((value_of(g, v, depth) for v in values), key=order)
    return Row(prop, g.label(p), page_path(prop) or prop, shown)


def rows_of(g: Graph, node: Term, depth: int = 0, skip: Iterable[str] = ()) -> list[Row]:
    skipped = set(skip)
    rows = [
        prop_row(g, prop, values, depth)
        for prop, values in g.out.get(node, {}).items()
        if prop not in skipped
    ]
    return sorted(rows, key=lambda r: sort_key(r.label, g.lang))
