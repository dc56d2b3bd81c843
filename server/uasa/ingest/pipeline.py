"""`uasa build`: parse → load into a new store → derive → validate → swap in.

Nothing touches the served store until every step has passed: the build writes a new
directory and :func:`uasa.store.publish` swaps the link at the end. Any failure, Ctrl-C
included, removes the half-built directory and leaves the served build as it was.
"""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, Store

from uasa import __version__
from uasa.core import store_layout
from uasa.core.iris import BASE, Graphs
from uasa.core.results import solutions
from uasa.core.urls import redact
from uasa.ingest import dumps, releases, rules_runner
from uasa.ingest.upload import upload

RDF_SUFFIXES = {".ttl", ".trig", ".nt", ".nq", ".jsonld", ".rdf", ".owl", ".n3"}
QUAD_FORMATS = {RdfFormat.TRIG, RdfFormat.N_QUADS}


class BuildError(Exception):
    """A build step failed; the message names the file, line and reason where there is one."""


@dataclass(frozen=True)
class Input:
    path: Path
    graph: str | None  # None: a quad format whose graphs come from the file
    fmt: RdfFormat


def _format_of(path: Path) -> RdfFormat:
    suffix = path.suffix.lower().lstrip(".")
    fmt = RdfFormat.from_extension({"owl": "rdf"}.get(suffix, suffix))
    if fmt is None:
        raise BuildError(f"{path}: unknown RDF file type {path.suffix!r}")
    return fmt


def file_input(path: Path, graph: str | None) -> Input:
    fmt = _format_of(path)
    return Input(path, None if fmt in QUAD_FORMATS and graph is None else graph, fmt)


def _rdf_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in RDF_SUFFIXES and p.is_file())


def project_inputs(ontology: Path | None, data: Sequence[Path]) -> list[Input]:
    """The project's own modules, each in its named graph (docs/architecture.md, "Named graphs")."""
    inputs: list[Input] = []
    if ontology is not None:
        for path in _rdf_files(ontology):
            part = path.relative_to(ontology).parts[0]
            graph = {
                "concepts": Graphs.CONCEPTS,
                "shapes": Graphs.SHAPES,
                "alignments.ttl": Graphs.ALIGNMENTS,  # its own document, /def/alignments
            }.get(part, Graphs.ONTOLOGY)
            inputs.append(file_input(path, graph))
    for folder in data:
        if not folder.is_dir():
            raise BuildError(f"{folder}: no such data folder")
        inputs.extend(file_input(p, Graphs.CURATED) for p in _rdf_files(folder))
    return inputs


def _load(db: Store, item: Input) -> None:
    try:
        db.bulk_load(
            path=str(item.path),
            format=item.fmt,
            to_graph=NamedNode(item.graph) if item.graph else None,
            base_iri=BASE,
        )
    except SyntaxError as exc:
        line, column = exc.lineno or 0, exc.offset or 0
        raise BuildError(f"{item.path}:{line}:{column}: {exc.msg}") from None
    except (OSError, ValueError) as exc:
        raise BuildError(f"{item.path}: {exc}") from None


def _rules() -> list[tuple[str, str]]:
    folder = resources.files("uasa.ingest") / "rules"
    return sorted(
        (f.name, f.read_text("utf-8")) for f in folder.iterdir() if f.name.endswith(".ru")
    )


def derive(db: Store) -> list[str]:
    """Run the derivation rules (SPARQL Update files) that fill the derived graph."""
    names = []
    for name, text in _rules():
        try:
            rules_runner.run(db, text, BASE)
        except (SyntaxError, ValueError) as exc:
            raise BuildError(f"rules/{name}: {exc}") from None
        names.append(name)
    return names


def graph_counts(db: Store) -> dict[str, int]:
    counts = {
        str(row["g"].value): int(row["n"].value)
        for row in solutions(db, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    default = next(iter(solutions(db, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"]
    if int(default.value):
        counts[""] = int(default.value)
    return dict(sorted(counts.items()))


def content_hash(inputs: Iterable[Input], rules: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over every input's name, graph and bytes, and the rules: the build's identity."""
    digest = hashlib.sha256()
    for item in inputs:
        digest.update(f"{item.path.name}\0{item.graph}\0".encode())
        digest.update(item.path.read_bytes())
    for name, text in rules:
        digest.update(f"{name}\0{text}".encode())
    return digest.hexdigest()


def _extra_hash_input(quads: Sequence[Quad]) -> list[tuple[str, str]]:
    return [("extra-quads", "\n".join(sorted(map(str, quads))))] if quads else []


Validator = Callable[[Store], list[str]]


class _Stages:
    """Seconds per step, kept in the manifest: the benchmark compares the time to a ready store
    (load, derive, validate) with `oxigraph load`, apart from the dumps."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def lap(self, name: str) -> None:
        self.seconds[name] = time.perf_counter() - self.started - sum(self.seconds.values())

    def total(self) -> float:
        return time.perf_counter() - self.started


def build(
    inputs: Sequence[Input],
    store_setting: str,
    *,
    validator: Validator | None = None,
    out: Callable[[str], None] = print,
    extra_quads: Sequence[Quad] = (),
    upload_to: str | None = None,
) -> store_layout.BuiltStore:
    """Build a new store from ``inputs`` and make it the served one. Raises BuildError."""
    if not inputs:
        raise BuildError("nothing to load: no RDF files found")
    stages = _Stages()
    try:
        build_dir = store_layout.new_build_dir(store_setting)
    except OSError as exc:
        raise BuildError(f"cannot create a build directory beside {store_setting}: {exc}") from None
    try:
        counts = _fill(build_dir, inputs, extra_quads, validator, out, stages)
        published = _files(build_dir, counts, out, upload_to, stages)
        manifest = _manifest(inputs, extra_quads, counts, published, stages)
        # A build whose data differs from the last release's is the next release.
        release = releases.record(
            releases.folder_of(store_setting),
            build_dir,
            manifest,
            canonical=manifest["triples"] <= dumps.CANONICAL_MAX_QUADS,
        )
        manifest["release"] = release["number"]
        (build_dir / store_layout.MANIFEST).write_text(json.dumps(manifest, indent=2), "utf-8")
        final = store_layout.publish(build_dir, store_setting)
    except OSError as exc:  # disk full, file size limit, permissions: the build cannot write
        shutil.rmtree(build_dir, ignore_errors=True)
        raise BuildError(f"cannot write the build in {build_dir.parent}: {exc}") from None
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    for graph, n in counts.items():
        out(f"  {n:>9} triples  {graph or '(default graph)'}")
    out(
        f"built {manifest['triples']} triples from {len(inputs)} files in "
        f"{manifest['seconds']:.2f} s → {final}"
    )
    return store_layout.locate(store_setting)


def _fill(
    build_dir: Path,
    inputs: Sequence[Input],
    extra_quads: Sequence[Quad],
    validator: Validator | None,
    out: Callable[[str], None],
    stages: _Stages,
) -> dict[str, int]:
    """Load, derive and validate into the new store, then close it; the graphs' counts."""
    db = Store(str(build_dir / store_layout.DB_DIR))
    for number, item in enumerate(inputs, 1):
        t0 = time.perf_counter()
        _load(db, item)
        out(f"  [{number}/{len(inputs)}] {item.path}  ({time.perf_counter() - t0:.2f} s)")
    db.extend(extra_quads)  # e.g. the saved-query catalogue in the meta graph
    stages.lap("load")
    rules = derive(db)
    stages.lap("derive")
    if rules:
        out(f"  derived: {', '.join(rules)} ({stages.seconds['derive']:.2f} s)")
    if validator is not None:
        out("  validating with SHACL …")
        problems = validator(db)
        if problems:
            raise BuildError("SHACL validation failed:\n" + "\n".join(problems))
    stages.lap("validate")
    counts = graph_counts(db)
    # The store is complete: close it for writing and read it from here on. The dump
    # processes open it read-only, which is only safe while no process has it open for
    # writing (RocksDB's compactions delete files a reader still expects: "Corruption").
    db.flush()
    del db
    gc.collect()  # the SHACL step leaves reference cycles that may still hold the store
    return counts


def _files(
    build_dir: Path,
    counts: dict[str, int],
    out: Callable[[str], None],
    upload_to: str | None,
    stages: _Stages,
) -> dict[str, Any]:
    """Dumps, exports and VoID statistics from the closed store, read-only; the upload."""
    db = Store.read_only(str(build_dir / store_layout.DB_DIR))
    published = dumps.write_all(
        db, build_dir, sum(counts.values()), out, build_dir / store_layout.DB_DIR
    )
    stages.lap("dumps")
    if upload_to:
        out(f"  loading the graphs into {redact(upload_to)} (Graph Store Protocol) …")
        try:
            upload(db, upload_to, out)
        except OSError as exc:
            raise BuildError(str(exc)) from None
    del db  # pyoxigraph closes the store when the object goes away
    return published


def _manifest(
    inputs: Sequence[Input],
    extra_quads: Sequence[Quad],
    counts: dict[str, int],
    published: dict[str, Any],
    stages: _Stages,
) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "content_hash": content_hash(inputs, [*_rules(), *_extra_hash_input(extra_quads)]),
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": [str(i.path) for i in inputs],
        "graphs": counts,
        "triples": sum(counts.values()),
        "seconds": round(stages.total(), 3),
        "stages": {name: round(seconds, 3) for name, seconds in stages.seconds.items()},
        **published,
    }
    manifest["version"] = __version__
    return manifest
