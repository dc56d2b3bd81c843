"""No dead IRI: every IRI under the base that occurs in the real dataset (its dump, as `uasa
build` writes it, saved-query catalogue included) or in its VoID/DCAT description dereferences
on a real server, in HTML and in RDF; replaced IRIs answer 303 to their replacement."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from flask import Flask
from pyoxigraph import NamedNode, RdfFormat, parse

from tests.helpers import ROOT, LiveServer, ld_inputs, quiet, running_app
from uasa.core import negotiation as conneg
from uasa.core import store_layout
from uasa.core.iris import BASE, Graphs
from uasa.ingest.pipeline import build, dumps, file_input

RDF_TYPES = [f.media_type for f in conneg.formats("graph")]


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real dataset built by the `uasa build` command itself (meta graph included)."""
    store = str(tmp_path_factory.mktemp("iris") / "store")
    subprocess.run(
        [sys.executable, "-m", "uasa.cli", "build", "--store", store],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return store


@pytest.fixture(scope="module")
def server(cli_store: str) -> Iterator[LiveServer]:
    live = LiveServer(cli_store, {"UASA_THREADS": "4", "UASA_QUERY_WORKERS": "2"})
    yield live
    live.stop()


def _ours(terms: Iterator[object]) -> set[str]:
    return {
        t.value.partition("#")[0]
        for t in terms
        if isinstance(t, NamedNode) and t.value.startswith(BASE)
    }


def _dump_iris(store: str) -> set[str]:
    path = store_layout.locate(store).root / dumps.DUMPS_DIR / "uasa.nq"
    quads = parse(path=str(path), format=RdfFormat.N_QUADS)
    return _ours(t for q in quads for t in (q.subject, q.predicate, q.object, q.graph_name))


def _status(session: requests.Session, url: str, accept: str) -> tuple[str, str, int]:
    r = session.head(url, headers={"Accept": accept}, allow_redirects=True, timeout=60)
    return url, accept, r.status_code


def test_every_iri_under_the_base_dereferences(cli_store: str, server: LiveServer) -> None:
    iris = _dump_iris(cli_store)
    void = requests.get(
        server.url + "/.well-known/void", headers={"Accept": "application/n-triples"}, timeout=30
    )
    assert void.status_code == 200
    iris |= _ours(t for tr in parse(void.content, format=RdfFormat.N_TRIPLES) for t in tr)
    # What the brief names, so a regression in the dump cannot shrink the crawl unnoticed.
    for must in ("def", "def/0.1.0", "def/alignments", "shapes", "dataset", "query/signatories"):
        assert BASE + must in iris, must
    assert sum(i.startswith(BASE + "query/") for i in iris) >= 27
    checks = [(i, a) for i in sorted(iris) for a in ("text/html", "text/turtle")]
    # Every RDF format for every IRI that is not an /id/ resource (those share one code path).
    checks += [(i, a) for i in sorted(iris) if "/id/" not in i for a in RDF_TYPES]
    session = requests.Session()
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(lambda c: _status(session, server.url + "/" + c[0][len(BASE) :], c[1]), checks)
        )
    dead = [r for r in results if r[2] != 200]
    assert not dead, f"{len(dead)} of {len(results)} dead: {dead[:20]}"


def test_version_iri_serves_the_ontology_document(server: LiveServer) -> None:
    r = requests.get(
        server.url + "/def/0.1.0",
        headers={"Accept": "text/turtle"},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 303 and r.headers["Location"].endswith("/data/def.ttl")
    assert requests.get(server.url + "/def/0.0.9", timeout=30).status_code == 404


def test_alignments_are_their_own_document(server: LiveServer) -> None:
    r = requests.get(
        server.url + "/def/alignments", headers={"Accept": "application/n-triples"}, timeout=30
    )
    assert r.status_code == 200
    triples = list(parse(r.content, format=RdfFormat.N_TRIPLES))
    subjects = {t.subject.value for t in triples if isinstance(t.subject, NamedNode)}
    assert BASE + "def/alignments" in subjects
    assert BASE + "def" not in subjects  # the core ontology is a document of its own


def test_saved_query_resource(server: LiveServer) -> None:
    base = server.url + "/query/signatories"
    html = requests.get(base, headers={"Accept": "text/html"}, timeout=30)
    assert html.status_code == 200 and "SELECT" in html.text
    assert html.url.endswith("/query/signatories.html")
    rq = requests.get(base + ".rq", timeout=30)
    assert rq.headers["Content-Type"].startswith("application/sparql-query")
    assert rq.text.lstrip().startswith("#+")
    ttl = requests.get(base, headers={"Accept": "text/turtle"}, timeout=30)
    assert ttl.status_code == 200 and "SPARQLSelectExecutable" in ttl.text
    assert requests.get(server.url + "/query/no-such-query", timeout=30).status_code == 404


@pytest.fixture(scope="module")
def replaced_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    store = str(tmp_path_factory.mktemp("replaced") / "store")
    extra = file_input(Path(__file__).parent / "fixtures" / "replaced.ttl", Graphs.CURATED)
    build([*ld_inputs(), extra], store, out=quiet)
    with running_app(store) as app:
        yield app


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "application/ld+json"])
def test_a_replaced_iri_answers_303_to_its_replacement(replaced_app: Flask, accept: str) -> None:
    client = replaced_app.test_client()
    r = client.get("/id/framework/old-name", headers={"Accept": accept})
    assert r.status_code == 303
    assert r.headers["Location"] == "/id/body/new-name"
    assert "Accept" in r.headers["Vary"]
    # The new IRI dereferences as usual; an IRI nobody replaced is not redirected.
    assert client.get("/id/body/new-name", headers={"Accept": accept}).status_code == 303
    assert client.get(r.headers["Location"], headers={"Accept": accept}).headers["Location"] != (
        "/id/body/new-name"
    )
