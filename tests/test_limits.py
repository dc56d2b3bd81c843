"""Request limits, each tested at its edge: query length, parameter count, result size,
the per-client rate limit (off by default), time budget and concurrency cap (on by default),
and who counts as a client."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask
from pyoxigraph import Store
from werkzeug.datastructures import MultiDict

from tests.test_safety import RUNAWAY
from uasa.core.settings import Settings
from uasa.query import worker
from uasa.query.types import QueryError, QueryRequest, QueryResult
from uasa.web.support.limits import SharedLimits, client_of

CSV = "text/csv"
DIRECT = "application/sparql-query"


@pytest.fixture
def limits_app(
    w3c_store: str, tmp_path_factory: pytest.TempPathFactory, app_factory
) -> Callable[..., Flask]:
    """Apps over the W3C data with one worker and no cache or catalogue; limits set per test."""
    no_queries = str(tmp_path_factory.mktemp("no-queries"))  # limits do not need the catalogue

    def factory(**overrides: object) -> Flask:
        settings = {
            "query_workers": 1,
            "cache_mb": 0,
            "queries": no_queries,
            # The test client's address is 127.0.0.1, which the per-client limits spare.
            "limit_loopback": True,
            "client_concurrency": 0,
            "client_seconds": 0,
            **overrides,
        }
        return app_factory(w3c_store, **settings)

    return factory


def test_defaults_are_on_for_sizes_shares_and_memory() -> None:
    s = Settings.of()
    assert s.max_query_length == 100_000
    assert s.max_params == 100
    assert s.max_result_bytes == 64 * 1024 * 1024
    assert s.query_memory == 512 and s.max_query_depth == 200
    # One client never holds every query worker of an HTTP worker, nor the server's time.
    assert 0 < s.client_concurrency < s.query_workers
    assert s.client_seconds == 60
    assert s.rate_limit == 0 and s.trusted_proxies == 0 and not s.limit_loopback


# --- query length -------------------------------------------------------------------------


def _padded(length: int) -> str:
    base = "ASK {}"
    return base + " " * (length - len(base))


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_query_length_at_the_edge(limits_app, how: str) -> None:
    client = limits_app(max_query_length=60).test_client()

    def send(query: str):
        if how == "get":
            return client.get("/sparql", query_string={"query": query})
        if how == "form":
            return client.post("/sparql", data={"query": query})
        return client.post("/sparql", data=query.encode(), content_type=DIRECT)

    assert send(_padded(60)).status_code == 200
    # Characters, not bytes: 60 Ukrainian letters are 120 bytes and still fit.
    assert send("ASK {} #" + "ї" * 52).status_code == 200
    r = send(_padded(61))
    assert r.status_code == 400
    assert r.mimetype == "text/plain"
    assert "61 characters" in r.text and "limit is 60" in r.text
    assert "UASA_MAX_QUERY_LENGTH" in r.text


def test_query_length_default_lets_a_long_values_block_through(limits_app) -> None:
    client = limits_app().test_client()
    values = " ".join(f"<http://example.org/{i}>" for i in range(3000))  # ~75 000 characters
    r = client.post("/sparql", data={"query": f"SELECT ?x {{ VALUES ?x {{ {values} }} }} LIMIT 1"})
    assert r.status_code == 200


# --- parameter count ----------------------------------------------------------------------


def test_parameter_count_at_the_edge(limits_app) -> None:
    client = limits_app(max_params=5).test_client()
    extra = [("default-graph-uri", "http://kasei.us/2009/09/sparql/data/data1.rdf")]
    four = [("query", "ASK {}"), *extra * 3]
    assert client.get("/sparql", query_string=four).status_code == 200
    r = client.get("/sparql", query_string=[*four, ("x", "1")])
    assert r.status_code == 200  # five, counting repeats and unknown ones
    r = client.get("/sparql", query_string=[*four, ("x", "1"), ("x", "2")])
    assert r.status_code == 400
    assert "6 parameters" in r.text and "UASA_MAX_PARAMS" in r.text
    # URL and form fields count together.
    r = client.post(
        "/sparql?a=1&b=2", data=MultiDict([("query", "ASK {}"), ("c", "3"), ("d", "4")])
    )
    assert r.status_code == 200
    r = client.post("/sparql?a=1&b=2", data=MultiDict([("query", "ASK {}"), *[("c", "3")] * 3]))
    assert r.status_code == 400
    # Every route, not only /sparql.
    assert client.get("/queries", query_string=[("x", str(i)) for i in range(6)]).status_code == 400


# --- result size --------------------------------------------------------------------------


def _w3c_memory_store(w3c_store: str) -> Store:
    from tests.helpers import KASEI, W3C

    store = Store()
    for n in (1, 2, 3):
        from pyoxigraph import NamedNode, RdfFormat

        store.load(
            path=str(W3C / "protocol" / f"data{n}.nt"),
            format=RdfFormat.N_TRIPLES,
            to_graph=NamedNode(f"{KASEI}data{n}.rdf"),
        )
    return store


@pytest.mark.parametrize(
    ("query", "media"),
    [
        ("SELECT * { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o", CSV),
        ("SELECT * { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o", "application/sparql-results+json"),
        ("CONSTRUCT { ?s ?p ?o } { GRAPH ?g { ?s ?p ?o } }", "application/n-triples"),
    ],
)
def test_result_size_at_the_edge_in_the_worker(w3c_store: str, query: str, media: str) -> None:
    store = _w3c_memory_store(w3c_store)
    req = QueryRequest(query, results_media_type=media, graph_media_type=media)
    reply = worker.run(store, req)
    assert isinstance(reply, QueryResult)
    full = reply.body
    assert worker.run(store, req, len(full)) == reply  # exactly at the limit: all of it
    over = worker.run(store, req, len(full) - 1)  # one byte over: an error, no body at all
    assert isinstance(over, QueryError) and over.status == 413
    assert f"limit of {len(full) - 1} bytes" in over.message
    assert all(word in over.message for word in ("UASA_MAX_RESULT_BYTES", "LIMIT", "OFFSET"))


def test_result_size_over_http_is_never_truncated(limits_app) -> None:
    client = limits_app(max_result_bytes=0).test_client()
    query = {"query": "SELECT * { ?s ?p ?o } ORDER BY ?s ?p ?o"}
    full = client.get("/sparql", query_string=query, headers={"Accept": CSV})
    assert full.status_code == 200
    size = len(full.data)

    at = limits_app(max_result_bytes=size).test_client()
    r = at.get("/sparql", query_string=query, headers={"Accept": CSV})
    assert r.status_code == 200 and r.data == full.data

    over = limits_app(max_result_bytes=size - 1).test_client()
    r = over.get("/sparql", query_string=query, headers={"Accept": CSV})
    assert r.status_code == 413
    assert r.mimetype == "text/plain"
    assert "UASA_MAX_RESULT_BYTES" in r.text and "LIMIT" in r.text
    # Paging gets every row, a page at a time.
    rows: list[bytes] = []
    for offset in (0, 2):
        paged = {"query": f"{query['query']} LIMIT 2 OFFSET {offset}"}
        page = over.get("/sparql", query_string=paged, headers={"Accept": CSV})
        assert page.status_code == 200
        rows += page.data.splitlines()[1:]
    assert rows == full.data.splitlines()[1:]


def test_result_size_zero_means_no_limit(limits_app) -> None:
    client = limits_app(max_result_bytes=0).test_client()
    r = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
    assert r.status_code == 200


# --- rate limit ---------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_refills_steadily() -> None:
    clock = FakeClock()
    limiter = SharedLimits(per_minute=60, clock=clock)
    assert all(limiter.take("a") == 0 for _ in range(60))  # a minute's worth at once
    wait = limiter.take("a")
    assert wait == pytest.approx(1.0)
    assert limiter.take("b") == 0  # another client has its own bucket
    clock.now += 1.0
    assert limiter.take("a") == 0
    assert limiter.take("a") > 0
    clock.now += 60
    assert all(limiter.take("a") == 0 for _ in range(60))


def test_full_buckets_free_their_slots() -> None:
    """Clients back to full allowances with nothing in flight give their slots to others, so
    the fixed table never locks a newcomer out for being late."""
    from uasa.web.support import limits

    clock = FakeClock()
    table = SharedLimits(per_minute=6, seconds_per_minute=6, clock=clock)
    crowd = [f"10.1.{n // 250}.{n % 250}" for n in range(limits.SHARED_SLOTS * 2)]
    for client in crowd:
        table.take(client)
    clock.now += 60
    for _ in range(6):
        assert table.take("10.9.9.9") == 0
    assert table.take("10.9.9.9") > 0


def test_rate_limit_429_with_retry_after(limits_app) -> None:
    app = limits_app(rate_limit=3)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    r = client.get("/sparql", query_string={"query": "ASK {}"})
    assert r.status_code == 429
    assert r.mimetype == "text/plain"
    assert int(r.headers["Retry-After"]) >= 1
    assert "UASA_RATE_LIMIT" in r.text
    assert client.get("/health").status_code != 429  # never limited
    assert client.get("/metrics").status_code == 200
    other = app.test_client()
    r = other.get(
        "/sparql", query_string={"query": "ASK {}"}, environ_base={"REMOTE_ADDR": "10.0.0.2"}
    )
    assert r.status_code == 200
    assert 'uasa_requests_total{route="/sparql",status="429"} 1.0' in client.get("/metrics").text


def test_rate_limit_is_off_by_default(limits_app) -> None:
    client = limits_app().test_client()
    for _ in range(50):
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(limits_app) -> None:
    untrusting = limits_app(rate_limit=1).test_client()
    assert untrusting.get("/", headers={"X-Forwarded-For": "1.1.1.1"}).status_code != 429
    # A new X-Forwarded-For does not make a new client.
    assert untrusting.get("/", headers={"X-Forwarded-For": "2.2.2.2"}).status_code == 429

    trusting = limits_app(rate_limit=1, trusted_proxies=1).test_client()
    assert trusting.get("/", headers={"X-Forwarded-For": "9.9.9.9, 1.1.1.1"}).status_code != 429
    assert trusting.get("/", headers={"X-Forwarded-For": "9.9.9.9, 2.2.2.2"}).status_code != 429
    # The hop the proxy appended is the client; what the client wrote before it is not.
    assert trusting.get("/", headers={"X-Forwarded-For": "8.8.8.8, 2.2.2.2"}).status_code == 429


# --- concurrency cap ----------------------------------------------------------------------


def test_in_flight_counts() -> None:
    flight = SharedLimits()
    assert flight.enter("a", 2) and flight.enter("a", 2)
    assert not flight.enter("a", 2)
    assert flight.enter("b", 2)
    flight.leave("a")
    assert flight.enter("a", 2)
    for _ in range(3):
        flight.leave("a")
    assert flight.in_flight("a") == 0


def test_concurrency_cap_per_client(limits_app) -> None:
    app = limits_app(client_concurrency=1, query_timeout=1.5, query_workers=2)
    statuses: list[int] = []

    def slow() -> None:
        statuses.append(
            app.test_client().get("/sparql", query_string={"query": RUNAWAY}).status_code
        )

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.4)
    r = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "1"
    assert "UASA_CLIENT_CONCURRENCY" in r.text
    other = app.test_client().get(
        "/sparql", query_string={"query": "ASK {}"}, environ_base={"REMOTE_ADDR": "10.0.0.3"}
    )
    assert other.status_code == 200
    thread.join(timeout=10)
    assert statuses == [503]
    # The slot is given back when a request ends, error or not.
    assert app.test_client().get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    assert app.extensions["uasa.limits"].in_flight("127.0.0.1") == 0


# --- refused bodies and keep-alive ----------------------------------------------------------


def test_connection_stays_usable_after_a_refused_body(w3c_server) -> None:  # type: ignore[no-untyped-def]
    """gunicorn drops a connection whose unread body is over 64 KiB after saying keep-alive;
    the app reads and drops such a body, so a client reusing the connection is not cut off."""
    import requests

    with requests.Session() as session:
        for _ in range(3):
            big = b"ASK {}" + b" " * (1_048_576 + 4096)
            r = session.post(
                w3c_server.url + "/sparql",
                data=big,
                headers={"Content-Type": "application/sparql-query"},
                timeout=30,
            )
            assert r.status_code == 413
            r = session.post(
                w3c_server.url + "/sparql",
                data=b"x" * 200_000,
                headers={"Content-Type": "text/x"},
                timeout=30,
            )
            assert r.status_code == 415
            r = session.get(w3c_server.url + "/sparql", params={"query": "ASK {}"}, timeout=30)
            assert r.status_code == 200


def test_limiter_and_access_log_name_the_same_client_behind_a_proxy(
    limits_app, caplog: pytest.LogCaptureFixture
) -> None:
    client = limits_app(rate_limit=1, trusted_proxies=1).test_client()
    with caplog.at_level("INFO", logger="uasa.access"):
        client.get("/", headers={"X-Forwarded-For": "9.9.9.9, 1.1.1.1"})
        refused = client.get("/", headers={"X-Forwarded-For": "7.7.7.7, 1.1.1.1"})
    assert refused.status_code == 429  # 1.1.1.1 again, whatever it claims before the proxy
    logged = [
        json.loads(r.getMessage())["client"] for r in caplog.records if r.name == "uasa.access"
    ]
    assert logged == ["1.1.1.1", "1.1.1.1"]


# --- time budget, the table's hash, who is one client ------------------------------------


def test_time_budget_per_client(limits_app) -> None:
    """Runaways (each stopped at 1.5 s, or sooner at the memory limit) use up a 2 s budget
    within a few requests: the next request from that client gets 429 naming the budget,
    with Retry-After; another client is answered."""
    app = limits_app(client_seconds=2, query_timeout=1.5)
    client = app.test_client()
    statuses = []
    for _ in range(4):  # the budget refills a little (2 s a minute) while they run
        statuses.append(client.get("/sparql", query_string={"query": RUNAWAY}).status_code)
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {503}, statuses
    r = client.get("/sparql", query_string={"query": "ASK {}"})
    assert r.status_code == 429, r.text
    assert "UASA_CLIENT_SECONDS" in r.text
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    other = client.get(
        "/sparql", query_string={"query": "ASK {}"}, environ_base={"REMOTE_ADDR": "10.0.0.4"}
    )
    assert other.status_code == 200


def test_the_budget_refills_over_a_minute() -> None:
    clock = FakeClock()
    table = SharedLimits(seconds_per_minute=60, clock=clock)
    table.charge("a", 90)  # one long answer: paid for afterwards, by waiting
    assert table.budget_wait("a") == pytest.approx(30.01, abs=0.1)
    clock.now += 31
    assert table.budget_wait("a") == 0
    assert table.budget_wait("b") == 0


def _unkeyed_slot(client: str) -> int:
    """Where the table used to put a client: a hash anyone could compute offline."""
    from uasa.web.support import limits

    digest = hashlib.blake2b(client.encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "little") or 1) % limits.SHARED_SLOTS


def test_addresses_chosen_offline_do_not_lock_out_a_victim() -> None:
    """Eight addresses hashing to the victim's slots (unkeyed) once locked it out: 20 of 20
    requests 429. The table's hash is keyed with a secret drawn when it is made."""
    from uasa.web.support import limits

    victim = "203.0.113.7"
    target = _unkeyed_slot(victim)
    attackers: list[str] = []
    n = 0
    while len(attackers) < limits.PROBES:
        candidate = f"198.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        if _unkeyed_slot(candidate) == target:
            attackers.append(candidate)
        n += 1
    table = SharedLimits(per_minute=1)
    for attacker in attackers:
        table.take(attacker)
        table.take(attacker)
    assert table.take(victim) == 0  # the unkeyed table answered: wait 60 s
    assert SharedLimits()._key(victim) != SharedLimits()._key(victim)  # a new secret each time


def test_one_client_is_an_ipv4_address_or_an_ipv6_64() -> None:
    assert client_of("192.0.2.1") == "192.0.2.1"
    assert client_of("2001:db8:1:2::1") == client_of("2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert client_of("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_of("2001:db8:1:3::1") != client_of("2001:db8:1:2::1")
    assert client_of("::ffff:192.0.2.1") == "192.0.2.1"
    assert client_of("unknown") == "unknown"


def test_ipv6_neighbours_share_their_allowance(limits_app) -> None:
    client = limits_app(rate_limit=2).test_client()
    for n in range(2):
        r = client.get("/", environ_base={"REMOTE_ADDR": f"2001:db8::{n + 1}"})
        assert r.status_code != 429
    r = client.get("/", environ_base={"REMOTE_ADDR": "2001:db8::ff"})
    assert r.status_code == 429


def test_loopback_is_spared_unless_asked(limits_app) -> None:
    """A loopback client is a local proxy nobody trusted (all its clients would share one
    allowance) or a local tool: the per-client limits spare it unless UASA_LIMIT_LOOPBACK."""
    client = limits_app(rate_limit=1, limit_loopback=False).test_client()
    for _ in range(5):
        assert client.get("/").status_code != 429
    remote = {"REMOTE_ADDR": "192.0.2.9"}
    assert client.get("/", environ_base=remote).status_code != 429
    assert client.get("/", environ_base=remote).status_code == 429
