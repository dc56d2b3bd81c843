"""Safe by default: no SERVICE fetches, no updates, a time limit that really stops queries,
and clear refusals for bad requests. Run against a real server on loopback."""

from __future__ import annotations

import http.server
import socket
import statistics
import threading
import time
from pathlib import Path

import pyoxigraph
import pytest
import requests

from tests.helpers import LiveServer

ENDPOINTS = ["/sparql", "/query"]
# 3 triples joined with themselves 22 times: 3^22 rows to count, minutes of work.
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(22)) + " }"
)


class Listener:
    """A loopback TCP listener that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Listener:
    lis = Listener()
    yield lis
    lis.close()


def service_queries(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }}"
        " } } } }",
        f"ASK {{ FILTER EXISTS {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
        f"select * {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE# a comment\n<{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <http://127.0.0.1:{port}/> SELECT * {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE <{url}> {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    ]


def test_the_listener_would_see_a_service_call(listener: Listener) -> None:
    """Control: pyoxigraph itself really connects, so the refusal below is what stops it."""
    store = pyoxigraph.Store()
    with pytest.raises(OSError):
        list(store.query(service_queries(listener.port)[0]))
    time.sleep(0.3)
    assert listener.connections >= 1


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_service_is_refused_without_any_connection(
    w3c_server: LiveServer, listener: Listener, how: str
) -> None:
    for query in service_queries(listener.port):
        url = w3c_server.url + "/sparql"
        if how == "get":
            r = requests.get(url, params={"query": query}, timeout=10)
        elif how == "form":
            r = requests.post(url, data={"query": query}, timeout=10)
        else:
            r = requests.post(
                url,
                data=query.encode(),
                timeout=10,
                headers={"Content-Type": "application/sparql-query"},
            )
        assert r.status_code == 400, (query, r.status_code, r.text)
        assert "SERVICE" in r.text
    time.sleep(0.3)
    assert listener.connections == 0


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:1/> { }" }',
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:SERVICE ?o }",
        "SELECT ?service WHERE { ?service ?p ?o } # SERVICE <http://127.0.0.1:1/>",
    ],
)
def test_the_word_service_elsewhere_is_fine(w3c_server: LiveServer, query: str) -> None:
    r = requests.get(w3c_server.url + "/sparql", params={"query": query}, timeout=10)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_updates_are_refused_with_403(
    w3c_server: LiveServer, listener: Listener, endpoint: str
) -> None:
    url = w3c_server.url + endpoint
    load = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>"
    attempts = [
        requests.get(url, params={"update": "CLEAR ALL"}, timeout=10),
        requests.post(url, data={"update": load}, timeout=10),
        requests.post(
            url,
            data=load.encode(),
            timeout=10,
            headers={"Content-Type": "application/sparql-update"},
        ),
        requests.get(url, params={"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}, timeout=10),
        requests.post(url, data={"query": "PREFIX x: <a:> DELETE WHERE { ?s ?p ?o }"}, timeout=10),
        requests.get(url, params={"query": load}, timeout=10),
    ]
    for r in attempts:
        assert r.status_code == 403, (r.request.body, r.text)
        assert "read-only" in r.text
    time.sleep(0.3)
    assert listener.connections == 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                todo.append(child)
    return found


def _cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / 100  # USER_HZ is 100 on Linux


def test_runaway_query_gets_503_and_is_stopped(w3c_server: LiveServer) -> None:
    started = time.monotonic()
    r = requests.get(w3c_server.url + "/sparql", params={"query": RUNAWAY}, timeout=30)
    elapsed = time.monotonic() - started
    assert r.status_code == 503
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "time limit of 2 s" in r.text
    assert 1.9 < elapsed < 4.0
    # The killed worker's CPU is freed: the whole server tree goes quiet within about a second.
    time.sleep(1.0)
    pids = _descendants(w3c_server.proc.pid)
    before = _cpu_seconds(pids)
    time.sleep(1.0)
    assert _cpu_seconds(pids) - before < 0.3


def test_other_clients_are_answered_during_a_runaway(w3c_server: LiveServer) -> None:
    url = w3c_server.url + "/sparql"
    runaway = threading.Thread(
        target=requests.get, args=(url,), kwargs={"params": {"query": RUNAWAY}, "timeout": 30}
    )
    runaway.start()
    time.sleep(0.5)  # let it start burning CPU
    timings = []
    with requests.Session() as session:
        for _ in range(7):
            t0 = time.perf_counter()
            r = session.get(url, params={"query": "ASK {}"}, timeout=10)
            timings.append(time.perf_counter() - t0)
            assert r.status_code == 200 and r.json()["boolean"] is True
    runaway.join()
    assert statistics.median(timings) < 0.1, timings


def test_server_recovers_after_timeouts(w3c_server: LiveServer) -> None:
    for _ in range(2):
        r = requests.get(w3c_server.url + "/sparql", params={"query": RUNAWAY}, timeout=30)
        assert r.status_code == 503
    time.sleep(0.5)
    r = requests.get(
        w3c_server.url + "/sparql",
        params={"query": "SELECT * { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
        timeout=10,
    )
    assert r.status_code == 200
    assert r.text.count("\n") == 4  # header and three rows


def test_too_large_body_gets_413(w3c_server: LiveServer) -> None:
    body = "ASK {}" + " " * (2 * 1024 * 1024)
    r = requests.post(
        w3c_server.url + "/sparql",
        data=body.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 413
    assert "Traceback" not in r.text


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("text/plain", 415),
        ("application/json", 415),
        (None, 415),
        ("application/sparql-query; charset=latin-1", 415),
    ],
)
def test_wrong_media_type(w3c_server: LiveServer, content_type: str | None, status: int) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    r = requests.post(w3c_server.url + "/sparql", data=b"ASK {}", headers=headers, timeout=10)
    if content_type is None:  # requests adds none for bytes; make sure of it
        assert "Content-Type" not in r.request.headers
    assert r.status_code == status
    assert "Content-Type" in r.text or "charset" in r.text


def test_syntax_error_names_the_position(w3c_server: LiveServer) -> None:
    r = requests.get(
        w3c_server.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}, timeout=10
    )
    assert r.status_code == 400
    assert "syntax error" in r.text.lower()
    assert "1:" in r.text  # line:column from the parser


def test_invalid_utf8_body_gets_400(w3c_server: LiveServer) -> None:
    r = requests.post(
        w3c_server.url + "/sparql",
        data=b"ASK { \xff }",
        timeout=10,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 400
    assert "UTF-8" in r.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_get_405(w3c_server: LiveServer, method: str) -> None:
    r = requests.request(method, w3c_server.url + "/sparql", params={"query": "ASK {}"}, timeout=10)
    assert r.status_code == 405
    assert "GET" in r.headers["Allow"]


def test_unknown_path_is_a_plain_404(w3c_server: LiveServer) -> None:
    r = requests.get(w3c_server.url + "/no/such/thing", timeout=10)
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("text/plain")


def test_log_shows_no_traceback(w3c_server: LiveServer) -> None:
    assert "Traceback" not in w3c_server.output()


THREADED_GUARD = """
import threading
from uasa.query import guard as query_guard

results = []
barrier = threading.Barrier(16)
ALLOW = frozenset({"http://allowed.example/sparql"})  # so that rdflib reads each query

def ask(n):
    barrier.wait()
    for k in range(20):
        text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:9/{n}/{k}> {{ ?s ?p ?o }} }}"
        try:
            results.append(query_guard.inspect(text, ALLOW).service)
        except Exception as exc:
            results.append(repr(exc))

threads = [threading.Thread(target=ask, args=(n,)) for n in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()
bad = [r for r in results if not (r and r.startswith("SERVICE <http://127.0.0.1:9/"))]
assert len(results) == 320 and not bad, bad[:3]
print("ok")
"""


def test_service_check_is_thread_safe_on_first_use() -> None:
    """16 threads reading SERVICE queries at once in a fresh process, where rdflib's grammar
    is first used (pyparsing is not thread-safe: unguarded, 316-319 of 320 checks raised)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", THREADED_GUARD], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


class _Endpoint(http.server.BaseHTTPRequestHandler):
    """A loopback SPARQL endpoint that answers every query with one row and counts calls."""

    calls = 0
    ROW = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://example.org/from-the-service"}}]}}'

    def do_POST(self) -> None:  # pyoxigraph sends SERVICE queries by POST
        type(self).calls += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(self.ROW)))
        self.end_headers()
        self.wfile.write(self.ROW)

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


def test_service_allow_list_lets_listed_endpoints_through_only(
    w3c_store: str, listener: Listener
) -> None:
    """UASA_SERVICE_ALLOW (opt-in): a listed endpoint is really queried; every other SERVICE,
    in all the spellings above, is still refused before any connection."""
    endpoint = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    threading.Thread(target=endpoint.serve_forever, daemon=True).start()
    allowed = f"http://127.0.0.1:{endpoint.server_address[1]}/sparql"
    server = LiveServer(w3c_store, {"UASA_SERVICE_ALLOW": allowed})
    try:
        url = server.url + "/sparql"
        ok = requests.get(
            url, params={"query": f"SELECT ?s WHERE {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}"}
        )
        assert ok.status_code == 200, ok.text
        assert "http://example.org/from-the-service" in ok.text
        assert _Endpoint.calls >= 1
        calls = _Endpoint.calls
        variable = f"SELECT * WHERE {{ VALUES ?e {{ <{allowed}> }} SERVICE ?e {{ ?s ?p ?o }} }}"
        r = requests.get(url, params={"query": variable}, timeout=10)
        assert r.status_code == 400 and "variable endpoint" in r.text
        for query in service_queries(listener.port):
            r = requests.get(url, params={"query": query}, timeout=10)
            assert r.status_code == 400, (query, r.status_code, r.text)
            assert "SERVICE" in r.text
        time.sleep(0.3)
        assert listener.connections == 0
        assert _Endpoint.calls == calls
    finally:
        server.stop()
        endpoint.shutdown()
        endpoint.server_close()
