"""A small hand-made dataset for the linked-data and dump tests (tests/fixtures/linked-data/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_app, quiet
from uasa.build.pipeline import Input, build, file_input
from uasa.core.iris import Graphs

FIXTURES = Path(__file__).parent / "fixtures" / "linked-data"
AGREEMENT = "https://w3id.org/uasa/id/agreement/xyz-2024-01-01"


def ld_inputs() -> list[Input]:
    return [
        file_input(FIXTURES / "ontology.ttl", Graphs.ONTOLOGY),
        file_input(FIXTURES / "concepts.ttl", Graphs.CONCEPTS),
        file_input(FIXTURES / "data.ttl", Graphs.CURATED),
    ]


@pytest.fixture(scope="session")
def ld_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = str(tmp_path_factory.mktemp("ld") / "store")
    build(ld_inputs(), store, out=quiet)
    return store


@pytest.fixture(scope="session")
def ld_app(ld_store: str) -> Iterator[Flask]:
    app = make_app(ld_store)
    yield app
    app.extensions["uasa.executor"].close()
