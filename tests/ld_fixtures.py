"""A small hand-made dataset for the linked-data and dump tests (tests/fixtures/linked-data/).

Its fixtures (`ld_store`, `ld_app`, `ld_client`) are in conftest.py."""

from __future__ import annotations

from pathlib import Path

from uasa.core.iris import Graphs
from uasa.ingest.pipeline import Input, file_input

FIXTURES = Path(__file__).parent / "fixtures" / "linked-data"
AGREEMENT = "https://w3id.org/uasa/id/agreement/xyz-2024-01-01"


def ld_inputs() -> list[Input]:
    return [
        file_input(FIXTURES / "ontology.ttl", Graphs.ONTOLOGY),
        file_input(FIXTURES / "concepts.ttl", Graphs.CONCEPTS),
        file_input(FIXTURES / "data.ttl", Graphs.CURATED),
    ]
