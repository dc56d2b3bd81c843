"""The same server in front of a real Oxigraph server (UASA_REMOTE), loaded by `uasa build --to`.

The W3C protocol tests also run against this set-up (tests/test_w3c_protocol.py). Here: the
saved queries give the same rows as on the embedded store, and the refusals and the time limit
still hold.
"""

from __future__ import annotations

import csv
import io
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from tests.helpers import ROOT, LiveServer, OxigraphServer, quiet
from uasa.core.urls import redact
from uasa.ingest.pipeline import build
from uasa.ingest.project import build_project
from uasa.query.remote import RemoteExecutor, endpoint_of, with_values
from uasa.query.types import QueryError, QueryRequest

JSON = "application/sparql-results+json"

RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(22)) + " }"
)


@pytest.fixture(scope="module")
def real_remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("real-remote")
    oxigraph = OxigraphServer(folder / "oxigraph")
    store = str(folder / "store")
    build_project(
        store,
        ontology=ROOT / "ontology",
        data=[ROOT / "data"],
        out=quiet,
        upload_to=oxigraph.url + "/store",
    )
    server = LiveServer(store, {"UASA_REMOTE": oxigraph.remote_setting, "UASA_QUERY_TIMEOUT": "2"})
    yield server
    server.stop()
    oxigraph.stop()


def _rows(text: str) -> list[tuple[str, ...]]:
    return sorted(tuple(r) for r in csv.reader(io.StringIO(text)))


def test_saved_queries_give_the_same_rows_as_the_embedded_store(
    real_app: Flask, real_remote: LiveServer
) -> None:
    saved = list(real_app.extensions["uasa.catalogue"])
    assert saved
    client = real_app.test_client()
    for query in saved:
        name = query.name
        # Each parameter with its documented example: the remote store gets them as VALUES.
        args = {p.name: p.example for p in query.params}
        embedded = client.get(f"/queries/{name}.csv", query_string=args)
        remote = requests.get(f"{real_remote.url}/queries/{name}.csv", params=args, timeout=30)
        if query.kind == "graph":  # a CONSTRUCT has no CSV
            embedded = client.get(f"/queries/{name}.nt", query_string=args)
            remote = requests.get(f"{real_remote.url}/queries/{name}.nt", params=args, timeout=30)
            assert sorted(remote.text.splitlines()) == sorted(
                embedded.get_data(as_text=True).splitlines()
            ), name
            continue
        assert embedded.status_code == remote.status_code == 200, (name, remote.text)
        assert _rows(remote.text) == _rows(embedded.get_data(as_text=True)), name


def test_dereferencing_works_through_the_remote_store(real_remote: LiveServer) -> None:
    r = requests.get(f"{real_remote.url}/data/id/agreement/gbr-2024-01-12.ttl", timeout=30)
    assert r.status_code == 200
    assert "Rishi" in r.text or "rishi-sunak" in r.text


def test_refusals_and_time_limit_hold(real_remote: LiveServer) -> None:
    url = real_remote.url + "/sparql"
    service = requests.get(
        url, params={"query": "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"}, timeout=10
    )
    assert service.status_code == 400
    update = requests.post(url, data={"update": "CLEAR ALL"}, timeout=10)
    assert update.status_code == 403
    started = time.monotonic()
    runaway = requests.get(url, params={"query": RUNAWAY}, timeout=30)
    assert runaway.status_code == 503
    assert "time limit of 2 s" in runaway.text
    assert time.monotonic() - started < 5
    assert requests.get(url, params={"query": "ASK {}"}, timeout=10).status_code == 200


def test_endpoint_setting_is_checked() -> None:
    assert endpoint_of("sparql+http://h:1/q?union-default-graph") == (
        "http://h:1/q",
        [("union-default-graph", "")],
    )
    for bad in ["http://h/q", "sparql+ftp://h/q", "sparql+http:///q"]:
        with pytest.raises(ValueError):
            endpoint_of(bad)


def test_parameters_travel_as_escaped_values() -> None:
    from pyoxigraph import Literal

    text = with_values("SELECT ?q WHERE { ?s ?p ?q }", {"q": Literal('x" } UNION { ?s ?p ?o } #')})
    assert text == (
        'SELECT ?q WHERE {\n  VALUES (?q) { ("x\\" } UNION { ?s ?p ?o } #") }\n ?s ?p ?q }'
    )
    braces = 'SELECT ?q { ?s <http://e/{> "{" } # {'
    assert with_values(braces, {"q": Literal("a")}).startswith("SELECT ?q {\n  VALUES (?q)")
    construct = "CONSTRUCT { ?s ?p ?q } WHERE { ?s ?p ?q }"
    assert "WHERE {\n  VALUES" in with_values(construct, {"q": Literal("a")})


def test_build_to_an_unreachable_store_fails_and_keeps_the_served_one(tmp_path: Path) -> None:
    from uasa.ingest.pipeline import BuildError, file_input

    (tmp_path / "a.nt").write_text("<http://e/a> <http://e/b> <http://e/c> .\n")
    store = tmp_path / "store"
    with pytest.raises(BuildError, match="cannot reach"):
        build(
            [file_input(tmp_path / "a.nt", "http://e/g")],
            str(store),
            out=quiet,
            upload_to="http://127.0.0.1:9/store",
        )
    assert not store.exists()


def _read_request(conn: socket.socket) -> None:
    """Read one whole HTTP request (head and Content-Length body). A listener that closes with
    unread request bytes makes the kernel reset the connection, which loses the answer."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        body += conn.recv(65536)


class _Trickle(threading.Thread):
    """A loopback 'SPARQL store' that answers 200 and then sends its body in small pieces:
    ``pieces`` chunks of ``size`` bytes, ``gap`` seconds apart. With ``reset_after``, it
    aborts the connection (TCP reset) after that many pieces instead."""

    def __init__(self, pieces: int, size: int, gap: float, reset_after: int | None = None) -> None:
        super().__init__(daemon=True)
        self.pieces, self.size, self.gap, self.reset_after = pieces, size, gap, reset_after
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"sparql+http://127.0.0.1:{self.sock.getsockname()[1]}/query"

    def run(self) -> None:
        with self.sock:
            conn, _ = self.sock.accept()
        with conn:
            _read_request(conn)
            body_size = self.pieces * self.size
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                + f"Content-Length: {body_size}\r\n\r\n".encode()
            )
            try:
                for sent in range(self.pieces):
                    if sent == self.reset_after:
                        # SO_LINGER 0: close() sends RST, as a crashed store would.
                        conn.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                        return
                    conn.sendall(b" " * self.size)
                    time.sleep(self.gap)
                conn.shutdown(socket.SHUT_WR)
                conn.recv(1)  # wait for the client to hang up before closing
            except OSError:
                pass  # the client hung up, as it should


def _select() -> QueryRequest:
    return QueryRequest(query="SELECT * WHERE { ?s ?p ?o }", results_media_type=JSON)


def test_time_limit_covers_a_trickled_answer() -> None:
    """A store sending a byte every 0.2 s never trips requests' read timeout; the time limit
    still stops the query at about 1 s (it took 4.5 s before it covered the whole body)."""
    listener = _Trickle(pieces=40, size=1, gap=0.2)
    listener.start()
    executor = RemoteExecutor(listener.url, concurrency=1, queue_timeout=1)
    started = time.monotonic()
    with pytest.raises(QueryError) as caught:
        executor.execute(_select(), timeout=1.0)
    assert caught.value.status == 503 and "time limit of 1 s" in caught.value.message
    assert time.monotonic() - started < 2.0
    executor.close()


def test_result_size_limit_holds_for_remote_answers() -> None:
    listener = _Trickle(pieces=4, size=100_000, gap=0)
    listener.start()
    executor = RemoteExecutor(
        listener.url, concurrency=1, queue_timeout=1, max_result_bytes=250_000
    )
    with pytest.raises(QueryError) as caught:
        executor.execute(_select(), timeout=10)
    assert caught.value.status == 413 and "UASA_MAX_RESULT_BYTES" in caught.value.message
    executor.close()


def test_answer_broken_off_by_the_store_is_a_clear_502() -> None:
    """A store that resets the connection mid-body gave a urllib3 error (a 500) before."""
    listener = _Trickle(pieces=4, size=100_000, gap=0.05, reset_after=1)
    listener.start()
    executor = RemoteExecutor(listener.url, concurrency=1, queue_timeout=1)
    with pytest.raises(QueryError) as caught:
        executor.execute(_select(), timeout=10)
    assert caught.value.status == 502 and "broke off its answer" in caught.value.message
    executor.close()


def test_passwords_are_not_printed() -> None:
    assert redact("http://ann:s%40cret@h:7878/store?x=1") == "http://ann:***@h:7878/store?x=1"
    assert redact("http://h:7878/store") == "http://h:7878/store"


def test_an_unreachable_store_is_a_503_that_hides_its_address(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    executor = RemoteExecutor(
        f"sparql+http://ann:secret@127.0.0.1:{port}/query", concurrency=1, queue_timeout=1
    )
    with pytest.raises(QueryError) as caught:
        executor.execute(_select(), timeout=5)
    assert caught.value.status == 503 and "cannot be reached" in caught.value.message
    assert str(port) not in caught.value.message
    assert f"ann:***@127.0.0.1:{port}" in caplog.text and "secret" not in caplog.text
    executor.close()
