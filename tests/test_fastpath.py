"""The short request path (uasa.web.fastpath) answers exactly as the Flask app does, refuses
what the app refuses, and the rate limit holds across several HTTP worker processes."""

from __future__ import annotations

import http.client
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.helpers import LiveServer, make_app
from tests.test_safety import RUNAWAY
from uasa.web.support.limits import SharedLimits

JSON = "application/sparql-results+json"
PER_REQUEST = {"X-Request-Id"}


@pytest.fixture
def app(real_store: str) -> Iterator[Flask]:
    app = make_app(real_store, query_timeout=1.5, cache_mb=16)
    yield app
    app.extensions["uasa.follower"].close()


def both(app: Flask, path: str, **kwargs: object) -> tuple:
    """The same request through the fast path and through Flask alone."""
    fast = app.extensions["uasa.fastpath"]
    client = app.test_client()
    hits = fast.hits
    first = client.get(path, **kwargs)  # type: ignore[arg-type]
    kept = client.get(path, **kwargs)  # type: ignore[arg-type]  # a kept answer, if any
    fast.enabled = False
    try:
        slow = client.get(path, **kwargs)  # type: ignore[arg-type]
    finally:
        fast.enabled = True
    return first, kept, slow, fast.hits - hits


def same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.status_code == b.status_code
    assert a.get_data() == b.get_data()
    ha = {k: v for k, v in a.headers.items() if k not in PER_REQUEST}
    hb = {k: v for k, v in b.headers.items() if k not in PER_REQUEST}
    assert ha == hb
    assert a.headers["X-Request-Id"] and b.headers["X-Request-Id"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?p ?o WHERE { <https://w3id.org/uasa/id/party/gbr> ?p ?o } LIMIT 7",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
        "ASK { ?s ?p ?o }",
    ],
)
@pytest.mark.parametrize("accept", [JSON, "text/csv", "*/*", None])
def test_sparql_answers_as_flask_does(app: Flask, query: str, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    first, again, slow, _ = both(app, "/sparql", query_string={"query": query}, headers=headers)
    same(first, slow)
    same(again, slow)


@pytest.mark.parametrize(
    "path, accept",
    [
        ("/data/id/party/gbr.ttl", None),
        ("/data/id/party/gbr.jsonld", None),
        ("/data/id/party/gbr.nq", None),
        ("/id/party/gbr", "text/turtle"),
        ("/id/party/gbr", "text/html"),
        ("/id/party/gbr", "*/*"),
        ("/data/id/party/no-such-party.ttl", None),
        ("/id/party/no-such-party", "text/turtle"),
    ],
)
def test_resource_answers_are_kept_and_equal(app: Flask, path: str, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    first, kept, slow, hits = both(app, path, headers=headers)
    same(first, slow)
    same(kept, slow)
    assert hits == (1 if slow.status_code in {200, 303} else 0)


def test_refusals_and_errors_go_through_the_app(app: Flask) -> None:
    client = app.test_client()
    update = client.get("/sparql", query_string={"query": "INSERT DATA { <a:a> <a:b> <a:c> }"})
    assert update.status_code == 403
    service = client.get(
        "/sparql", query_string={"query": "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"}
    )
    assert service.status_code == 400 and "SERVICE" in service.text
    bad = client.get("/sparql", query_string={"query": "SELEKT nonsense"})
    assert bad.status_code == 400
    started = time.monotonic()
    slow = client.get("/sparql", query_string={"query": RUNAWAY})
    assert slow.status_code == 503 and time.monotonic() - started < 10
    metrics = client.get("/metrics").text
    # The runaway ends at the time limit or, first, at the per-query memory limit.
    assert any(
        f'uasa_query_errors_total{{reason="{r}"}} 1.0' in metrics for r in ("timeout", "memory")
    )
    assert 'uasa_requests_total{route="/sparql",status="503"} 1.0' in metrics
    # The app's own limits still apply: a query over the length limit is refused by the app.
    long = "ASK {}" + " " * app.config["UASA"].max_query_length
    assert client.get("/sparql", query_string={"query": long}).status_code == 400


def test_answers_from_the_fast_path_are_counted_and_logged(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = app.test_client()
    caplog.set_level("INFO", logger="uasa.access")
    r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": JSON})
    assert r.status_code == 200
    assert any('"route": "/sparql"' in m and '"query_hash"' in m for m in caplog.messages)
    metrics = client.get("/metrics").text
    assert 'uasa_requests_total{route="/sparql",status="200"}' in metrics


def test_shared_limits_count_across_processes() -> None:
    shared = SharedLimits(per_minute=5)
    pid = os.fork()
    if pid == 0:  # a second HTTP worker: takes three of the client's five
        code = 0 if all(shared.take("10.0.0.9") == 0 for _ in range(3)) else 1
        code |= 0 if shared.enter("10.0.0.9", 2) else 2
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert shared.take("10.0.0.9") == 0 and shared.take("10.0.0.9") == 0
    assert shared.take("10.0.0.9") > 0  # the sixth in the minute, from either process
    assert shared.take("10.0.0.10") == 0  # another client has its own bucket
    assert shared.enter("10.0.0.9", 2)
    assert not shared.enter("10.0.0.9", 2)  # one in flight from the child, one here
    shared.leave("10.0.0.9")
    shared.leave("10.0.0.9")
    assert shared.in_flight("10.0.0.9") == 0


@pytest.mark.live
def test_rate_limit_holds_across_http_workers(w3c_store: str) -> None:
    """Two gunicorn workers: new connections land on either, the limit counts them all."""
    server = LiveServer(
        w3c_store,
        {
            "UASA_HTTP_WORKERS": "2",
            "UASA_RATE_LIMIT": "10",
            "UASA_QUERY_WORKERS": "1",
            "UASA_LIMIT_LOOPBACK": "true",  # the test talks from loopback
        },
    )
    try:
        statuses, builds = [], set()
        for _ in range(16):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request("GET", "/sparql?query=ASK%7B%7D")
            r = conn.getresponse()
            r.read()
            statuses.append(r.status)
            builds.add(r.getheader("X-Uasa-Build"))
            conn.close()
        # /health is not limited; the first answer may have used a token (LiveServer's probe
        # goes to /health, so none did).
        assert statuses.count(200) == 10, statuses
        assert statuses.count(429) == 6, statuses
        assert len(builds - {None}) == 1
        workers = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children").read_text()
        assert len(workers.split()) == 2
    finally:
        server.stop()


def test_nothing_is_kept_without_memory_for_it(real_store: str) -> None:
    app = make_app(real_store, cache_mb=0)
    try:
        client = app.test_client()
        for _ in range(2):
            assert client.get("/data/id/party/gbr.ttl").status_code == 200
        assert app.extensions["uasa.fastpath"].hits == 0
    finally:
        app.extensions["uasa.follower"].close()


def test_behind_a_trusted_proxy_the_short_path_answers_and_limits_hold(real_store: str) -> None:
    """Per-client limits are counted above the short path, so behind a proxy (where they
    apply to every client) it still answers; and a client over its rate is refused on the
    short path's routes, with the refusal answered, logged and counted by Flask."""
    app = make_app(real_store, trusted_proxies=1, rate_limit=3, cache_mb=16)
    try:
        fast = app.extensions["uasa.fastpath"]
        client = app.test_client()
        who = {"X-Forwarded-For": "192.0.2.7"}
        statuses = [client.get("/data/id/party/gbr.ttl", headers=who).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert fast.hits >= 1  # the second and third came from the kept answer
        other = client.get("/data/id/party/gbr.ttl", headers={"X-Forwarded-For": "192.0.2.8"})
        assert other.status_code == 200
        refused = client.get("/sparql", query_string={"query": "ASK {}"}, headers=who)
        assert refused.status_code == 429 and "UASA_RATE_LIMIT" in refused.text
        assert "Retry-After" in refused.headers
        metrics = client.get("/metrics").text
        assert 'status="429"' in metrics
    finally:
        app.extensions["uasa.follower"].close()


def test_a_client_slot_is_given_back_when_the_short_path_answers(real_store: str) -> None:
    app = make_app(real_store, trusted_proxies=1, client_concurrency=1, cache_mb=16)
    try:
        client = app.test_client()
        who = {"X-Forwarded-For": "192.0.2.9"}
        for _ in range(3):  # one at a time: each ends before the next, so none is refused
            assert client.get("/data/id/party/gbr.ttl", headers=who).status_code == 200
        assert app.extensions["uasa.limits"].in_flight("192.0.2.9") == 0
        assert app.extensions["uasa.fastpath"].hits >= 1
    finally:
        app.extensions["uasa.follower"].close()
