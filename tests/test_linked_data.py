"""Dereferenceable IRIs (303 by Accept, 404), RDF views that re-parse, and HTML pages in both
languages, on the hand-made dataset in tests/fixtures/linked-data/."""

from __future__ import annotations

# Ukrainian labels are the data under test; fixtures are imported and used as arguments.
# ruff: noqa: RUF001
import warnings
from urllib.parse import parse_qs, urlsplit

import pytest
import rdflib
from flask.testing import FlaskClient
from pyoxigraph import BlankNode, DefaultGraph, NamedNode, RdfFormat, parse
from rdflib.namespace import FOAF

from tests.helpers import AGREEMENT, readable
from uasa.core import negotiation as conneg

PATH = "/id/agreement/xyz-2024-01-01"


RESOURCES = [
    "/id/agreement/xyz-2024-01-01",
    "/id/party/xyz",
    "/id/person/ann-example",
    "/id/signature/xyz-2024-01-01-ann",
    "/id/commitment/xyz-2024-01-01-aid",
    "/concept/provision-category/air-defence",
    "/concept/provision-category",
    "/graph/curated",
    "/def",
]
# N-Quads and TriG views are read as datasets: every triple must be in their default graph.
RDFLIB = {
    "ttl": "turtle",
    "nt": "nt",
    "jsonld": "json-ld",
    "rdf": "xml",
    "nq": "nquads",
    "trig": "trig",
}


@pytest.mark.parametrize("path", RESOURCES)
def test_browsers_are_sent_to_the_page(ld_client: FlaskClient, path: str) -> None:
    r = ld_client.get(path, headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"})
    assert r.status_code == 303
    assert r.headers["Location"] == f"/page{path}"
    assert "Accept" in r.vary


@pytest.mark.parametrize("fmt", conneg.formats("graph"), ids=lambda f: f.name)
def test_machines_are_sent_to_the_data_in_every_format(
    ld_client: FlaskClient, fmt: conneg.Format
) -> None:
    r = ld_client.get(PATH, headers={"Accept": fmt.media_type})
    assert r.status_code == 303
    assert r.headers["Location"] == f"/data{PATH}.{fmt.suffix}"
    assert "Accept" in r.vary
    data = ld_client.get(r.headers["Location"])
    assert data.status_code == 200
    assert data.mimetype == fmt.media_type
    body = readable(ld_client, data.data)
    triples = list(parse(body, format=RdfFormat.from_media_type(fmt.media_type)))
    assert triples


def test_q_values_decide(ld_client: FlaskClient) -> None:
    r = ld_client.get(PATH, headers={"Accept": "text/html;q=0.5, text/turtle"})
    assert r.headers["Location"].endswith(".ttl")
    r = ld_client.get(PATH, headers={"Accept": "text/turtle;q=0.5, text/html"})
    assert r.headers["Location"] == f"/page{PATH}"
    r = ld_client.get(PATH, headers={"Accept": "*/*"})
    assert r.headers["Location"] == f"/page{PATH}"


def test_nothing_acceptable_is_406(ld_client: FlaskClient) -> None:
    assert ld_client.get(PATH, headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(
    "path",
    [
        "/id/agreement/nope",
        "/concept/provision-category/nope",
        "/graph/nope",
        "/page/id/agreement/nope",
        "/data/id/agreement/nope.ttl",
        "/data/id/agreement/xyz-2024-01-01.png",
        "/id/agreement/",
        "/page/something/else",
    ],
)
def test_unknown_iris_are_404(ld_client: FlaskClient, path: str) -> None:
    assert ld_client.get(path, headers={"Accept": "text/turtle"}).status_code == 404


def test_hash_terms_share_the_ontology_document(ld_client: FlaskClient) -> None:
    page = ld_client.get("/page/def")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="SecurityAgreement"' in html and "Security agreement" in html
    assert "Provision categories" in html
    ttl = ld_client.get("/data/def.ttl")
    g = rdflib.Graph().parse(data=ttl.data, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/uasa/def#SecurityAgreement"), None, None) in g


@pytest.mark.parametrize("suffix", ["ttl", "nt", "jsonld", "rdf", "nq", "trig"])
def test_the_view_reparses_with_rdflib_and_pyoxigraph(ld_client: FlaskClient, suffix: str) -> None:
    body = readable(ld_client, ld_client.get(f"/data{PATH}.{suffix}").data)
    ox = list(parse(body, format=RdfFormat.from_extension(suffix)))
    if suffix in {"nq", "trig"}:
        with warnings.catch_warnings():  # rdflib's Dataset warns about its own deprecations
            warnings.simplefilter("ignore")
            ds = rdflib.Dataset()
            ds.parse(data=body, format=RDFLIB[suffix])
            assert len(ox) == len(list(ds.quads())) > 20
        # A traversal client matches the document's default graph: every triple is there, the
        # same triples as the Turtle view (blank nodes aside, whose labels differ).
        assert {q.graph_name for q in ox} == {DefaultGraph()}
        turtle = list(parse(ld_client.get(f"/data{PATH}.ttl").data, format=RdfFormat.TURTLE))
        assert len(turtle) == len(ox)

        def named(triples: list) -> set:  # type: ignore[type-arg]
            return {
                (t.predicate, t.object)
                if t.predicate == NamedNode(FOAF.primaryTopic)
                else (t.subject, t.predicate, t.object)
                for t in triples
                if not isinstance(t.subject, BlankNode) and not isinstance(t.object, BlankNode)
            }

        assert named(ox) == named(turtle)
        return
    g = rdflib.Graph()
    g.parse(data=body, format=RDFLIB[suffix])
    assert len(ox) == len(g) > 20


def test_the_view_holds_what_the_issue_lists(ld_client: FlaskClient) -> None:
    body = ld_client.get(f"/data{PATH}.nt").data
    triples = list(parse(body, format=RdfFormat.N_TRIPLES))
    this = NamedNode(AGREEMENT)
    by = {(t.subject, t.predicate.value) for t in triples}
    # outgoing
    assert (this, "https://w3id.org/uasa/def#signingDate") in by
    # incoming naming it, and the owned signature's own triples
    sig = NamedNode("https://w3id.org/uasa/id/signature/xyz-2024-01-01-ann")
    assert (sig, "https://w3id.org/uasa/def#signatureOf") in by
    assert (sig, "https://w3id.org/uasa/def#officeTitle") in by
    # the money amount: a blank node owned through the commitment
    amounts = [t for t in triples if t.predicate.value == "https://schema.org/value"]
    assert len(amounts) == 1 and isinstance(amounts[0].subject, BlankNode)
    # labels of what it links to, in both languages
    labels = {
        (t.subject.value, t.object.language)
        for t in triples
        if t.predicate.value.endswith("#label") and t.subject.value.endswith("party/xyz")
    }
    assert labels == {
        ("https://w3id.org/uasa/id/party/xyz", "en"),
        ("https://w3id.org/uasa/id/party/xyz", "uk"),
    }
    # but not the rest of the store
    assert not any(t.subject.value.endswith("membership/xyz-g7") for t in triples)


def test_owned_memberships_come_with_the_party(ld_client: FlaskClient) -> None:
    body = ld_client.get("/data/id/party/xyz.nt").data
    text = body.decode()
    assert "membership/xyz-g7> <http://www.w3.org/ns/org#organization>" in text
    assert (
        '<https://w3id.org/uasa/id/party/g7> <http://www.w3.org/2000/01/rdf-schema#label> "G7"@en'
        in text
    )


@pytest.mark.parametrize(
    ("headers", "query", "lang", "title", "heading"),
    [
        ({"Accept-Language": "en"}, "", "en", "Xland–Ukraine agreement", "Signatures"),
        ({"Accept-Language": "uk,en;q=0.5"}, "", "uk", "Угода Ксландії та України", "Підписи"),
        ({"Accept-Language": "uk"}, "?lang=en", "en", "Xland–Ukraine agreement", "Signatures"),
        ({}, "?lang=uk", "uk", "Угода Ксландії та України", "Підписи"),
    ],
)
def test_agreement_page_in_both_languages(
    ld_client: FlaskClient, headers: dict[str, str], query: str, lang: str, title: str, heading: str
) -> None:
    r = ld_client.get(f"/page{PATH}{query}", headers=headers)
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    assert "Accept-Language" in r.vary
    html = r.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert f'<h1 lang="{lang}">{title}</h1>' in html
    assert heading in html
    other = "uk" if lang == "en" else "en"
    assert f'href="?lang={other}"' in html


def test_agreement_page_sections(ld_client: FlaskClient) -> None:
    html = ld_client.get(f"/page{PATH}?lang=en").get_data(as_text=True)
    assert 'href="/page/id/person/ann-example" lang="en">Ann Example</a>' in html
    assert "<h3>Air defence</h3>" in html  # provisions by category
    assert "EUR 1,500,000,000" in html  # commitments table
    assert "G7 Joint Declaration" in html  # frameworks
    assert 'href="https://news.example.org/xland-ukraine"' in html  # sources as links
    assert f'href="/data{PATH}.ttl"' in html
    link = next(part for part in html.split('"') if part.startswith("/sparql?query="))
    assert parse_qs(urlsplit(link).query)["query"] == [f"DESCRIBE <{AGREEMENT}>"]
    # Scripts only from this server (the graph view), nothing from another host.
    assert '<script src="http' not in html and "http://" not in html.split("<body>")[0].replace(
        "http://www.w3.org", ""
    )


def test_sparql_link_answers(ld_client: FlaskClient) -> None:
    html = ld_client.get(f"/page{PATH}").get_data(as_text=True)
    link = next(part for part in html.split('"') if part.startswith("/sparql?query="))
    r = ld_client.get(link, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and AGREEMENT.encode() in r.data


@pytest.mark.parametrize("path", RESOURCES)
def test_every_kind_of_page_renders(ld_client: FlaskClient, path: str) -> None:
    for lang in ("en", "uk"):
        r = ld_client.get(f"/page{path}?lang={lang}")
        assert r.status_code == 200, r.get_data(as_text=True)
        assert "<main" in r.get_data(as_text=True)


def test_party_page_lists_agreements_and_memberships(ld_client: FlaskClient) -> None:
    html = ld_client.get("/page/id/party/xyz?lang=uk").get_data(as_text=True)
    assert "Ксландія" in html
    assert 'href="/page/id/agreement/xyz-2024-01-01" lang="uk">Угода Ксландії та України' in html
    assert "G7" in html and "membership/xyz-g7" in html


def test_stylesheet_is_served_locally(ld_client: FlaskClient) -> None:
    r = ld_client.get("/static/uasa.css")
    assert r.status_code == 200 and r.mimetype == "text/css"
    r.close()


def test_other_public_base_resolves_its_own_iris(ld_store: str, app_factory) -> None:
    app = app_factory(ld_store, public_base="https://example.org/other/", query_workers=1)
    c = app.test_client()
    assert c.get(PATH, headers={"Accept": "text/turtle"}).status_code == 303


@pytest.mark.parametrize("fmt", conneg.formats("graph"), ids=lambda f: f.name)
def test_data_documents_describe_themselves(ld_client: FlaskClient, fmt: conneg.Format) -> None:
    r = ld_client.get(f"/data{PATH}.{fmt.suffix}")
    assert r.status_code == 200
    doc = f"http://localhost/data{PATH}.{fmt.suffix}"
    assert r.headers["Content-Location"] == doc
    link = r.headers["Link"]
    for other in conneg.formats("graph"):
        listed = f'</data{PATH}.{other.suffix}>; rel="alternate"; type="{other.media_type}"'
        assert (listed in link) == (other is not fmt)
    assert f'</page{PATH}>; rel="alternate"; type="text/html"' in link
    topic = [
        q
        for q in parse(readable(ld_client, r.data), format=fmt.oxigraph())
        if q.predicate == NamedNode(FOAF.primaryTopic)
    ]
    assert [(q.subject.value, q.object.value) for q in topic] == [(doc, AGREEMENT)]


def test_the_303_says_where_the_description_is(ld_client: FlaskClient) -> None:
    r = ld_client.get(PATH, headers={"Accept": "text/turtle"})
    assert r.headers["Link"] == f'</data{PATH}.ttl>; rel="describedby"; type="text/turtle"'


@pytest.mark.parametrize("suffix", ["nq", "trig"])
def test_graph_documents_give_the_graph_in_the_default_graph(
    ld_client: FlaskClient, suffix: str
) -> None:
    nt = list(parse(ld_client.get("/data/def.nt").data, format=RdfFormat.N_TRIPLES))
    quads = list(
        parse(ld_client.get(f"/data/def.{suffix}").data, format=RdfFormat.from_extension(suffix))
    )
    assert {q.graph_name for q in quads} == {DefaultGraph()}
    assert len(quads) == len(nt) > 10


def test_jsonld_has_one_node_object_per_subject(ld_client: FlaskClient) -> None:
    import json

    doc = json.loads(ld_client.get(f"/data{PATH}.jsonld").data)
    ids: list[str] = []

    def walk(node: object) -> None:  # every node object, top-level or embedded
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            if "@id" in node and len(node) > 1:
                ids.append(node["@id"])
            for key, value in node.items():
                if key != "@context":
                    walk(value)

    walk(doc["@graph"])
    assert len(ids) == len(set(ids)) > 3
    assert doc["@graph"][0]["@id"] == AGREEMENT


def test_jsonld_reads_with_pyld(ld_client: FlaskClient) -> None:
    import json

    from pyld import jsonld

    body = readable(ld_client, ld_client.get(f"/data{PATH}.jsonld").data)
    nquads = jsonld.to_rdf(json.loads(body), {"format": "application/n-quads"})
    expected = list(parse(ld_client.get(f"/data{PATH}.nt").data, format=RdfFormat.N_TRIPLES))
    assert len([line for line in nquads.splitlines() if line.strip()]) == len(expected) > 20
