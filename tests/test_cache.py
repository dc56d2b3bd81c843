"""HTTP caching of query results: ETag per build and request, 304, and the in-process cache."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from uasa.ingest.pipeline import build, file_input
from uasa.query.executor import QueryExecutor
from uasa.query.result_cache import CachingExecutor

QUERY = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"


def _counts(app: Flask) -> tuple[int, int]:
    executor = app.extensions["uasa.executor"]
    assert isinstance(executor, CachingExecutor)
    return executor.hits, executor.misses


def test_repeat_query_is_served_from_the_cache(w3c_app: Flask) -> None:
    client = w3c_app.test_client()
    query = QUERY + " # repeat"
    first = client.get("/sparql", query_string={"query": query})
    hits, misses = _counts(w3c_app)
    second = client.get("/sparql", query_string={"query": query})
    assert second.data == first.data
    assert _counts(w3c_app) == (hits + 1, misses)
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["ETag"].startswith('W/"')
    assert "max-age=300" in first.headers["Cache-Control"]
    assert "public" in first.headers["Cache-Control"]


def test_if_none_match_gets_304_without_running(w3c_app: Flask) -> None:
    client = w3c_app.test_client()
    etag = client.get("/sparql", query_string={"query": QUERY}).headers["ETag"]
    before = _counts(w3c_app)
    r = client.get("/sparql", query_string={"query": QUERY}, headers={"If-None-Match": etag})
    assert r.status_code == 304
    assert r.data == b""
    assert r.headers["ETag"] == etag
    assert _counts(w3c_app) == before


def test_etag_differs_by_format_and_query(w3c_app: Flask) -> None:
    client = w3c_app.test_client()
    json_tag = client.get("/sparql", query_string={"query": QUERY}).headers["ETag"]
    csv_tag = client.get(
        "/sparql", query_string={"query": QUERY}, headers={"Accept": "text/csv"}
    ).headers["ETag"]
    other = client.get("/sparql", query_string={"query": QUERY + " LIMIT 1"}).headers["ETag"]
    assert len({json_tag, csv_tag, other}) == 3
    stale = client.get("/sparql", query_string={"query": QUERY}, headers={"If-None-Match": csv_tag})
    assert stale.status_code == 200


def test_post_results_are_not_publicly_cacheable(w3c_app: Flask) -> None:
    r = w3c_app.test_client().post("/sparql", data={"query": QUERY})
    assert r.status_code == 200
    assert "public" not in r.headers.get("Cache-Control", "")


def test_errors_are_not_cached(w3c_app: Flask) -> None:
    client = w3c_app.test_client()
    for _ in range(2):
        r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
        assert r.status_code == 400
        assert "ETag" not in r.headers


def test_a_new_build_changes_the_etag(tmp_path: Path, app_factory) -> None:
    tags = []
    for n, text in enumerate(
        ['<http://e/a> <http://e/b> "1" .\n', '<http://e/a> <http://e/b> "2" .\n']
    ):
        (tmp_path / f"d{n}.nt").write_text(text)
        store = str(tmp_path / f"s{n}" / "store")
        build([file_input(tmp_path / f"d{n}.nt", "http://e/g")], store, out=lambda _: None)
        app = app_factory(store, query_workers=1)
        tags.append(app.test_client().get("/sparql", query_string={"query": QUERY}).headers["ETag"])
    assert tags[0] != tags[1]


def test_cache_can_be_turned_off(w3c_store: str, app_factory) -> None:
    app = app_factory(w3c_store, cache_mb=0, query_workers=1)
    assert isinstance(app.extensions["uasa.executor"], QueryExecutor)
