"""Shared fixtures and hooks: stores built with the real pipeline, the apps, real servers on
loopback, and markers by module. The helpers they use are in tests/helpers.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import (
    ROOT,
    W3C,
    LiveServer,
    OxigraphServer,
    ld_inputs,
    make_app,
    quiet,
    running_app,
    w3c_inputs,
)
from uasa.ingest.pipeline import build
from uasa.ingest.project import build_project
from uasa.web.app import close_app


@pytest.fixture(scope="session")
def w3c_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The W3C protocol data: data1-3.nt, each in its kasei.us named graph."""
    if not W3C.is_dir():
        pytest.fail(f"the W3C test data is missing: expected {W3C} (vendored test data)")
    store = str(tmp_path_factory.mktemp("w3c") / "store")
    build(w3c_inputs(), store, out=quiet)
    return store


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real dataset as `uasa build` makes it: ontology/, data/, the saved queries, SHACL."""
    store = str(tmp_path_factory.mktemp("real") / "store")
    build_project(store, ontology=ROOT / "ontology", data=[ROOT / "data"], out=quiet)
    return store


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


@pytest.fixture(scope="session")
def w3c_server(w3c_store: str) -> Iterator[LiveServer]:
    server = LiveServer(w3c_store, {"UASA_QUERY_TIMEOUT": "2", "UASA_QUERY_WORKERS": "3"})
    yield server
    server.stop()


@pytest.fixture(scope="session")
def w3c_remote_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Our server in front of a real Oxigraph server loaded by `uasa build --to`."""
    folder = tmp_path_factory.mktemp("w3c-remote")
    oxigraph = OxigraphServer(folder / "oxigraph")
    store = str(folder / "store")
    build(w3c_inputs(), store, out=quiet, upload_to=oxigraph.url + "/store")
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
