"""What crawlers and harvesters read, checked with the clients they use: Python's robots.txt
parser, `ultimate-sitemap-parser` (finds the sitemap from robots.txt over HTTP, as a crawler
does), `extruct` (the schema.org JSON-LD on `/`, as Google Dataset Search reads it), and the
`Link` from `/` to the VoID description."""

from __future__ import annotations

import json
import urllib.robotparser
from collections.abc import Iterator

import extruct
import pytest
import rdflib
import requests
from flask.testing import FlaskClient
from usp.tree import sitemap_tree_for_homepage

from tests.helpers import AGREEMENT, LiveServer


@pytest.fixture(scope="module")
def server(ld_store: str) -> Iterator[LiveServer]:
    live = LiveServer(ld_store)
    yield live
    live.stop()


def test_robots_keep_crawlers_out_of_the_endpoint_only(server: LiveServer) -> None:
    robots = urllib.robotparser.RobotFileParser(server.url + "/robots.txt")
    robots.read()
    assert not robots.can_fetch("Googlebot", server.url + "/sparql?query=ASK%7B%7D")
    assert not robots.can_fetch("Googlebot", server.url + "/search?q=x")
    assert robots.can_fetch("Googlebot", server.url + "/page/id/party/xyz")
    assert robots.can_fetch("Googlebot", server.url + "/dumps/uasa.nt")
    assert robots.site_maps() == [server.url + "/sitemap.xml"]


def test_a_crawler_finds_every_resource_page_through_the_sitemap(
    server: LiveServer, ld_client: FlaskClient
) -> None:
    tree = sitemap_tree_for_homepage(server.url + "/", use_known_paths=False)
    pages = {page.url for page in tree.all_pages()}
    rows = ld_client.get(
        "/sparql",
        query_string={
            "query": "SELECT DISTINCT ?s { ?s ?p ?o "
            'FILTER(STRSTARTS(STR(?s), "https://w3id.org/uasa/id/")) }'
        },
        headers={"Accept": "application/sparql-results+json"},
    ).get_json()["results"]["bindings"]
    minted = {r["s"]["value"] for r in rows}
    base = "https://w3id.org/uasa/"
    assert AGREEMENT in minted
    assert {server.url + "/page/" + iri[len(base) :] for iri in minted} <= pages
    assert server.url + "/" in pages
    assert all(page.last_modified for page in tree.all_pages())
    # Every listed page answers.
    for url in sorted(pages)[:40]:
        assert requests.get(url, timeout=30).status_code == 200, url


def test_the_landing_page_has_schema_org_dataset_markup(ld_client: FlaskClient) -> None:
    r = ld_client.get("/")
    data = extruct.extract(
        r.get_data(as_text=True), base_url="http://localhost/", syntaxes=["json-ld"]
    )
    (dataset,) = [d for d in data["json-ld"] if d.get("@type") == "Dataset"]
    # What Google's Dataset guidelines ask for: name, description (50-5000 characters), licence,
    # creator, and downloads with their format.
    assert dataset["name"] and 50 <= len(dataset["description"]) <= 5000
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["creator"]["@id"] == "https://w3id.org/uasa/id/org/uasa-project"
    formats = {d["encodingFormat"] for d in dataset["distribution"]}
    assert {"text/turtle", "application/n-quads"} <= formats
    for download in dataset["distribution"]:
        path = download["contentUrl"].removeprefix("http://localhost")
        with ld_client.get(path) as got:
            assert got.status_code == 200, path
    # The markup is JSON-LD: it reads as RDF with rdflib, a schema:Dataset (schema.org's
    # context stands in as @vocab, with no network to fetch it).
    g = rdflib.Graph().parse(
        data=json.dumps({**dataset, "@context": {"@vocab": "https://schema.org/"}}),
        format="json-ld",
    )
    assert (None, rdflib.RDF.type, rdflib.URIRef("https://schema.org/Dataset")) in g


def test_the_landing_page_links_to_void(ld_client: FlaskClient) -> None:
    link = ld_client.get("/").headers["Link"]
    assert link == '</.well-known/void>; rel="describedby"; type="text/turtle"'
    void = ld_client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200 and void.mimetype == "text/turtle"
