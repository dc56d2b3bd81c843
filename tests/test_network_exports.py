"""The real build's GraphML and GEXF files: valid against the official schemas, unique edge ids,
no stray attributes, and read back by networkx and python-igraph with labels and types.

The schemas are vendored in tests/xsd/ (see tests/xsd/README.md) and checked with `xmllint
--schema` from Debian's libxml2-utils, which `make setup` installs as root.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import pytest

from tests.helpers import ROOT
from uasa.ingest import network as export

XSD = ROOT / "tests" / "xsd"
GRAPHML_XSD = XSD / "graphml-1.0" / "graphml.xsd"
GEXF_XSD = XSD / "gexf-1.3" / "gexf.xsd"
GML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"
NODE_ATTRIBUTES = {"iri", "label", "label_uk", "kind", "type"}  # strings; and `year`, a number
EDGE_ATTRIBUTES = {"label", "property", "kind"}

needs_xmllint = pytest.mark.skipif(
    shutil.which("xmllint") is None,
    reason="xmllint is missing: run 'make setup' as root, or "
    "'sudo apt-get install -y libxml2-utils'",
)


@pytest.fixture(scope="module")
def dumps(real_store: str) -> Path:
    return Path(real_store) / "dumps"


def _xmllint(schema: Path, document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["xmllint", "--noout", "--nonet", "--schema", str(schema), str(document)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _csv_network(dumps: Path) -> tuple[dict[str, str], set[tuple[str, str, str, str]]]:
    """Nodes (IRI → label) and edges by IRI, from the CSV files, whose ids are GraphML's."""
    with open(dumps / export.FILES["csv-nodes"], encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    nodes = {r["iri"]: r["label"] for r in rows}
    iri = {r["id"]: r["iri"] for r in rows}
    with open(dumps / export.FILES["csv-edges"], encoding="utf-8") as f:
        edges = {
            (iri[r["source"]], iri[r["target"]], r["label"], r["property"])
            for r in csv.DictReader(f)
        }
    return nodes, edges


@needs_xmllint
@pytest.mark.parametrize(("name", "schema"), [("graphml", GRAPHML_XSD), ("gexf", GEXF_XSD)])
def test_validates_against_the_official_schema(dumps: Path, name: str, schema: Path) -> None:
    done = _xmllint(schema, dumps / export.FILES[name])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "validates" in done.stderr


@needs_xmllint
def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    """An IRI is no GraphML id (an XML name token), and GEXF 1.3 has no <graph name>."""
    bad = tmp_path / "bad.graphml"
    bad.write_text(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
        '<node id="https://w3id.org/uasa/id/party/gbr"/></graph></graphml>'
    )
    assert _xmllint(GRAPHML_XSD, bad).returncode != 0
    bad = tmp_path / "bad.gexf"
    bad.write_text(
        '<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph name="x"><nodes/></graph></gexf>'
    )
    assert _xmllint(GEXF_XSD, bad).returncode != 0


def test_vendored_schemas_import_only_local_files() -> None:
    for xsd in XSD.rglob("*.xsd"):
        for location in re.findall(r'schemaLocation="([^"]+)"', xsd.read_text("utf-8")):
            assert "://" not in location and (xsd.parent / location).is_file(), (xsd, location)


def test_edge_ids_are_unique_and_space_free(dumps: Path) -> None:
    for name, ns in [("graphml", GML), ("gexf", GEXF)]:
        root = ElementTree.parse(dumps / export.FILES[name]).getroot()
        edges = [e.get("id") or "" for e in root.iter(f"{ns}edge")]
        nodes = [n.get("id") or "" for n in root.iter(f"{ns}node")]
        assert len(edges) > 1000, name
        assert len(set(edges)) == len(edges), name
        assert not [e for e in edges if not re.fullmatch(r"[\w.:-]+", e)], name
        assert len(set(nodes)) == len(nodes), name


def test_no_stray_attributes(dumps: Path) -> None:
    root = ElementTree.parse(dumps / export.FILES["graphml"]).getroot()
    keys = {(k.get("for"), k.get("attr.name"), k.get("attr.type")) for k in root.iter(f"{GML}key")}
    assert keys == {("graph", "name", "string"), ("graph", "description", "string")} | {
        (kind, name, "string")
        for kind, names in [("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)]
        for name in names
    } | {("node", "year", "long")}
    root = ElementTree.parse(dumps / export.FILES["gexf"]).getroot()
    declared = {
        (group.get("class"), a.get("title"), a.get("type"))
        for group in root.iter(f"{GEXF}attributes")
        for a in group.iter(f"{GEXF}attribute")
    }
    # GEXF carries the label and the edge kind in its own `label` and `kind` attributes, not
    # as declared ones.
    assert declared == {("node", n, "string") for n in NODE_ATTRIBUTES - {"label"}} | {
        ("edge", "property", "string"),
        ("node", "year", "long"),
    }
    assert "networkx_key" not in (dumps / export.FILES["gexf"]).read_text("utf-8")


def _by_iri(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    return nx.relabel_nodes(g, {n: d["iri"] for n, d in g.nodes(data=True)})


@pytest.mark.parametrize("name", ["graphml", "gexf"])
def test_networkx_reads_labels_and_attributes(dumps: Path, name: str) -> None:
    path = dumps / export.FILES[name]
    if name == "graphml":
        g = nx.read_graphml(path, force_multigraph=True)
    else:
        g = nx.read_gexf(path, node_type=str, version="1.3")
    g = _by_iri(g)
    nodes, edges = _csv_network(dumps)
    assert {n: d["label"] for n, d in g.nodes(data=True)} == nodes
    assert {(s, t, d["label"], d["property"]) for s, t, d in g.edges(data=True)} == edges
    assert g.number_of_edges() == len(edges)
    gbr = g.nodes["https://w3id.org/uasa/id/party/gbr"]
    assert (gbr["label"], gbr["label_uk"], gbr["kind"]) == (
        "United Kingdom",
        "Велика Британія",
        "party",
    )
    assert all(
        isinstance(v, str) for _, d in g.nodes(data=True) for k, v in d.items() if k != "year"
    )
    years = {n: d["year"] for n, d in g.nodes(data=True) if "year" in d}
    assert years and all(isinstance(y, int) for y in years.values())
    assert set(years) <= {n for n, d in g.nodes(data=True) if d["kind"] == "agreement"}


def test_igraph_reads_the_graphml(dumps: Path) -> None:
    igraph = pytest.importorskip("igraph")
    g = igraph.Graph.Read_GraphML(str(dumps / export.FILES["graphml"]))
    nodes, edges = _csv_network(dumps)
    assert g.is_directed()
    assert (g.vcount(), g.ecount()) == (len(nodes), len(edges))
    assert set(g.vs.attributes()) >= NODE_ATTRIBUTES
    assert set(g.es.attributes()) >= EDGE_ATTRIBUTES
    labels = {v["iri"]: v["label"] for v in g.vs}
    assert labels == nodes
    found = {
        (g.vs[e.source]["iri"], g.vs[e.target]["iri"], e["label"], e["property"]) for e in g.es
    }
    assert found == edges


def test_the_ids_are_the_same_in_every_file(dumps: Path) -> None:
    with open(dumps / export.FILES["csv-nodes"], encoding="utf-8") as f:
        csv_ids = {r["id"] for r in csv.DictReader(f)}
    with open(dumps / export.FILES["csv-edges"], encoding="utf-8") as f:
        csv_edges = {r["id"] for r in csv.DictReader(f)}
    for name, ns in [("graphml", GML), ("gexf", GEXF)]:
        root = ElementTree.parse(dumps / export.FILES[name]).getroot()
        assert {n.get("id") for n in root.iter(f"{ns}node")} == csv_ids, name
        assert {e.get("id") for e in root.iter(f"{ns}edge")} == csv_edges, name


def test_parallel_edges_differ_in_kind(dumps: Path) -> None:
    """Gephi merges parallel edges of one kind: every edge between the same two nodes has its
    own GEXF `kind` (as GEXF 1.3 defines it), and the CSV and GraphML say the same."""
    root = ElementTree.parse(dumps / export.FILES["gexf"]).getroot()
    edges = [(e.get("source"), e.get("target"), e.get("kind")) for e in root.iter(f"{GEXF}edge")]
    assert all(kind for _, _, kind in edges)
    assert len(set(edges)) == len(edges)
    pairs = [(s, t) for s, t, _ in edges]
    assert len(pairs) - len(set(pairs)) > 100  # there are parallel edges to keep apart
    with open(dumps / export.FILES["csv-edges"], encoding="utf-8") as f:
        assert {(r["source"], r["target"], r["kind"]) for r in csv.DictReader(f)} == set(edges)


def test_agreement_years_are_the_signing_years(real_client, dumps: Path) -> None:  # type: ignore[no-untyped-def]
    rows = real_client.get(
        "/sparql",
        query_string={"query": "SELECT ?a ?d { ?a <https://w3id.org/uasa/def#signingDate> ?d }"},
        headers={"Accept": "application/sparql-results+json"},
    ).get_json()["results"]["bindings"]
    signed = {r["a"]["value"]: int(r["d"]["value"][:4]) for r in rows}
    g = nx.read_graphml(dumps / export.FILES["graphml"], force_multigraph=True)
    years = {d["iri"]: d["year"] for _, d in g.nodes(data=True) if "year" in d}
    assert years == {a: y for a, y in signed.items() if a in years} and len(years) >= 29


def test_network_json_is_a_cytoscape_desktop_document(real_client) -> None:  # type: ignore[no-untyped-def]
    """Cytoscape desktop's `.cyjs` reader takes `{"elements": {"nodes": [{"data": {"id"}}],
    "edges": [{"data": {"id", "source", "target"}}]}}`."""
    doc = real_client.get("/network.json").get_json()
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    ids = {n["data"]["id"] for n in nodes}
    assert len(ids) == len(nodes) > 30
    assert all({"id", "source", "target"} <= e["data"].keys() for e in edges)
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    assert "creativecommons.org/licenses/by/4.0" in doc["data"]["license"]
