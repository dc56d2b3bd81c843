"""Dumps written by `uasa build`: every format re-parses to the same data, the N-Quads dump is
canonical, `/dumps/` serves them with ETag and Content-Length, the graph-tool exports read back
with networkx, and the VoID statistics agree with counts made independently with rdflib."""

from __future__ import annotations

# Ukrainian labels are the data under test; fixtures are imported and used as arguments.
# ruff: noqa: RUF001
import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from flask.testing import FlaskClient
from pyoxigraph import CanonicalizationAlgorithm, Dataset, RdfFormat, parse
from rdflib.compare import isomorphic

from tests.helpers import AGREEMENT, ld_inputs, quiet
from uasa.core import store_layout
from uasa.ingest import dumps
from uasa.ingest import network as export
from uasa.ingest.pipeline import build

TRIPLE_FORMATS = {"nt": "nt", "ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}
VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def folder(ld_store: str) -> Path:
    return store_layout.locate(ld_store).root / dumps.DUMPS_DIR


def _quads(folder: Path, suffix: str) -> Dataset:
    return Dataset(
        parse(path=str(folder / f"uasa.{suffix}"), format=RdfFormat.from_extension(suffix))
    )


def test_every_dump_is_written_with_its_gzip_and_checksum(folder: Path) -> None:
    sums = dict(
        reversed(line.split("  ")) for line in (folder / dumps.CHECKSUMS).read_text().splitlines()
    )
    for fmt in dumps.DUMP_FORMATS:
        plain = (folder / f"uasa.{fmt.suffix}").read_bytes()
        packed = (folder / f"uasa.{fmt.suffix}.gz").read_bytes()
        assert gzip.decompress(packed) == plain
        assert sums[f"uasa.{fmt.suffix}"] == hashlib.sha256(plain).hexdigest()
        assert sums[f"uasa.{fmt.suffix}.gz"] == hashlib.sha256(packed).hexdigest()
    for name in export.FILES.values():
        assert name in sums


def test_quad_dumps_agree(ld_store: str, folder: Path) -> None:
    from pyoxigraph import Store

    nq, trig = _quads(folder, "nq"), _quads(folder, "trig")
    served = Dataset(Store.read_only(str(store_layout.locate(ld_store).db_path)))
    for d in (nq, trig, served):
        d.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    assert nq == trig == served
    header, *lines = (folder / "uasa.nq").read_bytes().splitlines()
    assert header.startswith(b"# ")  # the licence and source line, then the sorted quads
    assert lines == sorted(lines) and len(lines) == len(nq)


def test_triple_dumps_hold_the_union_and_are_isomorphic(folder: Path) -> None:
    union = {q.triple for q in _quads(folder, "nq")}
    graphs = {}
    for suffix, name in TRIPLE_FORMATS.items():
        g = rdflib.Graph().parse(folder / f"uasa.{suffix}", format=name)
        assert len(g) == len(union), suffix
        graphs[suffix] = g
        ox = list(
            parse(path=str(folder / f"uasa.{suffix}"), format=RdfFormat.from_extension(suffix))
        )
        assert len(set(ox)) == len(union)
    first = graphs.pop("nt")
    for suffix, g in graphs.items():
        assert isomorphic(first, g), suffix


def test_two_builds_give_byte_identical_nquads(tmp_path: Path, folder: Path) -> None:
    again = build(ld_inputs(), str(tmp_path / "store"), out=quiet)
    assert (again.root / "dumps" / "uasa.nq").read_bytes() == (folder / "uasa.nq").read_bytes()
    for suffix in ("nq.gz", "nt", "ttl", "trig"):
        name = f"uasa.{suffix}"
        assert (again.root / "dumps" / name).read_bytes() == (folder / name).read_bytes(), name


def test_dumps_are_served_with_etag_and_length(ld_client: FlaskClient, folder: Path) -> None:
    listing = ld_client.get("/dumps/")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    for fmt in dumps.DUMP_FORMATS:
        assert f'href="/dumps/uasa.{fmt.suffix}.gz"' in html
    r = ld_client.get("/dumps/uasa.ttl")
    assert r.status_code == 200
    assert r.mimetype == "text/turtle"
    assert int(r.headers["Content-Length"]) == (folder / "uasa.ttl").stat().st_size
    assert r.data == (folder / "uasa.ttl").read_bytes()
    etag = r.headers["ETag"]
    assert etag == '"' + hashlib.sha256((folder / "uasa.ttl").read_bytes()).hexdigest() + '"'
    r.close()
    with ld_client.get("/dumps/uasa.ttl", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
    gz = ld_client.get("/dumps/uasa.nq.gz")
    assert gz.mimetype == "application/gzip" and "Content-Encoding" not in gz.headers
    gz.close()
    with ld_client.get("/dumps/SHA256SUMS") as sums:
        assert sums.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    "path", ["/dumps/../build.json", "/dumps/..%2Fbuild.json", "/dumps/nope.ttl", "/dumps/%2e%2e"]
)
def test_no_path_traversal(ld_client: FlaskClient, path: str) -> None:
    with ld_client.get(path) as r:
        assert r.status_code == 404


EXPECTED_NODES = {
    AGREEMENT: ("agreement", "Xland–Ukraine agreement", "Угода Ксландії та України"),
    "https://w3id.org/uasa/id/party/xyz": ("party", "Xland", "Ксландія"),
    "https://w3id.org/uasa/id/party/ukr": ("party", "Ukraine", "Україна"),
    "https://w3id.org/uasa/id/party/g7": ("party", "G7", "G7"),
    "https://w3id.org/uasa/id/person/ann-example": ("person", "Ann Example", "Енн Приклад"),
    "https://w3id.org/uasa/id/framework/g7-declaration": (
        "framework",
        "G7 Joint Declaration",
        "Спільна декларація G7",
    ),
    "https://w3id.org/uasa/concept/provision-category/air-defence": (
        "provision-category",
        "Air defence",
        "Протиповітряна оборона",
    ),
}
EXPECTED_EDGES = {
    (AGREEMENT, "https://w3id.org/uasa/id/party/ukr", "party"),
    (AGREEMENT, "https://w3id.org/uasa/id/party/xyz", "party"),
    (AGREEMENT, "https://w3id.org/uasa/id/party/xyz", "partner"),
    (AGREEMENT, "https://w3id.org/uasa/id/framework/g7-declaration", "implements"),
    (AGREEMENT, "https://w3id.org/uasa/id/person/ann-example", "Signature: signatory"),
    (AGREEMENT, "https://w3id.org/uasa/id/party/xyz", "Signature: onBehalfOf"),
    (
        AGREEMENT,
        "https://w3id.org/uasa/concept/provision-category/air-defence",
        "Provision: subject",
    ),
    (
        AGREEMENT,
        "https://w3id.org/uasa/concept/provision-category/air-defence",
        "Commitment: subject",
    ),
    (AGREEMENT, "https://w3id.org/uasa/id/party/xyz", "Commitment: obligor"),
    (
        "https://w3id.org/uasa/id/party/xyz",
        "https://w3id.org/uasa/id/party/g7",
        "Membership: organization",
    ),
}


def _check_network(g: nx.MultiDiGraph) -> None:
    if all("iri" in d for _, d in g.nodes(data=True)):  # GraphML and GEXF: ids are tokens
        g = nx.relabel_nodes(g, {n: d["iri"] for n, d in g.nodes(data=True)})
    nodes = {n: (d["kind"], d["label"], d["label_uk"]) for n, d in g.nodes(data=True)}
    assert nodes == EXPECTED_NODES
    edges = {(s, t, d["label"]) for s, t, d in g.edges(data=True)}
    assert edges == EXPECTED_EDGES
    assert g.number_of_edges() == len(EXPECTED_EDGES)


def test_graphml_reads_back(folder: Path) -> None:
    _check_network(nx.read_graphml(folder / export.FILES["graphml"], force_multigraph=True))


def test_gexf_reads_back(folder: Path) -> None:
    g = nx.read_gexf(folder / export.FILES["gexf"], node_type=str)
    # GEXF keeps the node label as `label` and the id separately; edge labels are attributes.
    g = nx.relabel_nodes(g, {n: n for n in g.nodes})
    _check_network(g)


def test_csv_lists(folder: Path) -> None:
    import csv

    with open(folder / export.FILES["csv-nodes"], encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    nodes = {r["iri"]: (r["kind"], r["label"], r["label_uk"]) for r in rows}
    iri = {r["id"]: r["iri"] for r in rows}
    assert all(token == export.node_token(i) for token, i in iri.items())
    with open(folder / export.FILES["csv-edges"], encoding="utf-8") as f:
        edges = {(iri[r["source"]], iri[r["target"]], r["label"]) for r in csv.DictReader(f)}
    assert nodes == EXPECTED_NODES
    assert edges == EXPECTED_EDGES
    # The agreement's signing year, a number for graph tools; other nodes have none.
    years = {r["iri"]: r["year"] for r in rows if r["year"]}
    assert years == {AGREEMENT: "2024"}


def test_exports_and_dumps_carry_the_licence(folder: Path) -> None:
    from uasa.core.dataset import notice

    line = notice()
    assert "creativecommons.org/licenses/by/4.0" in line
    for suffix in ("nq", "nt", "ttl", "trig"):
        first = (folder / f"uasa.{suffix}").read_text("utf-8").splitlines()[0]
        assert first == f"# {line}", suffix
    rdfxml = (folder / "uasa.rdf").read_text("utf-8").splitlines()
    assert rdfxml[:2] == ['<?xml version="1.0" encoding="UTF-8"?>', f"<!-- {line} -->"]
    assert len(rdflib.Graph().parse(folder / "uasa.rdf", format="xml")) > 20
    from xml.etree import ElementTree

    meta = ElementTree.parse(folder / export.FILES["gexf"]).getroot()[0]
    assert meta.tag == "{http://gexf.net/1.3}meta"
    assert meta.findtext("{http://gexf.net/1.3}description") == line
    graphml = nx.read_graphml(folder / export.FILES["graphml"], force_multigraph=True)
    assert graphml.graph["description"] == line


def _rdflib_counts(folder: Path) -> dict[str, dict[str, int]]:
    """Statistics counted by rdflib from the N-Quads dump, independent of Oxigraph's SPARQL."""
    counts: dict[str, dict[str, int]] = {}
    lines: dict[str, list[str]] = {}
    for line in (folder / "uasa.nq").read_text("utf-8").splitlines():
        if line.startswith("#"):  # the licence and source line
            continue
        triple, graph = line.rsplit(" ", 2)[0], line.rsplit(" ", 2)[1]
        lines.setdefault(graph.strip("<>"), []).append(triple + " .")
    # One parse per document, so a blank node label means one node within it.
    per_graph = {
        g: set(rdflib.Graph().parse(data="\n".join(ls), format="nt")) for g, ls in lines.items()
    }
    union = set(
        rdflib.Graph().parse(data="\n".join(x for ls in lines.values() for x in ls), format="nt")
    )
    for name, triples in [*per_graph.items(), ("", union)]:
        counts[name] = {
            "triples": len(triples),
            "entities": len({s for s, _, _ in triples if isinstance(s, rdflib.URIRef)}),
            "classes": len({o for _, p, o in triples if p == rdflib.RDF.type}),
            "properties": len({p for _, p, _ in triples}),
            "subjects": len({s for s, _, _ in triples}),
            "objects": len({o for _, _, o in triples}),
        }
    return counts


def test_void_statistics_equal_independent_counts(ld_client: FlaskClient, folder: Path) -> None:
    r = ld_client.get("/.well-known/void")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    void = rdflib.Graph().parse(data=r.data, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/uasa/dataset")
    expected = _rdflib_counts(folder)
    names = {"subjects": "distinctSubjects", "objects": "distinctObjects"}

    def stat(node: rdflib.term.Node, key: str) -> int:
        return int(void.value(node, rdflib.URIRef(VOID + names.get(key, key))))

    for key, value in expected[""].items():
        assert stat(dataset, key) == value, key
    subsets = set(void.objects(dataset, rdflib.URIRef(VOID + "subset")))
    assert {str(s) for s in subsets} == set(expected) - {""}
    for subset in subsets:
        for key, value in expected[str(subset)].items():
            assert stat(subset, key) == value, (subset, key)


def test_void_describes_dumps_and_more(ld_client: FlaskClient, folder: Path) -> None:
    void = rdflib.Graph().parse(data=ld_client.get("/.well-known/void").data, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/uasa/dataset")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    assert (
        dataset,
        rdflib.DCTERMS.license,
        rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in void
    assert void.value(dataset, rdflib.DCTERMS.modified) is not None
    assert void.value(dataset, dcat.version) is not None
    assert (
        dataset,
        rdflib.URIRef(VOID + "sparqlEndpoint"),
        rdflib.URIRef("http://localhost/sparql"),
    ) in void
    assert rdflib.URIRef(AGREEMENT) in set(
        void.objects(dataset, rdflib.URIRef(VOID + "exampleResource"))
    )
    vocabularies = {str(v) for v in void.objects(dataset, rdflib.URIRef(VOID + "vocabulary"))}
    assert "https://w3id.org/uasa/def#" in vocabularies and "https://schema.org/" in vocabularies
    ttl = rdflib.URIRef("http://localhost/dumps/uasa.ttl")
    assert (dataset, dcat.distribution, ttl) in void
    assert void.value(ttl, dcat.mediaType) == rdflib.URIRef(
        "https://www.iana.org/assignments/media-types/text/turtle"
    )
    assert int(void.value(ttl, dcat.byteSize)) == (folder / "uasa.ttl").stat().st_size
    checksum = void.value(ttl, spdx.checksum)
    assert (
        str(void.value(checksum, spdx.checksumValue))
        == hashlib.sha256((folder / "uasa.ttl").read_bytes()).hexdigest()
    )
    jsonld = ld_client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json" and "Accept" in jsonld.vary


def _uasa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "uasa.cli", *args], text=True, capture_output=True, timeout=120
    )


def test_cli_export(ld_store: str, tmp_path: Path, folder: Path) -> None:
    out = tmp_path / "all.nq"
    result = _uasa("export", "--store", ld_store, "--format", "nq", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == (folder / "uasa.nq").read_bytes()
    curated = tmp_path / "curated.ttl"
    result = _uasa(
        "export",
        "--store",
        ld_store,
        "--format",
        "turtle",
        "--graph",
        "https://w3id.org/uasa/graph/curated",
        "--out",
        str(curated),
    )
    assert result.returncode == 0, result.stderr
    g = rdflib.Graph().parse(curated, format="turtle")
    assert (rdflib.URIRef(AGREEMENT), None, None) in g
    assert (
        rdflib.URIRef("https://w3id.org/uasa/def#SecurityAgreement"),
        rdflib.RDFS.label,
        None,
    ) not in g
    result = _uasa(
        "export", "--store", ld_store, "--format", "graphml", "--out", str(tmp_path / "n.graphml")
    )
    assert result.returncode == 0, result.stderr
    _check_network(nx.read_graphml(tmp_path / "n.graphml", force_multigraph=True))
    result = _uasa("export", "--store", ld_store, "--format", "csv", "--out", str(tmp_path / "csv"))
    assert result.returncode == 0 and (tmp_path / "csv" / export.FILES["csv-edges"]).is_file()
    bad = _uasa(
        "export", "--store", ld_store, "--format", "nq", "--graph", "http://nope/", "--out", "-"
    )
    assert bad.returncode == 1 and "no graph" in bad.stderr


def _union(folder: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(folder / "uasa.nt", format="nt")


def test_void_partitions_equal_independent_counts(ld_client: FlaskClient, folder: Path) -> None:
    """void:classPartition and void:propertyPartition against rdflib's counts over the
    union dump."""
    void = rdflib.Graph().parse(data=ld_client.get("/.well-known/void").data, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/uasa/dataset")
    union = _union(folder)
    v = rdflib.Namespace(VOID)
    classes = {
        void.value(part, v["class"]): int(void.value(part, v.entities))
        for part in void.objects(dataset, v.classPartition)
    }
    expected_classes: dict[rdflib.term.Node, set[rdflib.term.Node]] = {}
    for s, o in union.subject_objects(rdflib.RDF.type):
        if isinstance(o, rdflib.URIRef):
            expected_classes.setdefault(o, set()).add(s)
    assert classes == {c: len(members) for c, members in expected_classes.items()}
    properties = {
        void.value(part, v.property): int(void.value(part, v.triples))
        for part in void.objects(dataset, v.propertyPartition)
    }
    expected_properties: dict[rdflib.term.Node, int] = {}
    for _, p, _ in union:
        expected_properties[p] = expected_properties.get(p, 0) + 1
    assert properties == expected_properties
    # Every IRI the dataset mints matches its void:uriRegexPattern.
    import re

    pattern = re.compile(str(void.value(dataset, v.uriRegexPattern)))
    minted = {str(s) for s in union.subjects() if str(s).startswith("https://w3id.org/uasa/id/")}
    assert minted and all(pattern.match(iri) for iri in minted)
    assert not pattern.match("https://www.wikidata.org/entity/Q212")


def test_void_is_stable_conditional_and_without_repeats(ld_client: FlaskClient) -> None:
    first = ld_client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    again = ld_client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    # Blank node labels do not change between requests: the same bytes, the same ETag.
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    lines = [line for line in first.data.decode().splitlines() if line.strip()]
    assert len(lines) == len(set(lines)) > 100
    with ld_client.get(
        "/.well-known/void",
        headers={"Accept": "application/n-triples", "If-None-Match": first.headers["ETag"]},
    ) as conditional:
        assert conditional.status_code == 304


def test_void_publisher_is_the_ontologys(ld_client: FlaskClient, folder: Path) -> None:
    void = rdflib.Graph().parse(data=ld_client.get("/.well-known/void").data, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/uasa/dataset")
    ontology = rdflib.Graph().parse(Path(__file__).parents[1] / "ontology" / "uasa.ttl")
    (published,) = set(
        ontology.objects(rdflib.URIRef("https://w3id.org/uasa/def"), rdflib.DCTERMS.publisher)
    )
    assert void.value(dataset, rdflib.DCTERMS.publisher) == published
    assert not any(
        isinstance(p, rdflib.BNode) for p in void.objects(None, rdflib.DCTERMS.publisher)
    )


def test_a_browser_opening_void_gets_a_page(ld_client: FlaskClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = ld_client.get("/.well-known/void", headers={"Accept": browser})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "void:Dataset" in page.get_data(as_text=True)
    curl = ld_client.get("/.well-known/void", headers={"Accept": "*/*"})
    assert curl.mimetype == "text/turtle"


def test_jsonld_dump_is_compacted_with_the_published_context(
    ld_client: FlaskClient, folder: Path
) -> None:
    """The JSON-LD dump uses the context /context.jsonld publishes, and pyld expands it back to
    exactly the N-Triples dump's triples."""
    import json

    from pyld import jsonld

    doc = json.loads((folder / "uasa.jsonld").read_text("utf-8"))
    published = json.loads(ld_client.get("/context.jsonld").data)
    assert doc["@context"] == published["@context"]
    assert "creativecommons.org/licenses/by/4.0" in doc["licence"]
    assert any(":" not in k and not k.startswith("@") for n in doc["@graph"] for k in n)
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    from_jsonld = rdflib.Graph().parse(data=nquads, format="nt")
    assert isomorphic(from_jsonld, _union(folder))


def test_void_counts_the_links_out_as_linksets(real_client: FlaskClient, real_store: str) -> None:
    """Each namespace the real data's owl:sameAs links point into is a void:Linkset whose
    count equals rdflib's count over the union dump."""
    dump = store_layout.locate(real_store).root / dumps.DUMPS_DIR / "uasa.nt"
    union = rdflib.Graph().parse(dump, format="nt")
    expected: dict[str, int] = {}
    for o in union.objects(None, rdflib.OWL.sameAs):
        if not str(o).startswith("https://w3id.org/uasa/"):
            # A GeoNames feature IRI ends with "/" after its id: the namespace is before the id.
            iri = str(o).rstrip("/")
            ns = iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]
            expected[ns] = expected.get(ns, 0) + 1
    # 50 parties, 10 cities and 19 people link to Wikidata; 19 cities to GeoNames (#26).
    assert expected.get("http://www.wikidata.org/entity/", 0) >= 79
    assert expected.get("https://sws.geonames.org/", 0) >= 19
    void = rdflib.Graph().parse(data=real_client.get("/.well-known/void").data, format="turtle")
    v = rdflib.Namespace(VOID)
    found = {}
    for linkset in void.subjects(rdflib.RDF.type, v.Linkset):
        assert void.value(linkset, v.linkPredicate) == rdflib.OWL.sameAs
        target = void.value(linkset, v.objectsTarget)
        found[str(void.value(target, v.uriSpace))] = int(void.value(linkset, v.triples))
    assert found == expected


def test_csv_tables_are_described_by_csvw_metadata(folder: Path) -> None:
    """The CSVW metadata beside the node and edge tables (read with the `csvw` library): the
    licence and source, typed columns that every row meets, and edges whose ends are nodes."""
    import csvw

    from uasa.core.dataset import LICENSE

    group = csvw.TableGroup.from_file(folder / export.FILES["csv-metadata"])
    assert group.common_props["dc:license"] == {"@id": LICENSE}
    tables = {str(t.url): t for t in group.tables}
    assert set(tables) == {export.FILES["csv-nodes"], export.FILES["csv-edges"]}
    nodes = list(tables[export.FILES["csv-nodes"]].iterdicts(strict=True))
    assert {n["iri"].unsplit() for n in nodes} == set(EXPECTED_NODES)  # typed as anyURI
    assert [n["year"] for n in nodes if n["year"] is not None] == [2024]
    assert len(list(tables[export.FILES["csv-edges"]].iterdicts(strict=True))) == len(
        EXPECTED_EDGES
    )
    assert group.check_referential_integrity(strict=True)
