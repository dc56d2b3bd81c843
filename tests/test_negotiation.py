"""The one negotiation function (RFC 9110 §12.5.1) and what every route makes of it: media-type
parameters, text/plain as N-Triples, application/* as RDF, SPARQL-results-only clients of graph
queries, Vary on every negotiated answer (406 included), and the smaller header fixes."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from uasa.core import negotiation as conneg

PATH = "/id/agreement/xyz-2024-01-01"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


def name(header: str | None, kinds: conneg.Kind | tuple[conneg.Kind, ...], **kw: object) -> str:
    fmt = conneg.negotiate(header, kinds, **kw)  # type: ignore[arg-type]
    return fmt.name if fmt else "406"


@pytest.mark.parametrize(
    ("accept", "kinds", "html", "expected"),
    [
        ("text/turtle; charset=utf-8", "graph", "first", "turtle"),
        ("text/turtle;charset=UTF-8", "graph", "no", "turtle"),
        ("text/turtle; charset=iso-8859-1", "graph", "no", "406"),
        ("application/rdf+xml;charset=UTF-8", "graph", "first", "rdfxml"),
        (
            'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"',
            "graph",
            "first",
            "jsonld",
        ),
        ("application/sparql-results+json; charset=utf-8", "results", "no", "json"),
        ("text/plain, */*;q=0.1", "graph", "first", "ntriples"),  # rdflib's parse(format="nt")
        ("application/*", "graph", "first", "ntriples"),
        ("*/*", "graph", "first", "html"),
        (None, "graph", "first", "html"),
        ("", "graph", "no", "turtle"),
        ("text/*", "graph", "no", "turtle"),
        ("text/*", "results", "no", "csv"),
        # the more specific range decides, whatever its order
        ("text/turtle;q=0.1, text/*;q=0.9", "graph", "no", "turtle"),
        ("text/turtle;q=0, */*", "graph", "no", "ntriples"),
        (
            "text/turtle;q=0.3, text/turtle;charset=utf-8;q=0.9, application/rdf+xml;q=0.5",
            "graph",
            "no",
            "turtle",
        ),
        ("image/png", "graph", "first", "406"),
        ("text/html;q=0.5, application/json", "document", "first", "document"),
        ("*/*", "document", "first", "html"),
    ],
)
def test_the_one_function(
    accept: str | None, kinds: conneg.Kind, html: conneg.Html, expected: str
) -> None:
    assert name(accept, kinds, html=html) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("text/html", "html"),
        ("*/*", "json"),  # curl: the protocol, never the editor
        ("text/html;q=0.5, application/sparql-results+json", "json"),
        ("application/sparql-results+json,*/*;q=0.1", "json"),
    ],
)
def test_the_editor_is_html_named_explicitly(accept: str, expected: str) -> None:
    assert name(accept, ("results", "graph"), html="named") == expected


def test_graph_query_for_a_sparql_results_only_client_is_rdfxml() -> None:
    accept = "application/sparql-results+xml"
    assert name(accept, "graph", graph_query=True) == "rdfxml"
    assert name(accept, "graph") == "406"
    assert name("text/csv", "graph", graph_query=True) == "406"


def test_memoised() -> None:
    conneg.negotiate("text/x-memo-test, text/turtle", "graph")
    before = conneg._negotiate_cached.cache_info().hits
    conneg.negotiate("text/x-memo-test, text/turtle", "graph")
    assert conneg._negotiate_cached.cache_info().hits == before + 1


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/turtle; charset=utf-8", "ttl"),
        ("application/rdf+xml;charset=UTF-8", "rdf"),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', "jsonld"),
        ("text/plain, */*;q=0.1", "nt"),
        ("application/*", "nt"),
    ],
)
def test_id_iris_accept_parameters_and_old_types(
    ld_client: FlaskClient, accept: str, suffix: str
) -> None:
    r = ld_client.get(PATH, headers={"Accept": accept})
    assert r.status_code == 303
    assert r.headers["Location"] == f"/data{PATH}.{suffix}"
    assert "Accept" in r.headers["Vary"]


@pytest.mark.parametrize(
    "accept",
    [
        "text/turtle; charset=utf-8",
        "application/rdf+xml;charset=UTF-8",
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"',
    ],
)
def test_void_accepts_parameters(ld_client: FlaskClient, accept: str) -> None:
    r = ld_client.get("/.well-known/void", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.mimetype == accept.split(";")[0]


def test_sparql_accepts_parameters_and_text_plain(ld_client: FlaskClient) -> None:
    r = ld_client.get(
        "/sparql",
        query_string={"query": SELECT},
        headers={"Accept": "application/sparql-results+json; charset=utf-8"},
    )
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"
    r = ld_client.get(
        "/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/plain"}
    )
    assert r.status_code == 200 and r.mimetype == "application/n-triples"


def test_construct_for_a_results_only_client_is_rdfxml(ld_client: FlaskClient) -> None:
    r = ld_client.get(
        "/sparql",
        query_string={"query": CONSTRUCT},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert r.status_code == 200
    assert r.mimetype == "application/rdf+xml"
    assert "Accept" in r.headers["Vary"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/sparql", {"query": SELECT}),
        ("/sparql", {"query": CONSTRUCT}),
        (PATH, {}),
        ("/.well-known/void", {}),
        ("/queries", {}),
    ],
)
def test_406_varies_on_accept(ld_client: FlaskClient, path: str, query: dict[str, str]) -> None:
    r = ld_client.get(path, query_string=query, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "Accept" in r.headers.get("Vary", "")


def test_select_asked_for_rdf_only_is_406_with_vary(ld_client: FlaskClient) -> None:
    r = ld_client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406
    assert "Accept" in r.headers["Vary"]


def test_cors_exposes_etag_and_link(ld_client: FlaskClient) -> None:
    r = ld_client.get(f"/data{PATH}.ttl", headers={"Origin": "https://x.example"})
    exposed = {h.strip().lower() for h in r.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "link"} <= exposed
