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

from tests.conftest import ROOT
from uasa.build import network as export

XSD = ROOT / "tests" / "xsd"
GRAPHML_XSD = XSD / "graphml-1.0" / "graphml.xsd"
GEXF_XSD = XSD / "gexf-1.3" / "gexf.xsd"
GML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"
NODE_ATTRIBUTES = {"iri", "label", "label_uk", "kind", "type"}
EDGE_ATTRIBUTES = {"label", "property"}

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
    with open(dumps / export.FILES["csv-nodes"], encoding="utf-8") as f:
        nodes = {r["id"]: r["label"] for r in csv.DictReader(f)}
    with open(dumps / export.FILES["csv-edges"], encoding="utf-8") as f:
        edges = {(r["source"], r["target"], r["label"], r["property"]) for r in csv.DictReader(f)}
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
    assert keys == {("graph", "name", "string")} | {
        (kind, name, "string")
        for kind, names in [("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)]
        for name in names
    }
    root = ElementTree.parse(dumps / export.FILES["gexf"]).getroot()
    declared = {
        (group.get("class"), a.get("title"), a.get("type"))
        for group in root.iter(f"{GEXF}attributes")
        for a in group.iter(f"{GEXF}attribute")
    }
    # GEXF carries the label in its own `label` attribute, not as a declared one.
    assert declared == {("node", n, "string") for n in NODE_ATTRIBUTES - {"label"}} | {
        ("edge", "property", "string")
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
    assert all(isinstance(v, str) for _, d in g.nodes(data=True) for v in d.values())


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
