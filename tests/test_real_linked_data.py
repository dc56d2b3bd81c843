"""Linked data over the real dataset: every agreement's RDF view round-trips, and a page of every
resource type renders with its labels in both languages."""

from __future__ import annotations

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from pyoxigraph import RdfFormat, parse

from tests.helpers import readable
from uasa.core.iris import BASE
from uasa.query.rows import select

LABELLED_TYPES = ["agreement", "party", "person", "place", "framework"]


def _iris(app: Flask, query: str) -> list[str]:
    rows = select(app.extensions["uasa.executor"], query, timeout=30)
    return [row["x"]["value"] for row in rows]


def _path(iri: str) -> str:
    assert iri.startswith(BASE)
    return "/" + iri[len(BASE) :]


def test_every_agreement_view_round_trips(real_app: Flask, real_client: FlaskClient) -> None:
    agreements = _iris(
        real_app,
        "PREFIX uasa: <https://w3id.org/uasa/def#> SELECT ?x { ?x a uasa:SecurityAgreement }",
    )
    assert agreements
    for iri in agreements:
        r = real_client.get(f"/data{_path(iri)}.ttl")
        assert r.status_code == 200, iri
        g = rdflib.Graph().parse(data=r.data, format="turtle")
        assert (rdflib.URIRef(iri), None, None) in g
        quads = list(parse(r.data, format=RdfFormat.TURTLE))
        assert len(quads) == len(g)
        jsonld = readable(real_client, real_client.get(f"/data{_path(iri)}.jsonld").data)
        assert len(rdflib.Graph().parse(data=jsonld, format="json-ld")) == len(g)


@pytest.mark.parametrize("kind", LABELLED_TYPES)
def test_pages_of_every_type_show_both_languages(
    real_app: Flask, real_client: FlaskClient, kind: str
) -> None:
    rows = select(
        real_app.extensions["uasa.executor"],
        f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?x ?en ?uk {{ ?x rdfs:label ?en, ?uk
          FILTER(STRSTARTS(STR(?x), "{BASE}id/{kind}/"))
          FILTER(lang(?en) = "en" && lang(?uk) = "uk") }} LIMIT 3""",
        timeout=30,
    )
    assert rows, kind
    for row in rows:
        path = "/page" + _path(row["x"]["value"])
        en = real_client.get(path, query_string={"lang": "en"})
        uk = real_client.get(path, query_string={"lang": "uk"})
        assert en.status_code == uk.status_code == 200, path
        assert _html_text(row["en"]["value"]) in en.get_data(as_text=True)
        assert _html_text(row["uk"]["value"]) in uk.get_data(as_text=True)


def _html_text(label: str) -> str:
    # Jinja escapes quotes and ampersands; compare against the escaped form.
    return str(escape(label))


@pytest.mark.parametrize(
    "path",
    [
        "/page/def",
        "/page/concept/provision-category",
        "/page/graph/curated",
        "/page/id/signature/gbr-2024-01-12-rishi-sunak",
        "/page/id/commitment/gbr-2024-01-12-military-aid-2024-25",
        "/page/id/provision/gbr-2024-01-12-duration",
    ],
)
def test_other_pages_render(real_client: FlaskClient, path: str) -> None:
    r = real_client.get(path)
    assert r.status_code == 200, path
    assert "<html" in r.get_data(as_text=True)
