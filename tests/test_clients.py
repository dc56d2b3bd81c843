"""Standard clients read the endpoint correctly over real HTTP: SPARQLWrapper and rdflib."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper

from tests.helpers import KASEI, LiveServer

SELECT = "SELECT ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Document> } ORDER BY ?s"
CONSTRUCT = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }"
SUBJECTS = [f"{KASEI}data{n}.rdf" for n in (1, 2, 3)]


def _wrapper(server: LiveServer, method: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.url + "/sparql")
    if method == "POST":
        sparql.setMethod(POST)
    return sparql


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(w3c_server: LiveServer, method: str, fmt: str) -> None:
    sparql = _wrapper(w3c_server, method)
    sparql.setQuery(SELECT)
    sparql.setReturnFormat(fmt)
    result = sparql.query().convert()
    if fmt == JSON:
        subjects = [b["s"]["value"] for b in result["results"]["bindings"]]
    elif fmt == XML:
        # SPARQLWrapper hands back an xml.dom.minidom document
        subjects = [u.firstChild.data for u in result.getElementsByTagName("uri")]
    else:
        sep = "," if fmt == CSV else "\t"
        lines = result.decode().strip().splitlines()[1:]
        subjects = [line.split(sep)[0].strip("<>") for line in lines]
    assert subjects == SUBJECTS


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, XML])
def test_sparqlwrapper_construct(w3c_server: LiveServer, method: str, fmt: str) -> None:
    sparql = _wrapper(w3c_server, method)
    sparql.setQuery(CONSTRUCT)
    sparql.setReturnFormat(fmt)
    result = sparql.query().convert()
    if isinstance(result, bytes | str):
        result = Graph().parse(data=result, format="turtle" if fmt == TURTLE else "json-ld")
    assert {str(s) for s in result.subjects()} == set(SUBJECTS)


def test_sparqlwrapper_ask(w3c_server: LiveServer) -> None:
    sparql = _wrapper(w3c_server, "GET")
    sparql.setQuery(f"ASK {{ <{SUBJECTS[0]}> ?p ?o }}")
    sparql.setReturnFormat(JSON)
    assert sparql.query().convert()["boolean"] is True


def test_rdflib_sparqlstore_sees_the_union_default_graph(w3c_server: LiveServer) -> None:
    store = SPARQLStore(w3c_server.url + "/sparql", returnFormat="xml")
    graph = Graph(store=store)
    try:
        rows = list(graph.query(SELECT))
        assert [str(r[0]) for r in rows] == SUBJECTS
        # triples() and len() read the default graph; here it is the union of the named graphs.
        assert {str(s) for s, _, _ in graph.triples((None, None, None))} == set(SUBJECTS)
        assert len(graph) == 3
        assert (URIRef(SUBJECTS[0]), None, None) in graph
    finally:
        store.close()
