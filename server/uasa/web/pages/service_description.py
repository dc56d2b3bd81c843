"""The SPARQL 1.1 Service Description returned by a bare GET on the endpoint (the route
negotiates its RDF format: `routes/sparql.py`).

`sd:endpoint` is the URL the client used, so the description is right behind any proxy
that forwards the Host header. The default dataset is described with per-graph triple
counts from the build manifest. Its blank nodes are labelled from what they stand for (as
VoID's are), so the same build and URL give the same bytes, and ETag, on every request.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from uasa.core.iris import FORMATS_NS, RDF, SD, VOID, XSD
from uasa.core.settings import Settings
from uasa.core.store_layout import BuiltStore
from uasa.web.support.stable_nodes import labelled

_RESULT_FORMATS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "nquads": "N-Quads",
    "trig": "TriG",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}


def triples(endpoint: str, built: BuiltStore, settings: Settings) -> list[Triple]:
    """The description of the service at ``endpoint`` serving ``built``."""
    service = BlankNode("service")
    dataset = BlankNode("dataset")
    default_graph = BlankNode("default-graph")
    a = NamedNode(RDF + "type")

    def sd(term: str) -> NamedNode:
        return NamedNode(SD + term)

    out = [
        Triple(service, a, sd("Service")),
        Triple(service, sd("endpoint"), NamedNode(endpoint)),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, a, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), default_graph),
        Triple(default_graph, a, sd("Graph")),
    ]
    out += [
        Triple(service, sd("resultFormat"), NamedNode(FORMATS_NS + name))
        for name in _RESULT_FORMATS.values()
    ]
    if settings.union_default_graph:
        out.append(Triple(service, sd("feature"), sd("UnionDefaultGraph")))
    graphs = built.manifest.get("graphs", {})
    total = sum(graphs.values()) if settings.union_default_graph else graphs.get("", 0)
    out.append(
        Triple(
            default_graph,
            NamedNode(VOID + "triples"),
            Literal(str(total), datatype=NamedNode(XSD + "integer")),
        )
    )
    for name, count in graphs.items():
        if not name:
            continue
        named, graph = labelled("named-graph", name), labelled("graph", name)
        out += [
            Triple(dataset, sd("namedGraph"), named),
            Triple(named, a, sd("NamedGraph")),
            Triple(named, sd("name"), NamedNode(name)),
            Triple(named, sd("graph"), graph),
            Triple(graph, a, sd("Graph")),
            Triple(
                graph,
                NamedNode(VOID + "triples"),
                Literal(str(count), datatype=NamedNode(XSD + "integer")),
            ),
        ]
    return out
