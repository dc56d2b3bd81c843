"""The three W3C service-description tests, plus our own promises about the description."""

from __future__ import annotations

import shutil
import subprocess
import warnings

import pyshacl
import pytest
import requests
from rdflib import Dataset, Graph, Literal, Namespace, URIRef

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


# Every RDF syntax the description is offered in, as rdflib names them.
EVERY_RDF_TYPE = {**RDF_TYPES, "application/n-quads": "nquads", "application/trig": "trig"}


def _get(server: LiveServer, accept: str, **headers: str) -> requests.Response:
    # Uncompressed: the ETag is the route's own, not the gzip encoding's.
    sent = {"Accept": accept, "Accept-Encoding": "identity", **headers}
    return requests.get(server.url + "/sparql", headers=sent, timeout=10)


@pytest.mark.parametrize("accept", EVERY_RDF_TYPE)
def test_same_bytes_and_etag_on_every_request(w3c_server: LiveServer, accept: str) -> None:
    """Its blank nodes are labelled from what they stand for, so a harvester can diff two
    fetches and revalidate (random labels changed the bytes on every request)."""
    first, second = _get(w3c_server, accept), _get(w3c_server, accept)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["ETag"] == second.headers["ETag"]
    again = _get(w3c_server, accept, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    # The same graph as before: parsed, both fetches are the same triples.
    fmt = EVERY_RDF_TYPE[accept]
    with warnings.catch_warnings():  # rdflib's Dataset warns about its own deprecations
        warnings.simplefilter("ignore")
        one, two = (Dataset().parse(data=r.content, format=fmt) for r in (first, second))
        sizes = [len(list(d.quads((None, None, None, None)))) for d in (one, two)]
    assert sizes[0] > 20 and sizes[0] == sizes[1]


def test_rapper_reads_it(w3c_server: LiveServer) -> None:
    """Redland's rapper (another parser than rdflib) reads the description in Turtle and
    RDF/XML, with as many triples as rdflib."""
    rapper = shutil.which("rapper")
    if rapper is None:
        pytest.skip("rapper is missing: apt-get install raptor2-utils (make test does, as root)")
    for option, accept in (("turtle", "text/turtle"), ("rdfxml", "application/rdf+xml")):
        body = _get(w3c_server, accept).content
        done = subprocess.run(
            [rapper, "-i", option, "-o", "ntriples", "-", w3c_server.url + "/sparql"],
            input=body,
            capture_output=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
        parsed = Graph().parse(data=body, format=RDF_TYPES[accept])
        assert len(done.stdout.splitlines()) == len(parsed) > 20, option
