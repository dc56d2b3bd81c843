"""Content negotiation, SPARQLWrapper's format parameters, and CORS (Flask test client)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

SELECT = "SELECT ?s WHERE { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv, application/sparql-results+xml;q=0.5", "text/csv"),
        ("text/*", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/sparql-results+xml",
        ),
    ],
)
def test_select_formats(w3c_client: FlaskClient, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    r = w3c_client.get("/sparql", query_string={"query": SELECT}, headers=headers)
    assert r.status_code == 200
    assert r.mimetype == expected
    assert "Accept" in r.headers["Vary"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/trig", "application/trig"),
        ("application/n-quads", "application/n-quads"),
        ("application/n-triples;q=0.2, text/turtle;q=0.9", "text/turtle"),
    ],
)
def test_construct_formats(w3c_client: FlaskClient, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    r = w3c_client.get("/sparql", query_string={"query": CONSTRUCT}, headers=headers)
    assert r.status_code == 200
    assert r.mimetype == expected
    assert len(r.data) > 0


def test_nothing_acceptable_gets_406(w3c_client: FlaskClient) -> None:
    r = w3c_client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.get_data(as_text=True)


def test_construct_with_only_tabular_accept_gets_406(w3c_client: FlaskClient) -> None:
    r = w3c_client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert r.status_code == 406


@pytest.mark.parametrize(
    ("query", "value", "expected"),
    [
        (SELECT, "json", "application/sparql-results+json"),
        (SELECT, "xml", "application/sparql-results+xml"),
        (SELECT, "csv", "text/csv"),
        (SELECT, "tsv", "text/tab-separated-values"),
        (CONSTRUCT, "turtle", "text/turtle"),
        (CONSTRUCT, "json-ld", "application/ld+json"),
        (CONSTRUCT, "xml", "application/rdf+xml"),
        (CONSTRUCT, "application/n-triples", "application/n-triples"),
    ],
)
def test_sparqlwrapper_format_parameters(
    w3c_client: FlaskClient, query: str, value: str, expected: str
) -> None:
    # SPARQLWrapper sends format, output and results together, next to an Accept header.
    r = w3c_client.get(
        "/sparql",
        query_string={"query": query, "format": value, "output": value, "results": value},
        headers={"Accept": "application/sparql-results+json,*/*;q=0.1"},
    )
    assert r.status_code == 200
    assert r.mimetype == expected


def test_relative_iris_resolve_against_the_base(w3c_client: FlaskClient) -> None:
    r = w3c_client.post(
        "/sparql",
        data="CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert r.status_code == 200
    assert r.get_data(as_text=True).startswith("<https://w3id.org/uasa/s>")


def test_cors_allows_any_origin_without_credentials(w3c_client: FlaskClient) -> None:
    r = w3c_client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"}
    )
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_cors_preflight(w3c_client: FlaskClient) -> None:
    r = w3c_client.options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert r.status_code in {200, 204}
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_origin_list_and_off(w3c_store: str, app_factory) -> None:
    listed = app_factory(w3c_store, cors_origins="https://a.example")
    off = app_factory(w3c_store, cors_origins="")
    ok = listed.test_client().get("/health", headers={"Origin": "https://a.example"})
    other = listed.test_client().get("/health", headers={"Origin": "https://b.example"})
    none = off.test_client().get("/health", headers={"Origin": "https://a.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert "Access-Control-Allow-Credentials" not in ok.headers
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Origin" not in none.headers


def test_union_default_graph_can_be_turned_off(w3c_store: str, app_factory) -> None:
    app = app_factory(w3c_store, union_default_graph=False)
    r = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert r.json == {"head": {}, "boolean": False}
    sd = app.test_client().get("/sparql").get_data(as_text=True)
    assert "UnionDefaultGraph" not in sd
