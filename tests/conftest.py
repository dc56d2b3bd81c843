"""Shared fixtures: stores built with the real pipeline, the app, and a real server on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.ld_fixtures import ld_inputs
from uasa.core.settings import Settings
from uasa.ingest.pipeline import build, file_input
from uasa.web.app import close_app, create_app

ROOT = Path(__file__).resolve().parents[1]

W3C = ROOT / "tests" / "w3c"
KASEI = "http://kasei.us/2009/09/sparql/data/"


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


@pytest.fixture(scope="session")
def w3c_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The W3C protocol data: data1-3.nt, each in its kasei.us named graph."""
    if not W3C.is_dir():
        pytest.fail(f"the W3C test data is missing: expected {W3C} (vendored test data)")
    store = str(tmp_path_factory.mktemp("w3c") / "store")
    inputs = [
        file_input(W3C / "protocol" / f"data{n}.nt", f"{KASEI}data{n}.rdf") for n in (1, 2, 3)
    ]
    build(inputs, store, out=quiet)
    return store


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real dataset: ontology/ and data/ through the real build, SHACL included."""
    from uasa.cli.main import validator
    from uasa.ingest.pipeline import project_inputs

    store = str(tmp_path_factory.mktemp("real") / "store")
    build(
        project_inputs(ROOT / "ontology", [ROOT / "data"]), store, validator=validator(), out=quiet
    )
    return store


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


@pytest.fixture
def app_factory() -> Iterator[Callable[..., Flask]]:
    """Apps made inside one test, each closed when the test ends."""
    apps: list[Flask] = []

    def factory(store: str, **overrides: object) -> Flask:
        app = make_app(store, **overrides)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        close_app(app)


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


# -- the three datasets: W3C protocol data, the real dataset, the small linked-data fixture --


@pytest.fixture(scope="session")
def w3c_app(w3c_store: str) -> Iterator[Flask]:
    with running_app(w3c_store, query_timeout=2.0) as app:
        yield app


@pytest.fixture
def w3c_client(w3c_app: Flask) -> FlaskClient:
    return w3c_app.test_client()


@pytest.fixture(scope="session")
def real_app(real_store: str) -> Iterator[Flask]:
    with running_app(real_store) as app:
        yield app


@pytest.fixture
def real_client(real_app: Flask) -> FlaskClient:
    return real_app.test_client()


@pytest.fixture(scope="session")
def ld_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = str(tmp_path_factory.mktemp("ld") / "store")
    build(ld_inputs(), store, out=quiet)
    return store


@pytest.fixture(scope="session")
def ld_app(ld_store: str) -> Iterator[Flask]:
    with running_app(ld_store) as app:
        yield app


@pytest.fixture
def ld_client(ld_app: Flask) -> FlaskClient:
    return ld_app.test_client()


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


@pytest.fixture(scope="session")
def w3c_server(w3c_store: str) -> Iterator[LiveServer]:
    server = LiveServer(w3c_store, {"UASA_QUERY_TIMEOUT": "2", "UASA_QUERY_WORKERS": "3"})
    yield server
    server.stop()


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


@pytest.fixture(scope="session")
def w3c_remote_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Our server in front of a real Oxigraph server loaded by `uasa build --to`."""
    folder = tmp_path_factory.mktemp("w3c-remote")
    oxigraph = OxigraphServer(folder / "oxigraph")
    store = str(folder / "store")
    inputs = [
        file_input(W3C / "protocol" / f"data{n}.nt", f"{KASEI}data{n}.rdf") for n in (1, 2, 3)
    ]
    build(inputs, store, out=quiet, upload_to=oxigraph.url + "/store")
    server = LiveServer(
        store,
        {"UASA_REMOTE": oxigraph.remote_setting, "UASA_QUERY_TIMEOUT": "2", "UASA_CACHE_MB": "0"},
    )
    yield server
    server.stop()
    oxigraph.stop()


# Markers by module, so that `make check` (-m "not slow and not live and not browser") runs the
# fast part; `make test` and CI run everything.
SLOW_MODULES = {
    "test_soak",
    "test_fuzz",
    "test_schemathesis",
    "test_build_atomicity",
    "test_shutdown",
    "test_virtuoso",
    "test_deploy_doc",
    "test_synth",
    "test_rebuild",
}
BROWSER_MODULES = {"test_browser"}  # and every module under tests/browser/
LIVE_FIXTURES = {"w3c_server", "w3c_remote_server", "real_server", "live_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        if module in BROWSER_MODULES or "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & LIVE_FIXTURES or "LiveServer" in getattr(item.module, "__dict__", {}):
            item.add_marker(pytest.mark.live)
