"""SHACL shapes: a valid fixture conforms; invalid fixtures fail for the intended reason.

``tests/fixtures/shapes/valid/*.ttl`` is a small graph that exercises every class shape
(``complete.ttl``, plus ``structure.ttl`` for the shapes of ``ontology/shapes/structure.ttl``).
Each ``tests/fixtures/shapes/invalid/<case>.ru`` is a SPARQL Update applied to it; its ``#+`` header
names the expected severity, focus node, result path and source shape(s).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from uasa.ingest.validate import DEFAULT_SHAPES_DIR, ValidationReport, load_shapes, validate  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SHP = Namespace("https://w3id.org/uasa/shapes#")
PREFIXES = {
    "uasa": "https://w3id.org/uasa/def#",
    "agreement": "https://w3id.org/uasa/id/agreement/",
    "signature": "https://w3id.org/uasa/id/signature/",
    "provision": "https://w3id.org/uasa/id/provision/",
    "commitment": "https://w3id.org/uasa/id/commitment/",
    "claim": "https://w3id.org/uasa/id/claim/",
    "milestone": "https://w3id.org/uasa/id/milestone/",
    "framework": "https://w3id.org/uasa/id/framework/",
    "adherence": "https://w3id.org/uasa/id/adherence/",
    "membership": "https://w3id.org/uasa/id/membership/",
    "party": "https://w3id.org/uasa/id/party/",
    "person": "https://w3id.org/uasa/id/person/",
    "place": "https://w3id.org/uasa/id/place/",
    "source": "https://w3id.org/uasa/id/source/",
    "figure": "https://w3id.org/uasa/id/figure/",
    "quantity": "https://w3id.org/uasa/id/quantity/",
    "participation": "https://w3id.org/uasa/id/participation/",
    "pcat": "https://w3id.org/uasa/concept/provision-category/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "schema": "https://schema.org/",
}
INVALID = sorted((FIXTURES / "invalid").glob("*.ru"))


def expand(curie: str) -> str:
    inverse = curie.startswith("^")
    prefix, _, local = curie.lstrip("^").partition(":")
    iri = PREFIXES[prefix] + local
    return f"^{iri}" if inverse else iri


@dataclass(frozen=True)
class Case:
    focus: str | None  # None: a blank node
    path: str | None  # None: a node-level constraint (no sh:resultPath)
    severity: str
    shapes: frozenset[str]


def read_case(path: Path) -> Case:
    header: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#+ "):
            key, _, value = line[3:].partition(":")
            header.setdefault(key.strip(), []).append(value.strip())
    focus, rpath = header["focus"][0], header["path"][0]
    return Case(
        focus=None if focus.startswith("_:") else expand(focus),
        path=None if rpath == "-" else expand(rpath),
        severity=header["severity"][0],
        shapes=frozenset(str(SHP[s]) for s in header["shape"]),
    )


def valid_graph() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    for path in sorted((ROOT / "ontology" / "concepts").glob("*.ttl")):
        graph.parse(path)
    # complete.ttl first: the other valid fixtures add to its nodes.
    for path in sorted((FIXTURES / "valid").glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def base() -> Graph:
    return valid_graph()


def test_valid_fixture_conforms_without_warnings(base: Graph) -> None:
    report = validate(base)
    assert report.conforms, report.summary()
    assert report.warnings == [], report.summary()


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_fails_for_the_intended_reason(base: Graph, fixture: Path) -> None:
    case = read_case(fixture)
    graph = Graph()
    for triple in base:
        graph.add(triple)
    graph.update(fixture.read_text(encoding="utf-8"))
    report: ValidationReport = validate(graph)
    findings = report.violations if case.severity == "Violation" else report.warnings
    if case.severity == "Violation":
        assert not report.conforms
    else:
        assert report.conforms, report.summary()
    # Exactly the intended shapes fire at this severity, nothing else.
    assert {f.shape for f in findings} == case.shapes, report.summary()
    hits = [f for f in findings if f.shape in case.shapes and f.path == case.path]
    assert hits, report.summary()
    if case.focus is not None:
        assert any(f.focus_node == case.focus for f in hits), report.summary()


def _targeted_node_shapes(shapes: Graph) -> set[URIRef]:
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetNode, SH.targetObjectsOf)
    return {
        s
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, URIRef) and any(shapes.value(s, t) is not None for t in targets)
    }


def test_every_targeted_shape_has_a_valid_focus_node(base: Graph) -> None:
    shapes = load_shapes(DEFAULT_SHAPES_DIR)
    missing = []
    for shape in _targeted_node_shapes(shapes):
        found = any(
            (None, RDF.type, cls) in base for cls in shapes.objects(shape, SH.targetClass)
        ) or any((None, p, None) in base for p in shapes.objects(shape, SH.targetSubjectsOf))
        if not found:
            missing.append(str(shape))
    assert not missing, f"valid fixture has no focus node for: {sorted(missing)}"


def test_every_targeted_shape_has_an_invalid_fixture() -> None:
    shapes = load_shapes(DEFAULT_SHAPES_DIR)
    expected: set[str] = set()
    for fixture in INVALID:
        expected |= read_case(fixture).shapes
    uncovered = []
    for shape in _targeted_node_shapes(shapes):
        own = {str(shape)} | {str(p) for p in shapes.objects(shape, SH.property)}
        if not own & expected:
            uncovered.append(str(shape))
    assert not uncovered, f"no invalid fixture for: {sorted(uncovered)}"


def test_validate_accepts_an_oxigraph_store_and_a_dataset_across_named_graphs() -> None:
    # Concepts and instance data in different named graphs, as the build stores them.
    import pyoxigraph
    from rdflib import Dataset

    store = pyoxigraph.Store()
    dataset = Dataset()
    for name, path in (
        [("concepts", ROOT / "ontology" / "concepts" / "provision-category.ttl")]
        + [
            (f"c{i}", p)
            for i, p in enumerate(sorted((ROOT / "ontology" / "concepts").glob("*.ttl")))
        ]
        + [("curated", FIXTURES / "valid" / "complete.ttl")]
    ):
        graph_iri = f"https://w3id.org/uasa/graph/{name}"
        store.load(
            path=str(path),
            format=pyoxigraph.RdfFormat.TURTLE,
            to_graph=pyoxigraph.NamedNode(graph_iri),
        )
        dataset.graph(URIRef(graph_iri)).parse(path, format="turtle")
    for data in (store, dataset):
        report = validate(data)
        assert report.conforms, report.summary()
    bad = pyoxigraph.Quad(
        pyoxigraph.NamedNode(PREFIXES["provision"] + "xyz-2024-01-12-training"),
        pyoxigraph.NamedNode(PREFIXES["dct"] + "subject"),
        pyoxigraph.NamedNode("https://w3id.org/uasa/concept/office-kind/minister"),
        pyoxigraph.NamedNode("https://w3id.org/uasa/graph/other"),
    )
    store.add(bad)
    report = validate(store)
    assert [v.shape for v in report.violations] == [str(SHP["Provision-category"])]
