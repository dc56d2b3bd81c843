"""One negotiator for every route: Accept headers x route families, the expected answer of
each written down once.

Rows are Accept headers (parameters, q values, wildcards, browsers', Comunica's, rdflib's,
SPARQLWrapper's, roqet's); columns are route families. A cell is the status and what was sent:
the format's name in ``core.negotiation.FORMATS`` for 200, ``303:`` and the suffix of the
redirect target for 303 (``page`` for the HTML page).
The 303 families (`/id/…`, `/dataset`, `/def/<version>`) must agree with each other, since
the same function decides them.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask

from tests.helpers import make_app
from uasa.core import negotiation as conneg

SELECT = "SELECT ?p ?o WHERE { <https://w3id.org/uasa/id/party/gbr> ?p ?o } LIMIT 2"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"
FAMILIES = {
    "select": f"/sparql?query={quote(SELECT)}",
    "construct": f"/sparql?query={quote(CONSTRUCT)}",
    "id": "/id/party/gbr",
    "dataset": "/dataset",
    "void": "/.well-known/void",
    "saved": "/queries/agreements-by-year",
    "catalogue": "/queries",
}

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
# rdflib 7's Graph().parse(url) without a format: every parser's media type.
RDFLIB_ANY = (
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
    "application/n-quads, application/trix, application/trig"
)
BROWSERS = {FIREFOX, CHROME}
# Comunica's SPARQL endpoint source: results and quads with its q values.
COMUNICA_SELECT = "application/sparql-results+json,application/sparql-results+xml;q=0.8"
COMUNICA_QUADS = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
    "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5"
)

NO = "406"
# fmt: off
# accept,
#   (select, construct, id, dataset, void, saved, catalogue)
TABLE: list[tuple[str | None, tuple[str, ...]]] = [
    (None, ("json", "turtle", "303:page", "303:page", "turtle", "json", "html")),
    ("", ("json", "turtle", "303:page", "303:page", "turtle", "json", "html")),
    ("*/*", ("json", "turtle", "303:page", "303:page", "turtle", "json", "html")),
    ("text/html", (NO, NO, "303:page", "303:page", "html", NO, "html")),
    (FIREFOX, ("html", "html", "303:page", "303:page", "html", "html", "html")),
    (CHROME, ("html", "html", "303:page", "303:page", "html", "html", "html")),
    ("application/xhtml+xml", (NO, NO, "303:page", "303:page", "html", NO, "html")),
    ("text/html;q=0.1, text/turtle", (NO, "turtle", "303:ttl", "303:void", "turtle", NO, "html")),
    ("application/sparql-results+json", ("json", "rdfxml", NO, NO, NO, "json", NO)),
    ("application/sparql-results+xml", ("xml", "rdfxml", NO, NO, NO, "xml", NO)),
    ("application/json",
        ("json", "jsonld", "303:jsonld", "303:void", "jsonld", "json", "document")),
    ("application/xml", ("xml", "rdfxml", "303:rdf", "303:void", "rdfxml", "xml", NO)),
    ("text/csv", ("csv", NO, NO, NO, NO, "csv", NO)),
    ("text/tab-separated-values", ("tsv", NO, NO, NO, NO, "tsv", NO)),
    ("text/turtle", (NO, "turtle", "303:ttl", "303:void", "turtle", NO, NO)),
    ("text/turtle; charset=utf-8", (NO, "turtle", "303:ttl", "303:void", "turtle", NO, NO)),
    ("text/turtle; charset=iso-8859-1", (NO, NO, NO, NO, NO, NO, NO)),
    ("application/ld+json", (NO, "jsonld", "303:jsonld", "303:void", "jsonld", NO, NO)),
    ("application/ld+json; profile=\"http://www.w3.org/ns/json-ld#expanded\"",
        (NO, "jsonld", "303:jsonld", "303:void", "jsonld", NO, NO)),
    ("application/n-triples", (NO, "ntriples", "303:nt", "303:void", "ntriples", NO, NO)),
    ("text/plain", (NO, "ntriples", "303:nt", "303:void", "ntriples", NO, NO)),
    ("application/n-quads", (NO, "nquads", "303:nq", "303:void", "nquads", NO, NO)),
    ("application/trig", (NO, "trig", "303:trig", "303:void", "trig", NO, NO)),
    ("application/rdf+xml", (NO, "rdfxml", "303:rdf", "303:void", "rdfxml", NO, NO)),
    ("text/*", ("csv", "turtle", "303:page", "303:page", "turtle", "csv", "html")),
    ("application/*", ("json", "ntriples", "303:nt", "303:void", "ntriples", "json", "document")),
    ("image/png", (NO, NO, NO, NO, NO, NO, NO)),
    ("text/turtle;q=0.5, application/rdf+xml;q=0.9",
        (NO, "rdfxml", "303:rdf", "303:void", "rdfxml", NO, NO)),
    ("text/turtle;q=0", (NO, NO, NO, NO, NO, NO, NO)),
    ("text/html;q=0, */*", ("json", "turtle", "303:ttl", "303:void", "turtle", "json", "document")),
    (RDFLIB_ANY, (NO, "turtle", "303:ttl", "303:void", "turtle", NO, NO)),
    ("text/turtle, application/x-turtle, */*;q=0.1",
        ("json", "turtle", "303:ttl", "303:void", "turtle", "json", "html")),
    ("application/ld+json, application/json;q=0.9, */*;q=0.1",
        ("json", "jsonld", "303:jsonld", "303:void", "jsonld", "json", "document")),
    ("application/sparql-results+json,application/json,text/javascript,application/javascript",
        ("json", "jsonld", "303:jsonld", "303:void", "jsonld", "json", "document")),
    ("application/turtle,text/turtle", (NO, "turtle", "303:ttl", "303:void", "turtle", NO, NO)),
    ("application/sparql-results+xml,application/rdf+xml,*/*",
        ("xml", "rdfxml", "303:rdf", "303:void", "rdfxml", "xml", "html")),
    (COMUNICA_SELECT, ("json", "rdfxml", NO, NO, NO, "json", NO)),
    (COMUNICA_QUADS, (NO, "nquads", "303:nq", "303:void", "nquads", NO, NO)),
]
# fmt: on


def observe(app: Flask, family: str, accept: str | None) -> str:
    headers = {"Accept": accept} if accept is not None else {}
    if accept in BROWSERS:  # as browsers send on a navigation (the saved query's page)
        headers["Sec-Fetch-Dest"] = "document"
    r = app.test_client().get(FAMILIES[family], headers=headers)
    r.close()
    if r.status_code == 303:
        location = r.headers["Location"]
        if location == "/" or location.startswith("/page/"):
            return "303:page"
        return "303:" + location.rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    if r.status_code == 200:  # the format's name in the one table
        return next(f.name for f in conneg.FORMATS if f.media_type == r.mimetype)
    return str(r.status_code)


@pytest.fixture(scope="module")
def app(real_store: str) -> Iterator[Flask]:
    app = make_app(real_store, cache_mb=16)
    yield app
    app.extensions["uasa.follower"].close()


def test_the_table_is_wide_enough() -> None:
    assert len(TABLE) >= 30 and len({a for a, _ in TABLE}) == len(TABLE)
    assert all(len(cells) == len(FAMILIES) for _, cells in TABLE)


@pytest.mark.parametrize(("accept", "expected"), TABLE, ids=[repr(a)[:60] for a, _ in TABLE])
def test_every_route_family_negotiates_as_written(
    app: Flask, accept: str | None, expected: tuple[str, ...]
) -> None:
    got = tuple(observe(app, family, accept) for family in FAMILIES)
    assert got == expected, dict(zip(FAMILIES, got, strict=True))


@pytest.mark.parametrize(("accept", "expected"), TABLE, ids=[repr(a)[:60] for a, _ in TABLE])
def test_the_303_families_agree(accept: str | None, expected: tuple[str, ...]) -> None:
    """/id/… and /dataset are decided by one function: page for one means page for both,
    RDF for one means RDF for both, 406 for one means 406 for both."""
    cells = dict(zip(FAMILIES, expected, strict=True))

    def kind(cell: str) -> str:
        return "406" if cell == NO else "page" if cell == "303:page" else "rdf"

    assert kind(cells["id"]) == kind(cells["dataset"])


# The error page is the one answer that chooses between HTML and plain text.
ERROR_PAGE_FOR = {
    "text/html",
    FIREFOX,
    CHROME,
    "application/xhtml+xml",
    "text/html;q=0.1, text/turtle",
}


@pytest.mark.parametrize("accept", [a for a, _ in TABLE], ids=[repr(a)[:60] for a, _ in TABLE])
def test_errors_negotiate_with_the_same_function(app: Flask, accept: str | None) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    r = app.test_client().get("/page/id/party/no-such-party", headers=headers)
    assert r.status_code == 404
    assert r.mimetype == ("text/html" if accept in ERROR_PAGE_FOR else "text/plain"), r.mimetype
    assert "Accept" in r.headers["Vary"]
