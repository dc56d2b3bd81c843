"""What test modules share: paths, quiet build output, apps and real servers on loopback, and
the small linked-data dataset (tests/fixtures/linked-data/). The fixtures built on them live in
conftest.py; test modules import from here, never from conftest.py."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from flask import Flask
from flask.testing import FlaskClient

from uasa.core.iris import Graphs
from uasa.core.settings import Settings
from uasa.ingest.pipeline import Input, file_input
from uasa.web.app import close_app, create_app

ROOT = Path(__file__).resolve().parents[1]

W3C = ROOT / "tests" / "w3c"
KASEI = "http://kasei.us/2009/09/sparql/data/"

# The small hand-made dataset for the linked-data and dump tests (`ld_store`, `ld_app`,
# `ld_client` in conftest.py).
FIXTURES = ROOT / "tests" / "fixtures" / "linked-data"
AGREEMENT = "https://w3id.org/uasa/id/agreement/xyz-2024-01-01"


def ld_inputs(folder: Path = FIXTURES) -> list[Input]:
    """The linked-data fixture's three files (or a changed copy of them in ``folder``)."""
    return [
        file_input(folder / "ontology.ttl", Graphs.ONTOLOGY),
        file_input(folder / "concepts.ttl", Graphs.CONCEPTS),
        file_input(folder / "data.ttl", Graphs.CURATED),
    ]


def w3c_inputs() -> list[Input]:
    """The W3C protocol data: data1-3.nt, each in its kasei.us named graph."""
    return [file_input(W3C / "protocol" / f"data{n}.nt", f"{KASEI}data{n}.rdf") for n in (1, 2, 3)]


def quiet(_: str) -> None:
    """Build progress goes nowhere in tests."""


def stop_process(proc: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it has not gone within 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_app(store: str, **overrides: object) -> Flask:
    """An app over ``store`` with test defaults; the caller closes it (or use `running_app`)."""
    settings = Settings.of(
        **{"store": store, "query_workers": 2, "log_level": "warning", **overrides}
    )
    return create_app(settings)


@contextmanager
def running_app(store: str, **overrides: object) -> Iterator[Flask]:
    """An app for the length of a `with` block, closed after it (workers, follower, lease)."""
    app = make_app(store, **overrides)
    try:
        yield app
    finally:
        close_app(app)


def sparql_rows(client: FlaskClient, query: str) -> list[dict[str, str]]:
    """Run a SELECT on the app's /sparql; one dict per row, each bound variable to its value."""
    response = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    bindings = response.get_json()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


def readable(client: FlaskClient, body: bytes) -> bytes:
    """A JSON-LD view with its published context inlined, as a client's document loader would
    fetch it (the test client is no network server); other bodies unchanged."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    url = doc.get("@context") if isinstance(doc, dict) else None
    if not isinstance(url, str):
        return body
    published = client.get(url.removeprefix("http://localhost"))
    assert published.status_code == 200 and published.mimetype == "application/ld+json"
    doc["@context"] = published.get_json(force=True)["@context"]
    return json.dumps(doc).encode()


class LiveServer:
    """`uasa serve` in a subprocess on a free loopback port."""

    def __init__(
        self, store: str, env: dict[str, str] | None = None, port: int | None = None
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {
            **os.environ,
            "UASA_STORE": store,
            "UASA_PORT": str(self.port),
            "UASA_LOG_LEVEL": "warning",
            **(env or {}),
        }
        # The log goes to a file: a pipe nobody reads would fill up and stall the server.
        self.log = tempfile.NamedTemporaryFile("w+", prefix="uasa-serve-", suffix=".log")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uasa.cli", "serve"],
            env=full_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                if requests.get(self.url + "/health", timeout=5).ok:
                    return
            except requests.RequestException:  # not listening yet, or still loading the app
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start within 30 s")

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text("utf-8", errors="replace")

    def stop(self) -> None:
        stop_process(self.proc)
        self.log.close()


class OxigraphServer:
    """A real `oxigraph serve` (the Rust server from PyPI) on a free loopback port."""

    def __init__(self, location: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        binary = Path(sys.executable).with_name("oxigraph")
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/query", timeout=5).status_code < 500:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph serve did not start within 30 s")

    @property
    def remote_setting(self) -> str:
        # Oxigraph's own switch for a union default graph, passed only when a query wants it.
        return f"sparql+{self.url}/query?union-default-graph"

    def stop(self) -> None:
        stop_process(self.proc)
