"""The three W3C service-description tests, plus our own promises about the description."""

from __future__ import annotations

import pyshacl
import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef

from tests.helpers import KASEI, LiveServer

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
SHAPES = Graph().parse(
    __import__("pathlib").Path(__file__).with_name("fixtures") / "service-description-shapes.ttl"
)

RDF_TYPES = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}


def _description(server: LiveServer, accept: str | None = None, path: str = "/sparql") -> Graph:
    headers = {"Accept": accept} if accept else {}
    response = requests.get(server.url + path, headers=headers, timeout=10)
    assert response.status_code == 200
    media = response.headers["Content-Type"].split(";")[0]
    assert media in RDF_TYPES, media
    return Graph().parse(data=response.content, format=RDF_TYPES[media])


@pytest.mark.parametrize("accept", [None, *RDF_TYPES])
def test_returns_rdf(w3c_server: LiveServer, accept: str | None) -> None:
    assert len(_description(w3c_server, accept)) > 0


@pytest.mark.parametrize("path", ["/sparql", "/query"])
def test_has_endpoint_triple(w3c_server: LiveServer, path: str) -> None:
    g = _description(w3c_server, path=path)
    assert (None, SD.endpoint, URIRef(w3c_server.url + path)) in g


def test_conforms_to_schema(w3c_server: LiveServer) -> None:
    g = _description(w3c_server)
    conforms, _, text = pyshacl.validate(g, shacl_graph=SHAPES, inference="none")
    assert conforms, text


def test_schema_shapes_catch_a_broken_description() -> None:
    broken = Graph().parse(
        data="""
        @prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
        [] a sd:Service ; sd:supportedLanguage sd:Klingon .""",
        format="turtle",
    )
    conforms, _, _ = pyshacl.validate(broken, shacl_graph=SHAPES, inference="none")
    assert not conforms


def test_describes_union_default_graph_and_named_graphs(w3c_server: LiveServer) -> None:
    g = _description(w3c_server)
    assert (None, SD.feature, SD.UnionDefaultGraph) in g
    names = set(g.objects(None, SD.name))
    assert names == {URIRef(f"{KASEI}data{n}.rdf") for n in (1, 2, 3)}
    default = next(g.objects(None, SD.defaultGraph))
    assert g.value(default, VOID.triples) == Literal(3)


def test_html_only_client_gets_406(w3c_server: LiveServer) -> None:
    response = requests.get(w3c_server.url + "/sparql", headers={"Accept": "image/png"}, timeout=10)
    assert response.status_code == 406
    assert "text/turtle" in response.text
