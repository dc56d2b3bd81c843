"""`uasa serve` with UASA_HTTP_SERVER=granian: the same answers as under gunicorn, the same
limits, a dead HTTP worker replaced, and a clean stop that leaves no query worker behind."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests

from tests.conftest import LiveServer
from tests.test_safety import _descendants

GRANIAN = {"UASA_HTTP_SERVER": "granian", "UASA_HTTP_WORKERS": "2", "UASA_THREADS": "4"}
PATHS = (
    "/queries/agreements-by-year",
    "/sparql?query=" + quote("SELECT ?p ?o WHERE { <https://w3id.org/uasa/id/party/gbr> ?p ?o }"),
    "/id/party/gbr",
    "/data/id/party/gbr.ttl",
)
HEADERS = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}
SAME_HEADERS = ("Content-Type", "ETag", "Vary", "Location", "Content-Location", "Link")


@pytest.fixture(scope="module")
def servers(real_store: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    granian, gunicorn = LiveServer(real_store, GRANIAN), LiveServer(real_store)
    yield granian, gunicorn
    granian.stop()
    gunicorn.stop()


def test_same_answers_as_gunicorn(servers: tuple[LiveServer, LiveServer]) -> None:
    granian, gunicorn = servers
    for path in PATHS:
        a = requests.get(granian.url + path, headers=HEADERS, allow_redirects=False, timeout=30)
        b = requests.get(gunicorn.url + path, headers=HEADERS, allow_redirects=False, timeout=30)
        assert a.status_code == b.status_code, path
        # Documents name their own address, which differs by the port.
        assert a.content.replace(granian.url.encode(), b"") == b.content.replace(
            gunicorn.url.encode(), b""
        ), path
        for name in SAME_HEADERS:
            if name == "ETag" and granian.url.encode() in a.content:
                continue  # an ETag of bytes that differ by the port
            mine = a.headers.get(name, "").replace(granian.url, "")
            assert mine == b.headers.get(name, "").replace(gunicorn.url, ""), (path, name)


def test_limits_hold(servers: tuple[LiveServer, LiveServer]) -> None:
    granian, _ = servers
    big = requests.post(
        granian.url + "/sparql",
        data=b"#" * 2_000_000,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert big.status_code == 413
    assert "too large" in big.text.lower()
    refused = requests.get(granian.url + "/sparql", params={"query": "DROP ALL"}, timeout=30)
    assert refused.status_code in (400, 403)
    after = requests.get(granian.url + PATHS[0], timeout=30)
    assert after.status_code == 200


def test_a_killed_http_worker_is_replaced_and_sigterm_stops_everything(
    real_store: str,
) -> None:
    server = LiveServer(real_store, GRANIAN)
    try:
        workers = [int(p) for p in _direct_children(server.proc.pid)]
        assert len(workers) >= 2, server.output()
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = _direct_children(server.proc.pid)
            if len(now) >= len(workers) and workers[0] not in now:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the killed HTTP worker was not replaced:\n" + server.output())
        for _ in range(20):  # every worker answers, the new one included
            assert requests.get(server.url + PATHS[0], timeout=30).status_code == 200
        everything = _descendants(server.proc.pid)
        assert len(everything) > len(workers)  # the query workers
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(timeout=30) == 0, server.output()
        time.sleep(0.5)
        left = [pid for pid in everything if _alive(pid)]
        assert not left, f"processes left behind: {left}"
        out = server.output()
        assert "Traceback" not in out and "Segmentation" not in out, out
    finally:
        server.stop()


def _direct_children(pid: int) -> list[int]:
    children: list[int] = []
    for task in os.scandir(f"/proc/{pid}/task"):
        try:
            with open(f"{task.path}/children") as f:
                children += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return children


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
