"""The pages of the ontology (`/page/def`: its classes, properties, concept schemes and
shapes) and of a named graph (`/page/graph/…`: its size and classes)."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from uasa.core.iris import DEF, LABEL_PROPERTIES, ONTOLOGY, OWL, RDFS
from uasa.core.labels import NAME_PROPERTIES
from uasa.web.pages.rdf_view import DEFINITIONS, TYPE, Graph, Row, rows_of
from uasa.web.support.collation import sort_key
from uasa.web.support.labels import local_name
from uasa.web.support.lookup import run
from uasa.web.support.paths import page_path
from uasa.web.support.sparql import query

TERM_KINDS = (
    ("classes", OWL + "Class"),
    ("object_properties", OWL + "ObjectProperty"),
    ("datatype_properties", OWL + "DatatypeProperty"),
)


@dataclass(frozen=True)
class OntologyTerm:
    id: str  # the name after def#
    iri: str
    label: str
    definition: Literal | None
    rows: list[Row]


@dataclass(frozen=True)
class Scheme:
    iri: str
    label: str
    href: str | None


@dataclass(frozen=True)
class Shape:
    name: str
    target: str  # the target class, or ""
    href: str | None


@dataclass(frozen=True)
class OntologyPage:
    iri: str
    title: str
    title_lang: str | None
    definition: Literal | None
    rows: list[Row]
    terms: dict[str, list[OntologyTerm]]  # by TERM_KINDS key
    schemes: list[Scheme]
    shapes: list[Shape]


@dataclass(frozen=True)
class GraphClass:
    iri: str
    label: str
    href: str
    count: int


@dataclass(frozen=True)
class GraphPage:
    iri: str
    title: str
    triples: int
    classes: list[GraphClass]


def _terms(g: Graph, cls: str) -> list[OntologyTerm]:
    """The ontology's own terms of one kind, by name."""
    nodes = {
        s
        for s, _ in g.inc.get(NamedNode(cls), [])
        if isinstance(s, NamedNode) and s.value.startswith(DEF)
    }
    skip = {TYPE, *LABEL_PROPERTIES, *DEFINITIONS, RDFS + "isDefinedBy"}
    terms = [
        OntologyTerm(
            s.value[len(DEF) :],
            s.value,
            g.label(s),
            g.text(s, DEFINITIONS),
            rows_of(g, s, skip=skip),
        )
        for s in nodes
    ]
    return sorted(terms, key=lambda t: t.id.casefold())


def _schemes_and_shapes(lang: str) -> tuple[list[Scheme], list[Shape]]:
    labels: dict[str, str] = {}
    shapes: list[Shape] = []
    for row in run(query("ontology_extras")):
        node = row["node"]["value"]
        if row["kind"]["value"] == "scheme":
            shown = labels.setdefault(node, local_name(node))
            label = row.get("label")
            if label and (label.get("xml:lang") == lang or shown == local_name(node)):
                labels[node] = label["value"]
        elif row["node"]["type"] == "uri":
            target = row.get("target", {}).get("value") or ""
            shapes.append(Shape(local_name(node), target, page_path(target) if target else None))
    schemes = [Scheme(iri, label, page_path(iri)) for iri, label in labels.items()]
    return sorted(schemes, key=lambda s: sort_key(s.label, lang)), shapes


def ontology_page(lang: str) -> OntologyPage:
    g = Graph.of(ONTOLOGY, lang)
    this = NamedNode(ONTOLOGY)
    schemes, shapes = _schemes_and_shapes(lang)
    return OntologyPage(
        iri=ONTOLOGY,
        title=g.label(this) if g.text(this, NAME_PROPERTIES) else "uasa ontology",
        title_lang=g.label_lang(this),
        definition=g.text(this, DEFINITIONS),
        rows=rows_of(g, this, skip={TYPE, *NAME_PROPERTIES, *DEFINITIONS}),
        terms={key: _terms(g, cls) for key, cls in TERM_KINDS},
        schemes=schemes,
        shapes=shapes,
    )


def graph_page(iri: str) -> GraphPage:
    size = run(query("graph_size"), this=NamedNode(iri))
    classes = run(query("graph_classes"), this=NamedNode(iri))
    return GraphPage(
        iri=iri,
        title=local_name(iri),
        triples=int(size[0]["n"]["value"]) if size else 0,
        classes=[
            GraphClass(
                c["class"]["value"],
                local_name(c["class"]["value"]),
                page_path(c["class"]["value"]) or c["class"]["value"],
                int(c["n"]["value"]),
            )
            for c in classes
            if c["class"]["type"] == "uri"
        ],
    )
