"""What a hostile client can make the server spend, each attack reproduced against the real
pieces: memory per query, parser recursion, a dead idle worker, huge distinct texts, tiny
cached results."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pyoxigraph import Literal, NamedNode, Quad, Store

from tests.helpers import LiveServer, free_port, stop_process
from tests.test_rebuild import _http_workers, uasa_build, write_data
from uasa.core import store_layout
from uasa.query import guard
from uasa.query.executor import QueryExecutor
from uasa.query.result_cache import ENTRY_OVERHEAD, CachingExecutor
from uasa.query.types import QueryError, QueryRequest, QueryResult

JSON = "application/sparql-results+json"
# Doubling a string 30 times asks for 16 GiB: data-independent, and fast to hit any limit.
DOUBLINGS = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(30))
MEMORY_HOG = f'SELECT (STRLEN(?a30) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?a0) {DOUBLINGS} }}'


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("tiny") / "store"
    store = Store(str(path))
    store.add(Quad(NamedNode("http://a.example/s"), NamedNode("http://a.example/p"), Literal("o")))
    store.flush()
    del store
    return str(path)


@pytest.fixture
def pool(tiny_store: str) -> Iterator[QueryExecutor]:
    executor = QueryExecutor(
        tiny_store, workers=1, queue_timeout=5, query_memory_mib=200, max_depth=200
    )
    yield executor
    executor.close()


def ask(executor: QueryExecutor, query: str = "ASK { ?s ?p ?o }") -> bytes:
    return executor.execute(QueryRequest(query, results_media_type=JSON), timeout=10).body


def test_a_query_over_the_memory_limit_gets_503_and_the_pool_recovers(
    pool: QueryExecutor,
) -> None:
    with pytest.raises(QueryError) as caught:
        ask(pool, MEMORY_HOG)
    error = caught.value
    assert error.status == 503 and error.reason == "memory"
    assert "memory limit of 200 MiB" in error.message and "UASA_QUERY_MEMORY" in error.message
    assert error.headers["Retry-After"].isdigit()
    assert b"true" in ask(pool)  # a fresh worker took the dead one's place


def test_a_query_under_the_memory_limit_runs(pool: QueryExecutor) -> None:
    """The same kind of query, 16 MiB instead of 16 GiB, is answered under a 200 MiB limit."""
    twenty = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(20))
    text = f'SELECT (STRLEN(?a20) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?a0) {twenty} }}'
    assert str(16 * 2**20).encode() in ask(pool, text)


@pytest.mark.parametrize(
    ("shape", "fits"),
    [
        (lambda n: "ASK " + "{" * n + "}" * n, 200),
        (lambda n: "ASK { FILTER(" + "(" * n + "1" + ")" * n + ") }", 198),
        (lambda n: "ASK { FILTER(" + "!" * n + "true) }", 198),
        (lambda n: "SELECT * " + "{ SELECT * " * n + "{}" + "}" * n, 99),  # each level: 2
    ],
    ids=["braces", "parentheses", "bangs", "sub-selects"],
)
def test_deep_nesting_is_refused_before_the_parser(pool: QueryExecutor, shape, fits: int) -> None:
    """At the limit the store answers; past it (and at the 20,000 levels that crash the
    store's parser) the pool refuses with 400 and its worker lives on."""
    assert ask(pool, shape(fits))
    worker = next(iter(pool._all))
    for depth in (fits + 1, 20_000):
        with pytest.raises(QueryError) as caught:
            ask(pool, shape(depth))
        assert caught.value.status == 400
        assert "nested more than 200 levels" in caught.value.message
        assert "UASA_MAX_QUERY_DEPTH" in caught.value.message
    assert pool._all == {worker} and worker.process.is_alive()


def test_depth_counts_tokens_not_characters_in_strings_or_comments() -> None:
    deep_text = '"' + "{" * 5000 + '" # ' + "(" * 5000 + "\n"
    assert guard.nesting_problem(f"ASK {{ FILTER(STRLEN({deep_text}) > 0) }}", 200) is None
    siblings = "SELECT * { " + " UNION ".join("{ SELECT * { ?s ?p ?o } }" for _ in range(300)) + "}"
    assert guard.nesting_problem(siblings, 200) is None  # wide is fine, only deep is refused


def test_a_worker_that_died_idle_is_replaced_before_the_next_query(pool: QueryExecutor) -> None:
    """The innocent query after an idle worker's death is answered, not given 503."""
    for _ in range(3):
        (worker,) = pool._all
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(5)
        assert b"true" in ask(pool)


def test_the_service_refusal_costs_no_parser() -> None:
    """With no allow-list a SERVICE token alone refuses: a 100 KB query is answered in
    milliseconds (rdflib's parse of it took 13 s), and rdflib is never loaded for it."""
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from uasa.query import guard\n"
        "text = 'SELECT * WHERE { SERVICE <http://x.example/> { ?s ?p ?o } '"
        " + 'OPTIONAL { ?s ?p ?o } ' * 4600 + '}'\n"
        "assert len(text) > 100_000\n"
        "started = time.perf_counter()\n"
        "verdict = guard.inspect(text)\n"
        "print(time.perf_counter() - started, verdict.service)\n"
        "assert 'rdflib' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    seconds, message = done.stdout.split(" ", 1)
    assert message.startswith("SERVICE is not allowed")
    assert float(seconds) < 1.0


def test_the_guard_keeps_digests_not_query_texts() -> None:
    """17,000 distinct 100 KB texts once grew the HTTP workers by 834 MiB; now the guard
    keeps at most VERDICTS small entries whatever the texts."""
    import tracemalloc

    guard._verdicts.clear()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(guard.VERDICTS + 500):
        guard.inspect(f"ASK {{ FILTER({n} > 0) }} #" + "x" * 100_000)
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert len(guard._verdicts) == guard.VERDICTS
    assert grown < 4 * 2**20, grown  # 4,596 texts of 100 KB would be 460 MB


class _Tiny:
    def execute(self, request: QueryRequest, timeout: float) -> QueryResult:
        return QueryResult("results", JSON, b'{"boolean":true}')

    def close(self) -> None:
        pass


def test_the_result_cache_counts_what_each_entry_costs_besides_its_body() -> None:
    cache = CachingExecutor(_Tiny(), "build", max_bytes=1_000_000)
    for n in range(10_000):
        cache.execute(QueryRequest(f"ASK {{ FILTER({n}) }}", results_media_type=JSON), 1)
    # 16-byte bodies alone would let 62,500 entries in; with their keys, about 1,900.
    assert len(cache._entries) <= 1_000_000 // ENTRY_OVERHEAD
    assert cache._size <= 1_000_000


# --- a build that goes bad under a running server: no boot loop -----------------------------


def _own_build(tmp_path: Path) -> Path:
    """A fresh build of its own (the damage below must not reach other tests' stores)."""
    data = tmp_path / "data"
    write_data(data, 0)
    store = tmp_path / "store"
    assert uasa_build(store, data).returncode == 0
    return store


# Two HTTP workers, and gunicorn's "Booting worker" lines (logged at info) to count boots.
BOOT_COUNTED = {"UASA_QUERY_WORKERS": "1", "UASA_HTTP_WORKERS": "2", "UASA_LOG_LEVEL": "info"}


def _boots(server: LiveServer) -> int:
    return server.output().count("Booting worker")


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["manifest", "link"])
def test_a_worker_that_cannot_open_the_build_stops_the_server_with_one_line(
    tmp_path: Path, damage: str
) -> None:
    """A build damaged after start-up, then an HTTP worker dies: gunicorn once booted a new
    one ~18 times a second, forever. Now the server exits, saying why in one line."""
    store = _own_build(tmp_path)
    server = LiveServer(str(store), BOOT_COUNTED)
    try:
        if damage == "manifest":
            (store.resolve() / store_layout.MANIFEST).write_text("{not json", "utf-8")
        else:
            store.unlink()
        os.kill(_http_workers(server)[0], signal.SIGKILL)
        server.proc.wait(timeout=30)
        assert server.proc.returncode != 0
        log = server.output()
        assert _boots(server) <= 3, log  # the two at start, and the one that failed
        lines = [line for line in log.splitlines() if "cannot open the build" in line]
        assert len(lines) == 1, log
        assert "Traceback" not in log
    finally:
        server.stop()


@pytest.mark.slow
def test_a_build_whose_leases_cannot_be_written_is_served(tmp_path: Path) -> None:
    """A read-only build (no lease can be written) is served, with one warning per worker."""
    store = _own_build(tmp_path)
    leases = store.resolve() / store_layout.LEASES
    shutil.rmtree(leases, ignore_errors=True)
    leases.write_text("not a folder: as unwritable as a read-only mount, even for root")
    server = LiveServer(str(store), BOOT_COUNTED)
    try:
        os.kill(_http_workers(server)[0], signal.SIGKILL)  # a restart must come back too
        deadline = time.monotonic() + 30
        while len(_http_workers(server)) < 2 or _boots(server) < 3:
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.1)
        for _ in range(10):
            r = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=10)
            assert r.status_code == 200
        time.sleep(1)
        assert _boots(server) == 3, server.output()
        assert "without a lease" in server.output()
        assert "Traceback" not in server.output()
    finally:
        server.stop()


@pytest.mark.parametrize("rest", ["a\\b", "a b", "a<b", "a%00b", "a%0Ab", "a%FFb", "a%22b"])
def test_def_with_characters_no_iri_may_hold_is_400(ld_client, rest: str) -> None:  # type: ignore[no-untyped-def]
    """These were 500s with a logged traceback."""
    r = ld_client.get(f"/def/{rest}")
    assert r.status_code in {400, 404}, r.text
    assert "Traceback" not in r.text
    if any(c in rest for c in ("\\", " ", "<", "%00", "%22")):  # a newline matches no route
        assert r.status_code == 400 and "Not an IRI" in r.text


# --- request bodies over a real connection ------------------------------------------------


def _exchange(server: LiveServer, head: bytes, body: bytes = b"", wait: float = 0.0) -> bytes:
    """Send a raw request (the head, then after ``wait`` s the body); the server's reply."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as sock:
        sock.sendall(head)
        if wait:
            sock.settimeout(wait)
            try:
                early = sock.recv(65536)
            except TimeoutError:
                early = b""
            if early:
                return early
            sock.settimeout(15)
        with contextlib.suppress(OSError):  # the server may have closed already
            sock.sendall(body)
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
        return reply


def _chunked(body: bytes, size: int = 65536) -> bytes:
    out = b""
    for i in range(0, len(body), size):
        part = body[i : i + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


def _head(method: str, extra: str) -> bytes:
    return (
        f"{method} /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        f"Accept: application/sparql-results+json\r\n{extra}\r\n"
    ).encode()


def test_a_chunked_body_over_the_limit_gets_413(w3c_server: LiveServer) -> None:
    """It was cut at UASA_MAX_BODY and run: 200."""
    big = b"ASK {}" + b" " * (1_048_576 + 10)
    reply = _exchange(w3c_server, _head("POST", "Transfer-Encoding: chunked\r\n"), _chunked(big))
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    small = b"ASK { ?s ?p ?o }" + b" " * 90_000  # several chunks, under the query length
    reply = _exchange(w3c_server, _head("POST", "Transfer-Encoding: chunked\r\n"), _chunked(small))
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]


def test_expect_continue_with_a_body_over_the_limit_is_refused_unread(
    w3c_server: LiveServer,
) -> None:
    """No `100 Continue` for a 10 MB Content-Length: a 413 at once, the body never sent."""
    started = time.monotonic()
    reply = _exchange(
        w3c_server,
        _head("POST", "Content-Length: 10000000\r\nExpect: 100-continue\r\n"),
        b"",
        wait=5,
    )
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert time.monotonic() - started < 3
    # A body under the limit is still invited.
    body = b"ASK {}"
    head = _head("POST", f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n")
    assert _exchange(w3c_server, head, body, wait=5).startswith(b"HTTP/1.1 100")


def test_an_empty_query_body_is_400_not_an_update(w3c_server: LiveServer) -> None:
    r = requests.post(
        w3c_server.url + "/sparql",
        data=b"",
        headers={"Content-Type": "application/sparql-query"},
        timeout=10,
    )
    assert r.status_code == 400, r.text
    assert "Update" not in r.text


def test_every_503_says_when_to_retry(w3c_server: LiveServer) -> None:
    from tests.test_safety import RUNAWAY

    r = requests.get(w3c_server.url + "/sparql", params={"query": RUNAWAY}, timeout=30)
    assert r.status_code == 503
    assert r.headers["Retry-After"].isdigit()


@pytest.mark.slow
def test_serve_warns_when_bound_beyond_loopback_with_no_proxy(w3c_store: str) -> None:
    """Slow clients stop gunicorn without a buffering proxy: say so at start, once."""
    for host, env, warned in [
        ("0.0.0.0", {}, True),
        ("0.0.0.0", {"UASA_TRUSTED_PROXIES": "1"}, False),
        ("127.0.0.1", {}, False),
    ]:
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "uasa.cli", "serve", "--host", host, "--port", str(port)],
            env={**os.environ, "UASA_STORE": w3c_store, "UASA_QUERY_WORKERS": "1", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok:
                        break
                time.sleep(0.2)
        finally:
            stop_process(proc)
        assert proc.stdout is not None
        with proc.stdout:
            output = proc.stdout.read()
        lines = [line for line in output.splitlines() if "warning: listening on" in line]
        assert len(lines) == (1 if warned else 0), output
        if warned:
            assert "UASA_TRUSTED_PROXIES" in lines[0] and "docs/deploy.md" in lines[0]


def test_health_503_says_when_to_retry(w3c_store: str, app_factory) -> None:  # type: ignore[no-untyped-def]
    """/health answers 503 when no query worker is free; that 503 carries Retry-After too."""
    import threading

    from tests.test_safety import RUNAWAY

    app = app_factory(w3c_store, query_workers=1, queue_timeout=0.5, query_timeout=3, cache_mb=0)
    runaway = threading.Thread(
        target=lambda: app.test_client().get("/sparql", query_string={"query": RUNAWAY})
    )
    runaway.start()
    time.sleep(0.5)
    r = app.test_client().get("/health")
    runaway.join(timeout=10)
    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"].isdigit()
