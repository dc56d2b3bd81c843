"""`uasa build`: progress, errors with file:line:column, and a served store that never changes
when a build fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import Store

from tests.helpers import quiet
from uasa.core import store_layout
from uasa.core.iris import Graphs
from uasa.ingest.pipeline import BuildError, build, file_input
from uasa.ingest.project import build_project

GOOD = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ex:d .\n"
BAD = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ex:d ex:e .\n"


def _uasa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # An empty saved-query folder keeps the meta graph out of these small counts.
    (cwd / "no-queries").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "uasa.cli", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "UASA_QUERIES": str(cwd / "no-queries")},
    )


def _project(tmp_path: Path, data: str = GOOD) -> Path:
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "o.ttl").write_text(
        "<http://example.org/o> a <http://www.w3.org/2002/07/owl#Ontology> .\n"
    )
    (tmp_path / "data" / "sub").mkdir(parents=True)
    (tmp_path / "data" / "sub" / "d.ttl").write_text(data)
    return tmp_path


def _served_triples(store: Path) -> int:
    built = store_layout.locate(store)
    return len(Store.read_only(str(built.db_path)))


def test_cli_build_prints_progress_and_counts(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = _uasa("build", "--no-validate", "--store", "var/store", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "[1/2]" in result.stdout and "[2/2]" in result.stdout
    assert f"2 triples  {Graphs.CURATED}" in result.stdout
    assert f"1 triples  {Graphs.ONTOLOGY}" in result.stdout
    assert "built 3 triples from 2 files" in result.stdout
    assert (project / "var" / "store").is_symlink()
    assert _served_triples(project / "var" / "store") == 3


def test_syntax_error_stops_the_build_and_keeps_the_served_store(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert _uasa("build", "--no-validate", "--store", "var/store", cwd=project).returncode == 0
    served = (project / "var" / "store").resolve()
    (project / "data" / "sub" / "d.ttl").write_text(BAD)
    result = _uasa("build", "--no-validate", "--store", "var/store", cwd=project)
    assert result.returncode == 1
    assert "data/sub/d.ttl:3:16: " in result.stderr
    assert "dot is expected" in result.stderr
    assert "not changed" in result.stderr
    assert (project / "var" / "store").resolve() == served
    assert _served_triples(project / "var" / "store") == 3
    leftovers = [p.name for p in (project / "var" / "stores").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_missing_and_unknown_inputs_are_clear_errors(tmp_path: Path) -> None:
    project = _project(tmp_path)
    missing = _uasa("build", "--store", "var/store", "--data", "nope", cwd=project)
    assert missing.returncode == 1 and "nope: no such data folder" in missing.stderr
    (project / "x.csv").write_text("a,b\n")
    unknown = _uasa("build", "--store", "var/store", "x.csv", cwd=project)
    assert unknown.returncode == 1 and "unknown RDF file type '.csv'" in unknown.stderr
    assert not (project / "var" / "store").exists()


def test_graph_file_and_quads_keep_their_graphs(tmp_path: Path) -> None:
    (tmp_path / "a.nt").write_text("<http://e/a> <http://e/b> <http://e/c> .\n")
    (tmp_path / "q.trig").write_text("<http://e/g> { <http://e/x> <http://e/y> <http://e/z> . }\n")
    store = tmp_path / "store"
    built = build(
        [file_input(tmp_path / "a.nt", "http://e/graph"), file_input(tmp_path / "q.trig", None)],
        str(store),
        out=quiet,
    )
    assert built.manifest["graphs"] == {"http://e/g": 1, "http://e/graph": 1}


def test_failure_inside_a_step_cleans_up(tmp_path: Path) -> None:
    (tmp_path / "a.nt").write_text("<http://e/a> <http://e/b> <http://e/c> .\n")
    store = tmp_path / "var" / "store"
    build([file_input(tmp_path / "a.nt", "http://e/g")], str(store), out=quiet)
    served = store.resolve()

    def interrupted(_: Store) -> list[str]:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(
            [file_input(tmp_path / "a.nt", "http://e/g")],
            str(store),
            validator=interrupted,
            out=quiet,
        )
    assert store.resolve() == served
    assert not [p for p in (tmp_path / "var" / "stores").iterdir() if p.name.startswith(".")]


def test_validator_problems_fail_the_build(tmp_path: Path) -> None:
    (tmp_path / "a.nt").write_text("<http://e/a> <http://e/b> <http://e/c> .\n")
    with pytest.raises(BuildError, match="SHACL validation failed:\n<http://e/a> broken"):
        build(
            [file_input(tmp_path / "a.nt", "http://e/g")],
            str(tmp_path / "store"),
            validator=lambda _: ["<http://e/a> broken"],
            out=quiet,
        )
    assert not (tmp_path / "store").exists()


def test_old_builds_are_pruned_but_the_previous_one_kept(tmp_path: Path) -> None:
    (tmp_path / "a.nt").write_text("<http://e/a> <http://e/b> <http://e/c> .\n")
    store = tmp_path / "var" / "store"
    for _ in range(4):
        build([file_input(tmp_path / "a.nt", "http://e/g")], str(store), out=quiet)
    assert len(list((tmp_path / "var" / "stores").iterdir())) == store_layout.KEEP_BUILDS


def test_content_hash_follows_the_input(tmp_path: Path) -> None:
    project = _project(tmp_path)

    def content_hash(store: str) -> object:
        built = build_project(
            str(tmp_path / store),
            ontology=project / "ontology",
            data=[project / "data"],
            validate=False,
            out=quiet,
        )
        return built.manifest["content_hash"]

    first = content_hash("s1")
    again = content_hash("s2")
    (project / "data" / "sub" / "d.ttl").write_text(GOOD + "ex:a ex:b ex:e .\n")
    changed = content_hash("s3")
    assert first == again != changed


def test_serve_without_a_store_says_what_to_do(tmp_path: Path) -> None:
    result = _uasa("serve", "--store", "var/none", cwd=tmp_path)
    assert result.returncode == 1
    assert "no store at var/none: run `uasa build`" in result.stderr
    assert "Traceback" not in result.stderr


def test_project_build_holds_the_saved_queries_as_uasa_build_does(tmp_path: Path) -> None:
    """build_project is what `uasa build` runs: the catalogue lands in the meta graph."""
    project = _project(tmp_path)
    queries = Path(__file__).parent / "fixtures" / "queries"
    built = build_project(
        str(tmp_path / "store"),
        ontology=project / "ontology",
        data=[project / "data"],
        queries=queries,
        validate=False,
        out=quiet,
    )
    assert built.manifest["graphs"][Graphs.META] > 0
    with pytest.raises(BuildError, match="nope: no such ontology folder"):
        build_project(str(tmp_path / "other"), ontology=tmp_path / "nope", out=quiet)
    assert not (tmp_path / "other").exists()
