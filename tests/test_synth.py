"""benchmarks/synth.py: synthetic data of the requested size that validates, builds, and answers
every saved query unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.synth import generate
from pyoxigraph import QuerySolutions, QueryTriples, Store, Variable

from tests.helpers import ROOT, quiet
from uasa.core import store_layout
from uasa.ingest.project import build_project
from uasa.query import catalogue
from uasa.query.params import bind

N = 20_000


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    generate(N, out, seed=7)
    return out


@pytest.fixture(scope="module")
def built(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> store_layout.BuiltStore:
    setting = str(tmp_path_factory.mktemp("synth-store") / "store")
    # SHACL runs as in `uasa build`: any Violation fails the build.
    return build_project(
        setting, ontology=ROOT / "ontology", data=[synth_dir], queries=ROOT / "queries", out=quiet
    )


def test_size_within_five_percent(synth_dir: Path) -> None:
    lines = sum(f.read_bytes().count(b"\n") for f in synth_dir.glob("synth-*.nt"))
    assert abs(lines - N) <= 0.05 * N


def test_deterministic(synth_dir: Path, tmp_path: Path) -> None:
    generate(N, tmp_path, seed=7)
    for f in synth_dir.glob("synth-*.nt"):
        assert (tmp_path / f.name).read_bytes() == f.read_bytes()


def test_files_split_without_breaking_blank_nodes(tmp_path: Path) -> None:
    count, files = generate(5_000, tmp_path, seed=1, per_file=1_000)
    assert len(files) >= 4
    store = Store()
    for f in files:
        store.load(path=str(f))
    # Every amount is a blank node with its value next to it, even across files.
    orphans = store.query(
        "ASK { ?c <https://w3id.org/uasa/def#amount> ?m "
        "FILTER NOT EXISTS { ?m <https://schema.org/value> ?v } }"
    )
    assert not bool(orphans)
    assert len(store) == count


def test_builds_with_validation(built: store_layout.BuiltStore, synth_dir: Path) -> None:
    curated = built.manifest["graphs"]["https://w3id.org/uasa/graph/curated"]
    assert abs(curated - N) <= 0.05 * N
    assert built.manifest["graphs"]["https://w3id.org/uasa/graph/derived"] > 0


# Queries whose example parameters name things the generator always makes. Others (a real
# framework such as the G7 declaration, a real partner code) may rightly find nothing.
CORE = {
    "signing-timeline",
    "signatories",
    "provisions-by-category",
    "commitments-by-currency",
    "commitment-totals-by-currency",
    "agreements-by-year",
    "expiring-in-year",
    "agreement-network",
}


def test_every_saved_query_answers(built: store_layout.BuiltStore) -> None:
    store = Store.read_only(str(built.db_path))
    queries = list(catalogue.load(ROOT / "queries"))
    assert queries
    for q in queries:
        values = {p.name: p.example for p in q.params if p.example is not None}
        subs = {Variable(k): v for k, v in bind(q.params, values).items()}
        result = store.query(q.body, substitutions=subs, use_default_graph_as_union=True)
        assert isinstance(result, QuerySolutions | QueryTriples)  # SELECT or CONSTRUCT
        rows = list(result)  # every query runs unchanged on synthetic data
        if q.name == "facts-lacking-source":  # every synthetic fact has a source
            assert rows == []
        elif q.name in CORE:
            assert rows, f"{q.name} found nothing on synthetic data"
