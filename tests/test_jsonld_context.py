"""The published JSON-LD context and the framed /data/….jsonld views, read with pyld."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyld import jsonld
from rdflib import OWL, Graph, URIRef
from rdflib.compare import isomorphic

ROOT = Path(__file__).resolve().parents[1]
UASA = "https://w3id.org/uasa/def#"
SIGNATURE_OF = UASA + "signatureOf"


@pytest.fixture(scope="module")
def web(real_app: Flask) -> FlaskClient:
    return real_app.test_client()


def loader(web: FlaskClient) -> Any:
    def load(url: str, options: Any = None) -> dict[str, Any]:
        response = web.get(url.removeprefix("http://localhost"))
        assert response.status_code == 200, url
        return {"contextUrl": None, "documentUrl": url, "document": response.get_json(force=True)}

    return load


def signed_agreement(web: FlaskClient) -> str:
    query = f"SELECT ?a WHERE {{ ?s <{SIGNATURE_OF}> ?a }} ORDER BY ?a LIMIT 1"
    response = web.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    return str(response.get_json()["results"]["bindings"][0]["a"]["value"])


def test_context_dereferences_with_version_and_etag(web: FlaskClient) -> None:
    response = web.get("/context.jsonld")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    etag = response.headers["ETag"]
    doc = response.get_json(force=True)
    ontology = Graph().parse(ROOT / "ontology" / "uasa.ttl")
    version = str(ontology.value(URIRef(UASA.rstrip("#")), OWL.versionInfo))
    assert doc["ontology"]["version"] == version
    assert doc["ontology"]["@id"].endswith(f"/def/{version}")
    assert doc["@context"]["signatureOf"] == {"@id": SIGNATURE_OF, "@type": "@id"}
    assert doc["@context"]["uasa"] == UASA
    again = web.get("/context.jsonld", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_jsonld_view_is_the_turtle_view_framed(web: FlaskClient) -> None:
    iri = signed_agreement(web)
    path = iri.removeprefix("https://w3id.org/uasa/")
    response = web.get(f"/data/{path}.jsonld")
    assert response.status_code == 200
    doc = json.loads(response.data)
    assert doc["@context"] == "http://localhost/context.jsonld"
    # Same triples as the Turtle view.
    expanded = jsonld.expand(doc, {"documentLoader": loader(web)})
    nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
    # The documents describe themselves (foaf:primaryTopic): each under its own URL.
    nquads = nquads.replace(f"/data/{path}.jsonld>", f"/data/{path}.ttl>")
    from_jsonld = Graph().parse(data=nquads, format="nt")
    turtle = web.get(f"/data/{path}.ttl")
    from_turtle = Graph().parse(data=turtle.data, format="turtle")
    assert len(from_turtle) > 20
    assert isomorphic(from_jsonld, from_turtle)
    # One node object for the resource, its signatures embedded in it.
    mains = [n for n in doc["@graph"] if n.get("@id") == iri]
    assert len(mains) == 1
    signatures = mains[0]["@reverse"]["signatureOf"]
    assert signatures and all(isinstance(s, dict) and len(s) > 2 for s in signatures)
    ids = {s["@id"] for s in signatures}
    assert not [n for n in doc["@graph"] if n.get("@id") in ids]  # not repeated at the top
