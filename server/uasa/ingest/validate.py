"""SHACL validation of the uasa graph against ``ontology/shapes/*.ttl``.

``sh:Violation`` results fail the build; ``sh:Warning`` (and ``sh:Info``) results are reported only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, Literal, Namespace
from rdflib.term import Node

from uasa.core import paths, results

SH = Namespace("http://www.w3.org/ns/shacl#")
DEFAULT_SHAPES_DIR = paths.SHAPES

DataGraph = Graph | Dataset | pyoxigraph.Store


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, reduced to what a person needs to fix the data."""

    focus_node: str
    path: str | None
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    shape: str | None

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.severity}: {self.focus_node}{where}: {self.message} [{self.shape}]"


@dataclass
class ValidationReport:
    """Outcome of :func:`validate`; ``conforms`` is False only when there are violations."""

    violations: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        lines = [f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)"]
        lines += [str(f) for f in self.violations + self.warnings]
        return "\n".join(lines)


def load_shapes(shapes_dir: Path = DEFAULT_SHAPES_DIR) -> Graph:
    """Parse every ``*.ttl`` in *shapes_dir* into one shapes graph."""
    shapes = Graph()
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no SHACL shapes (*.ttl) in {shapes_dir}")
    for path in files:
        shapes.parse(path, format="turtle")
    return shapes


def _union_graph(data: Dataset | pyoxigraph.Store) -> Graph:
    # Shapes must see the union of all graphs: instance data (`curated`) points at concepts
    # (`concepts`) and parties. pySHACL can read a Store directly, but on our data that was ~10x
    # slower (10 s vs 1 s) and repeated results per graph; the copy is a few thousand triples.
    union = Graph()
    if isinstance(data, pyoxigraph.Store):
        found = results.triples(
            data, "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        )
        nt = results.to_bytes(found, pyoxigraph.RdfFormat.N_TRIPLES)
        union.parse(data=nt.decode("utf-8"), format="nt")
    else:
        for s, p, o, _g in data.quads((None, None, None, None)):
            union.add((s, p, o))
    return union


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def _path_text(results: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    inverse = results.value(path, SH.inversePath)
    return f"^{inverse}" if inverse is not None else str(path)


def validate(data_graph: DataGraph, shapes_dir: Path = DEFAULT_SHAPES_DIR) -> ValidationReport:
    """Validate *data_graph* (rdflib Graph/Dataset or pyoxigraph Store) against the shapes.

    The data graph must contain the concept schemes (and parties, places, sources) that the
    instance data refers to, since shapes check concept-scheme membership and node types.
    No inference is run: shapes name subclasses explicitly, and pySHACL's RDFS inference
    fails on an Oxigraph store.
    """
    shapes = load_shapes(shapes_dir)
    if isinstance(data_graph, (Dataset, pyoxigraph.Store)):
        data: Graph = _union_graph(data_graph)
    else:
        data = data_graph
    _conforms, results, _text_report = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
        advanced=False,
    )
    assert isinstance(results, Graph)
    report = ValidationReport()
    # Only top-level results: nested sh:detail results (from sh:node) repeat the same problem.
    for result in results.objects(None, SH.result):
        severity = results.value(result, SH.resultSeverity)
        finding = Finding(
            focus_node=str(results.value(result, SH.focusNode)),
            path=_path_text(results, results.value(result, SH.resultPath)),
            message=_message(results, result),
            severity=str(severity).removeprefix(str(SH)) if severity is not None else "Violation",
            shape=_text(results.value(result, SH.sourceShape)),
        )
        if severity == SH.Violation or severity is None:
            report.violations.append(finding)
        else:
            report.warnings.append(finding)
    # Stable order so build output and test failures are easy to diff.
    report.violations.sort(key=lambda f: (f.focus_node, f.path or "", f.message))
    report.warnings.sort(key=lambda f: (f.focus_node, f.path or "", f.message))
    return report


def _message(results: Graph, result: Node) -> str:
    messages = [m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    english = [m for m in messages if m.language in (None, "en")]
    chosen = english or messages
    return str(chosen[0]) if chosen else ""


__all__ = ["DEFAULT_SHAPES_DIR", "Finding", "ValidationReport", "load_shapes", "validate"]
