"""The same server in front of a real Virtuoso 7 (Debian's `virtuoso-opensource`), started here.

Virtuoso gets the real build's N-Quads dump by its bulk loader (`ld_dir`, as docs/deploy.md
says), and the W3C protocol data by `uasa build --to` over its Graph Store endpoint. Through
our server: every saved query gives the same rows as the embedded store (terms compared by
value, so "5"^^xsd:integer and Virtuoso's "5"^^xsd:decimal-free typed-literal forms agree), and
the 27 read-only W3C protocol tests pass. The tests are marked slow; they are skipped when
`virtuoso-t` is not installed (`make setup` installs it as root).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from flask import Flask
from pyoxigraph import RdfFormat, parse

from tests import virtuoso_server
from tests.helpers import KASEI, ROOT, W3C, LiveServer, quiet
from tests.test_w3c_protocol import READ_ONLY, _boolean, check_protocol
from tests.virtuoso_server import VirtuosoServer
from uasa.ingest.pipeline import build, file_input
from uasa.ingest.project import build_project
from uasa.query.remote import ask_table_as_boolean

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + name
    for name in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")
}

needs_virtuoso = pytest.mark.skipif(
    not virtuoso_server.available(),
    reason="virtuoso-t is missing: run 'make setup' as root, or "
    "'sudo apt-get install -y virtuoso-opensource'",
)


def remote_setting(endpoint: str, graphs: list[str]) -> str:
    """Virtuoso's default graph is every graph it holds, its own system graphs included: the
    build's graphs, named both ways, give the embedded store's dataset (union default graph)."""
    from urllib.parse import urlencode

    params = [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
    return f"sparql+{endpoint}?{urlencode(params)}"


def graphs_of(nquads: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for quad in parse(path=str(nquads), format=RdfFormat.N_QUADS):
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    return counts


def assert_loaded(virtuoso: VirtuosoServer, expected: dict[str, int]) -> None:
    """Every graph holds as many triples in Virtuoso as in the build."""
    response = requests.post(
        virtuoso.sparql,
        data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    response.raise_for_status()
    found = {
        row["g"]["value"]: int(row["n"]["value"]) for row in response.json()["results"]["bindings"]
    }
    assert {g: found.get(g) for g in expected} == expected


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    if not virtuoso_server.available():
        pytest.skip("virtuoso-t is missing")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def virtuoso_real(
    virtuoso: VirtuosoServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The real build, loaded into Virtuoso from its N-Quads dump by the bulk loader."""
    store = str(tmp_path_factory.mktemp("virtuoso-real") / "store")
    build_project(store, ontology=ROOT / "ontology", data=[ROOT / "data"], out=quiet)
    dump = Path(store) / "dumps" / "uasa.nq"
    virtuoso.load_nquads(dump)
    graphs = graphs_of(dump)
    assert_loaded(virtuoso, graphs)
    server = LiveServer(
        store,
        {"UASA_REMOTE": remote_setting(virtuoso.sparql, sorted(graphs)), "UASA_CACHE_MB": "0"},
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def virtuoso_w3c(
    virtuoso: VirtuosoServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The W3C protocol data, loaded by `uasa build --to` over Virtuoso's Graph Store endpoint."""
    virtuoso.allow_anonymous_writes()
    store = str(tmp_path_factory.mktemp("virtuoso-w3c") / "store")
    graphs = [f"{KASEI}data{n}.rdf" for n in (1, 2, 3)]
    inputs = [file_input(W3C / "protocol" / f"data{n}.nt", g) for n, g in enumerate(graphs, 1)]
    build(inputs, store, out=quiet, upload_to=virtuoso.graph_store)
    server = LiveServer(
        store,
        {
            "UASA_REMOTE": remote_setting(virtuoso.sparql, graphs),
            "UASA_QUERY_TIMEOUT": "5",
            "UASA_CACHE_MB": "0",
        },
    )
    yield server
    server.stop()


def _term(term: dict[str, str] | None) -> tuple[object, ...] | None:
    """A result term by value: Virtuoso writes numbers and types in its own forms."""
    if term is None:
        return None
    if term["type"] == "uri":
        return ("uri", term["value"])
    if term["type"] == "bnode":
        return ("bnode",)
    datatype = term.get("datatype")
    if datatype in NUMERIC:
        return ("number", Decimal(term["value"]).normalize())
    if datatype == XSD + "string":
        datatype = None
    return ("literal", term["value"], datatype, term.get("xml:lang", "").lower())


def _rows(doc: dict) -> list[tuple[object, ...]]:
    names = doc["head"]["vars"]
    rows = [tuple(_term(b.get(name)) for name in names) for b in doc["results"]["bindings"]]
    return sorted(rows, key=repr)


def _triples(text: str) -> set[tuple[str, str, str]]:
    return {
        (str(t.subject), str(t.predicate), str(t.object))
        for t in parse(text, format=RdfFormat.N_TRIPLES)
    }


@pytest.mark.slow
@needs_virtuoso
def test_saved_queries_give_the_same_rows_as_the_embedded_store(
    real_app: Flask, virtuoso_real: LiveServer
) -> None:
    saved = list(real_app.extensions["uasa.catalogue"])
    assert len(saved) >= 27
    client = real_app.test_client()
    differ = []
    for query in saved:
        args = {p.name: p.example for p in query.params}
        suffix = "nt" if query.kind == "graph" else "srj"
        embedded = client.get(f"/queries/{query.name}.{suffix}", query_string=args)
        remote = requests.get(
            f"{virtuoso_real.url}/queries/{query.name}.{suffix}", params=args, timeout=30
        )
        assert embedded.status_code == 200, query.name
        assert remote.status_code == 200, (query.name, remote.text[:500])
        if query.kind == "graph":
            same = _triples(remote.text) == _triples(embedded.get_data(as_text=True))
        else:
            same = _rows(remote.json()) == _rows(json.loads(embedded.get_data()))
        if not same:
            differ.append(query.name)
    assert differ == []


@pytest.mark.slow
@needs_virtuoso
def test_a_parameter_changes_the_rows_on_virtuoso(virtuoso_real: LiveServer) -> None:
    """The VALUES binding reaches Virtuoso: another year gives other rows, a non-ASCII search
    text (Virtuoso's STR() garbles those) still finds its labels."""
    url = virtuoso_real.url + "/queries"
    years = {
        year: requests.get(f"{url}/agreements-in-year.srj", params={"year": year}, timeout=30)
        for year in ("2024", "2025")
    }
    counts = {y: len(r.json()["results"]["bindings"]) for y, r in years.items()}
    assert counts["2024"] > counts["2025"] > 0
    found = requests.get(
        f"{url}/label-search.srj", params={"text": "ІСЛАНД", "language": "uk"}, timeout=30
    ).json()["results"]["bindings"]
    assert {row["resource"]["value"].rsplit("/", 1)[1] for row in found} >= {"isl"}


@pytest.mark.slow
@needs_virtuoso
@pytest.mark.parametrize("endpoint", ["/sparql", "/query"])
@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_w3c_protocol_through_virtuoso(virtuoso_w3c: LiveServer, name: str, endpoint: str) -> None:
    check_protocol(virtuoso_w3c, name, endpoint)


@pytest.mark.slow
@needs_virtuoso
@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        ("ASK { <D3> a ?t }", {"default-graph-uri": ["D1"]}, False),
        ("ASK { <D1> a ?t }", {"default-graph-uri": ["D1"]}, True),
        ("ASK { GRAPH ?g { <D3> a ?t } }", {"named-graph-uri": ["D1", "D2"]}, False),
        ("ASK { <D3> a ?t }", {}, True),  # the union default graph
        ("ASK { GRAPH ?g { <D3> a ?t } }", {}, True),
        # Virtuoso's own graphs stay out of the dataset a query without one gets (though
        # GRAPH <its IRI> still reads one: see docs/deploy.md).
        ("ASK { ?s a <http://www.openlinksw.com/schemas/virtrdf#QuadMap> }", {}, False),
        (
            "ASK { GRAPH ?g { ?s a <http://www.openlinksw.com/schemas/virtrdf#QuadMap> } }",
            {},
            False,
        ),
    ],
)
def test_dataset_through_virtuoso(
    virtuoso_w3c: LiveServer, query: str, params: dict[str, list[str]], expected: bool
) -> None:
    def iri(text: str) -> str:
        text = text.replace("VIRTRDF#", "http://www.openlinksw.com/schemas/virtrdf#")
        for n in "123":
            text = text.replace(f"D{n}", f"{KASEI}data{n}.rdf")
        return text

    response = requests.get(
        virtuoso_w3c.url + "/sparql",
        params={"query": iri(query), **{k: [iri(v) for v in vs] for k, vs in params.items()}},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is expected


# Virtuoso 7.2.5's own answers to `ASK { ?s ?p ?o }`, as it sent them.
VIRTUOSO_ASK_JSON = b"""
{ "head": { "link": [], "vars": ["__ASK_RETVAL"] },
  "results": { "distinct": false, "ordered": true, "bindings": [
    { "__ASK_RETVAL": { "type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "%s" }} ] } }"""  # noqa: E501
VIRTUOSO_ASK_XML = b"""<sparql xmlns="http://www.w3.org/2005/sparql-results#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.w3.org/2001/sw/DataAccess/rf1/result2.xsd">
 <head>
  <variable name="__ASK_RETVAL"/>
 </head>
 <results distinct="false" ordered="true">
  <result>
   <binding name="__ASK_RETVAL"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">%s</literal></binding>
  </result>
 </results>
</sparql>"""  # noqa: E501


@pytest.mark.parametrize("value", [True, False])
def test_virtuoso_ask_tables_become_booleans(value: bool) -> None:
    digit = b"1" if value else b"0"
    as_json = ask_table_as_boolean("application/sparql-results+json", VIRTUOSO_ASK_JSON % digit)
    assert json.loads(as_json)["boolean"] is value
    as_xml = ask_table_as_boolean("application/sparql-results+xml", VIRTUOSO_ASK_XML % digit)
    assert _boolean("application/sparql-results+xml", as_xml) is value


def test_other_answers_pass_unchanged() -> None:
    table = b'{"head": {"vars": ["__ASK_RETVAL", "x"]}, "results": {"bindings": []}}'
    assert ask_table_as_boolean("application/sparql-results+json", table) == table
    assert ask_table_as_boolean("text/csv", b'"__ASK_RETVAL"\n1\n') == b'"__ASK_RETVAL"\n1\n'
    boolean = b'{"head": {}, "boolean": true}'
    assert ask_table_as_boolean("application/sparql-results+json", boolean) == boolean
