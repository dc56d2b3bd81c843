"""Graceful shutdown: SIGTERM to `uasa serve` stops taking new requests, lets a query in flight
finish (gunicorn's graceful_timeout is the query time limit plus 5 s), then exits cleanly,
leaving no query worker behind."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.helpers import LiveServer
from tests.test_safety import _descendants

# 3 triples joined 14 times: 3^14 = 4 782 969 rows to count, a few seconds of honest work.
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(14)) + " }"
)
QUERY_TIMEOUT = 20


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def server(w3c_store: str) -> LiveServer:
    live = LiveServer(
        w3c_store,
        {"UASA_QUERY_TIMEOUT": str(QUERY_TIMEOUT), "UASA_CACHE_MB": "0", "UASA_QUERY_WORKERS": "2"},
    )
    yield live
    if live.proc.poll() is None:
        live.stop()
    elif not live.log.closed:
        live.log.close()


def test_sigterm_lets_a_running_query_finish(server: LiveServer) -> None:
    children = _descendants(server.proc.pid)
    assert children, "the server should have its gunicorn worker and query workers"
    outcome: dict[str, object] = {}

    def slow() -> None:
        t0 = time.monotonic()
        try:
            r = requests.get(
                server.url + "/sparql",
                params={"query": SLOW},
                headers={"Accept": "application/sparql-results+json"},
                timeout=60,
            )
            outcome["status"] = r.status_code
            outcome["n"] = r.json()["results"]["bindings"][0]["n"]["value"]
        except Exception as exc:  # recorded and asserted on below
            outcome["error"] = repr(exc)
        outcome["seconds"] = time.monotonic() - t0

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.8)  # the query is running in a worker by now
    assert "status" not in outcome, "the slow query finished too soon to test anything"
    term_at = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)

    # New requests are no longer taken: the connection is refused, reset or never answered.
    with pytest.raises(requests.RequestException):
        requests.get(
            server.url + "/sparql", params={"query": "ASK {}"}, timeout=(2, 2)
        ).raise_for_status()

    thread.join(timeout=QUERY_TIMEOUT + 15)
    assert outcome.get("status") == 200, outcome
    assert outcome["n"] == str(3**14)
    # The server exits by itself once the query is answered, well within the bound.
    exit_code = server.proc.wait(timeout=QUERY_TIMEOUT + 10)
    stopped_after = time.monotonic() - term_at
    assert exit_code == 0, server.output()
    assert stopped_after < QUERY_TIMEOUT + 5 + 2
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)], "query workers outlived the server"
    log = server.output()
    assert "Traceback" not in log, log


def test_sigterm_when_idle_exits_at_once(server: LiveServer) -> None:
    assert requests.get(server.url + "/health", timeout=10).status_code == 200
    t0 = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=15) == 0
    assert time.monotonic() - t0 < 5
    assert "Traceback" not in server.output()
