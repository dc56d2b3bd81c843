"""The saved-query engine: headers, typed parameters, `/queries`, OpenAPI, the meta graph, CLI.

Runs on a small hand-made catalogue (tests/fixtures/queries/) over a tiny dataset
(tests/fixtures/saved-queries/), so it does not depend on the real data being finished.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from pyoxigraph import Literal, NamedNode

from tests.helpers import ROOT, quiet, running_app
from uasa.cli import main as cli
from uasa.core.iris import XSD, Graphs
from uasa.core.settings import Settings
from uasa.ingest.pipeline import build, file_input
from uasa.query import catalogue
from uasa.query.catalogue import CatalogueError, catalogue_quads, parse_query
from uasa.query.params import Param, ParamError, bind
from uasa.web.app import close_app, create_app

QUERIES = ROOT / "tests" / "fixtures" / "queries"
DATA = ROOT / "tests" / "fixtures" / "saved-queries"
EX = "http://example.org/"
INJECTION = 'x" } UNION { ?s ?p ?o } #'


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("saved") / "store")
    inputs = [
        file_input(DATA / "data.ttl", Graphs.CURATED),
        file_input(DATA / "other.ttl", EX + "other"),
    ]
    build(inputs, path, out=quiet, extra_quads=catalogue_quads(catalogue.load(QUERIES)))
    return path


@pytest.fixture(scope="module")
def app(store: str) -> Iterator[Flask]:
    with running_app(store, queries=str(QUERIES)) as app:
        yield app


@pytest.fixture
def catalogue_client(app: Flask) -> FlaskClient:
    return app.test_client()


def rows(catalogue_client: FlaskClient, url: str) -> list[dict[str, str]]:
    response = catalogue_client.get(url, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def column(catalogue_client: FlaskClient, url: str, name: str = "s") -> list[str]:
    return [r[name] for r in rows(catalogue_client, url)]


# --- headers --------------------------------------------------------------------------------

HEADER = """#+ summary:
#+   en: A question
#+   uk: Питання
#+ description: What it answers.
#+ tags: [test]
"""


def problems(text: str, name: str = "q") -> str:
    with pytest.raises(CatalogueError) as info:
        parse_query(name, text, f"{name}.rq")
    return str(info.value)


def test_a_valid_header_is_read() -> None:
    q = parse_query("q", HEADER + "SELECT * { ?s ?p ?o }")
    assert q.summary == {"en": "A question", "uk": "Питання"}
    assert q.tags == ("test",)
    assert q.form == "select" and q.pageable and q.params == ()
    assert q.body.startswith("SELECT")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * { ?s ?p ?o }", "q.rq: no '#+' YAML header"),
        ("#+ summary: [unclosed\nSELECT * {}", "q.rq: header is not valid YAML"),
        ("#+ summary:\n#+   en: only English\n#+ description: d\nSELECT * {}", "summary"),
        (HEADER + "#+ colour: blue\nSELECT * {}", "unknown header field 'colour'"),
        ("#+ summary: {en: a, uk: b}\nSELECT * {}", "description: expected a non-empty string"),
        (HEADER.replace("[test]", "test") + "SELECT * {}", "tags: expected a list"),
        (HEADER + "SELECT * { ?s ?p }", "query does not parse"),
        (HEADER + "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", "SERVICE is not allowed"),
        (HEADER + "#+ union: maybe\nSELECT * {}", "union: expected true or false"),
        (HEADER + "#+ default_graph: not-an-iri\nSELECT * {}", "default_graph"),
    ],
)
def test_header_errors_name_the_file_and_field(text: str, expected: str) -> None:
    message = problems(text)
    assert expected in message
    assert message.startswith("q.rq")


def param_header(**fields: object) -> str:
    lines = [HEADER.rstrip("\n"), "#+ params:"]
    first = True
    for key, value in fields.items():
        lines.append(f"#+   {'- ' if first else '  '}{key}: {value}")
        first = False
    return "\n".join(lines) + "\n"


GOOD = {"name": "x", "type": "string", "example": "a", "description": "d"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"type": "colour"}, "params[0] (x).type: expected one of iri, string"),
        ({"name": "not a name"}, "params[0].name: expected a SPARQL variable name"),
        ({"name": "limit"}, "'limit' is reserved"),
        ({"name": "lang"}, "'lang' is reserved (paging, format, page language)"),
        ({"description": '""'}, "(x).description: expected a non-empty string"),
        ({"example": "null"}, "(x).example: expected an example value"),
        ({"required": "yes please"}, "(x).required: expected true or false"),
        ({"required": "true", "default": "a"}, "a required parameter cannot have a default"),
        ({"type": "integer", "example": "1.5"}, "(x).example: parameter 'x': '1.5'"),
        ({"type": "date", "example": "2024-02-30"}, "is not valid"),
        ({"type": "enum", "example": "a"}, "type enum needs a non-empty list"),
        ({"type": "enum", "enum": "[a, b]", "example": "c"}, "'c' is not allowed"),
        ({"enum": "[a]"}, "only a parameter of type enum lists values"),
        ({"lang": "en"}, "only a parameter of type lang-string takes lang"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_param_errors_name_the_param_and_field(change: dict[str, str], expected: str) -> None:
    fields = {**GOOD, **change}
    name = fields.get("name", "x")
    assert expected in problems(param_header(**fields) + f"SELECT * {{ ?{name} ?p ?o }}")


def test_a_param_must_occur_in_the_query() -> None:
    message = problems(param_header(**GOOD) + "SELECT * { ?s ?p ?o }")
    assert "params: ?x does not occur in the query" in message


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s { ?s ?p ?x }",  # not projected
        "SELECT ?s (COUNT(*) AS ?n) { ?s ?p ?x } GROUP BY ?s",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o = ?x) }",  # only in a FILTER
        "ASK { ?s ?p ?o FILTER(?o = ?x) }",
    ],
)
def test_a_param_must_be_bindable(query: str) -> None:
    assert "?x cannot be bound: project it" in problems(param_header(**GOOD) + query)


def test_a_param_declared_twice() -> None:
    text = param_header(**GOOD) + "\n".join(
        f"#+   {'- ' if i == 0 else '  '}{k}: {v}" for i, (k, v) in enumerate(GOOD.items())
    )
    assert "'x' is declared twice" in problems(text + "\nSELECT * { ?x ?p ?o }")


def test_every_problem_of_a_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "one.rq").write_text("SELECT * {}", "utf-8")
    (tmp_path / "Two.rq").write_text(HEADER + "SELECT * {}", "utf-8")
    with pytest.raises(CatalogueError) as info:
        catalogue.load(tmp_path)
    assert len(info.value.problems) == 2
    assert "one.rq: no '#+' YAML header" in str(info.value)
    assert "Two.rq: the file name must be lower-case" in str(info.value)


def test_a_missing_folder_is_an_empty_catalogue(tmp_path: Path) -> None:
    assert len(catalogue.load(tmp_path / "nothing")) == 0


def test_the_fixture_catalogue_loads() -> None:
    cat = catalogue.load(QUERIES)
    assert len(cat) == len(list(QUERIES.glob("*.rq")))
    assert not cat.get("first-label").pageable  # type: ignore[union-attr]
    assert cat.get("network").form == "construct"  # type: ignore[union-attr]


def test_the_repository_catalogue_loads() -> None:
    catalogue.load()  # queries/: every header valid, every query parses


# --- parameter typing -------------------------------------------------------------------------


def p(kind: str, **extra: object) -> Param:
    return Param(name="v", type=kind, description="d", example="", **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("param", "value", "term"),
    [
        (p("iri"), "http://example.org/a", NamedNode(EX + "a")),
        (p("iri", base=EX), "a", NamedNode(EX + "a")),
        (p("iri", base=EX), "urn:x:1", NamedNode("urn:x:1")),
        (p("string"), INJECTION, Literal(INJECTION)),
        (p("lang-string"), "Альфа@uk", Literal("Альфа", language="uk")),
        (p("lang-string", lang="en"), "Alpha", Literal("Alpha", language="en")),
        (p("lang-string", lang="en"), "a@b.c", Literal("a@b.c", language="en")),
        (p("integer"), "-42", Literal("-42", datatype=NamedNode(XSD + "integer"))),
        (p("decimal"), "12.50", Literal("12.50", datatype=NamedNode(XSD + "decimal"))),
        (p("decimal"), ".5", Literal(".5", datatype=NamedNode(XSD + "decimal"))),
        (p("date"), "2024-02-29", Literal("2024-02-29", datatype=NamedNode(XSD + "date"))),
        (p("year"), "2034", Literal("2034", datatype=NamedNode(XSD + "gYear"))),
        (p("enum", enum=("red", "blue")), "red", Literal("red")),
        (p("enum", enum=(EX + "b", EX + "c")), EX + "c", NamedNode(EX + "c")),
    ],
)
def test_values_become_typed_terms(param: Param, value: str, term: object) -> None:
    assert param.convert(value) == term


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        (p("iri"), "not an iri", "an absolute IRI"),
        (p("iri"), "relative/path", "an absolute IRI"),
        (p("iri", base=EX), "a b", "or a name appended to http://example.org/"),
        (p("lang-string"), "no tag", "text with a language tag"),
        (p("integer"), "1.0", "an integer"),
        (p("integer"), "12abc", "an integer"),
        (p("decimal"), "1e5", "a decimal number"),
        (p("decimal"), "NaN", "a decimal number"),
        (p("date"), "2023-02-29", "a date YYYY-MM-DD"),
        (p("date"), "12/01/2024", "a date YYYY-MM-DD"),
        (p("year"), "24", "a year YYYY"),
        (p("enum", enum=("red", "blue")), "green", "one of red, blue"),
    ],
)
def test_wrong_values_name_the_param_and_expected_type(
    param: Param, value: str, expected: str
) -> None:
    with pytest.raises(ParamError) as info:
        param.convert(value)
    assert "parameter 'v'" in str(info.value)
    assert expected in str(info.value)


def test_bind_checks_unknown_missing_and_defaults() -> None:
    params = (
        Param("a", "string", "d", "x", required=True),
        Param("b", "integer", "d", "1", default="7"),
        Param("c", "string", "d", "x"),
    )
    assert bind(params, {"a": "x"}) == {
        "a": Literal("x"),
        "b": Literal("7", datatype=NamedNode(XSD + "integer")),
    }
    with pytest.raises(ParamError, match="unknown parameter 'z'"):
        bind(params, {"a": "x", "z": "1"})
    with pytest.raises(ParamError, match="parameter 'a' is required"):
        bind(params, {})


# --- running over HTTP ------------------------------------------------------------------------


def test_each_type_filters_on_the_server(catalogue_client: FlaskClient) -> None:
    c = ["7", "Gamma", "red"]
    assert sorted(column(catalogue_client, "/queries/by-iri?node=http://example.org/c", "o")) == c
    assert sorted(column(catalogue_client, "/queries/by-iri?node=c", "o")) == c
    assert column(catalogue_client, "/queries/by-label?label=Beta") == [EX + "b"]
    assert column(catalogue_client, "/queries/by-lang-label?label=Альфа@uk") == [EX + "a"]
    assert column(catalogue_client, "/queries/by-lang-label?label=Alpha") == [EX + "a"]  # lang: en
    assert column(catalogue_client, "/queries/by-lang-label?label=Alpha@uk") == []
    assert column(catalogue_client, "/queries/by-count?n=5") == [EX + "b"]
    assert column(catalogue_client, "/queries/by-amount?minimum=50.5") == [EX + "b"]
    assert column(catalogue_client, "/queries/by-amount") == [EX + "a", EX + "b"]  # default 0
    assert column(catalogue_client, "/queries/since?since=2025-01-01") == [EX + "b"]
    assert column(catalogue_client, "/queries/in-year?year=2024") == [EX + "a"]
    assert column(catalogue_client, "/queries/by-kind") == [EX + "a", EX + "c"]  # default red
    assert column(catalogue_client, "/queries/by-kind?kind=green") == [EX + "b"]
    assert column(catalogue_client, "/queries/linking-to?target=http://example.org/c") == [EX + "b"]
    assert column(catalogue_client, "/queries/linking-to") == [EX + "a", EX + "b"]  # left unbound
    assert column(catalogue_client, "/queries/linking-to?target=") == [
        EX + "a",
        EX + "b",
    ]  # blank field


def test_default_graph_header(catalogue_client: FlaskClient) -> None:
    assert column(catalogue_client, "/queries/other-graph") == [EX + "z"]
    assert EX + "z" in column(catalogue_client, "/queries/all-labels")  # the union of all graphs


@pytest.mark.parametrize(
    "value", [INJECTION, 'Alpha" || true || "', "Alpha') } #", "?s", "<http://example.org/a>"]
)
def test_injection_is_just_a_string_matching_nothing(
    catalogue_client: FlaskClient, value: str
) -> None:
    response = catalogue_client.get(
        "/queries/by-label",
        query_string={"label": value},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert json.loads(response.data)["results"]["bindings"] == []


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/queries/no-such-query", 404, ["no-such-query"]),
        ("/queries/no-such-query.csv", 404, ["no-such-query"]),
        ("/queries/by-label", 400, ["'label'", "required", "a string"]),
        ("/queries/by-label?label=a&colour=red", 400, ["unknown parameter 'colour'", "label"]),
        ("/queries/by-count?n=three", 400, ["'n'", "'three'", "an integer"]),
        ("/queries/since?since=2024-13-01", 400, ["'since'", "a date YYYY-MM-DD"]),
        ("/queries/in-year?year=twenty", 400, ["'year'", "a year YYYY"]),
        ("/queries/by-kind?kind=purple", 400, ["'kind'", "one of red, green, blue"]),
        ("/queries/by-iri?node=a%20b", 400, ["'node'", "an absolute IRI"]),
        ("/queries/by-lang-label?label=x&label=y", 400, ["'label'", "2 times"]),
        ("/queries/all-labels?limit=-1", 400, ["'limit'", "integer >= 0"]),
        ("/queries/all-labels?offset=x", 400, ["'offset'"]),
        ("/queries/first-label?limit=2", 400, ["cannot be paged"]),
        ("/queries/network.csv", 404, ["no format 'csv'", "ttl"]),
        ("/queries/all-labels?format=gif", 400, ["no format 'gif'"]),
    ],
)
def test_client_errors(
    catalogue_client: FlaskClient, url: str, status: int, words: list[str]
) -> None:
    response = catalogue_client.get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == status, text
    assert response.mimetype == "text/plain"
    for word in words:
        assert word in text


def test_nothing_acceptable_is_406(catalogue_client: FlaskClient) -> None:
    response = catalogue_client.get("/queries/all-labels", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert catalogue_client.get("/queries", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(
    ("suffix", "mimetype"),
    [
        ("json", "application/sparql-results+json"),
        ("srj", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_result_suffixes(catalogue_client: FlaskClient, suffix: str, mimetype: str) -> None:
    response = catalogue_client.get(
        f"/queries/by-label.{suffix}?label=Alpha", headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert EX + "a" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("suffix", "mimetype"),
    [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("json", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("nq", "application/n-quads"),
        ("trig", "application/trig"),
        ("rdf", "application/rdf+xml"),
    ],
)
def test_graph_suffixes(catalogue_client: FlaskClient, suffix: str, mimetype: str) -> None:
    response = catalogue_client.get(f"/queries/network.{suffix}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert EX + "c" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "accept", "mimetype"),
    [
        ("all-labels", None, "application/sparql-results+json"),
        ("all-labels", "text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        ("all-labels", "application/sparql-results+xml", "application/sparql-results+xml"),
        ("network", None, "text/turtle"),
        ("network", "application/n-triples", "application/n-triples"),
        ("network", "application/ld+json;q=0.9, text/turtle;q=0.1", "application/ld+json"),
    ],
)
def test_conneg(
    catalogue_client: FlaskClient, name: str, accept: str | None, mimetype: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = catalogue_client.get(f"/queries/{name}", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "Accept" in response.headers["Vary"]


def test_format_parameter_overrides_accept(catalogue_client: FlaskClient) -> None:
    response = catalogue_client.get(
        "/queries/all-labels?format=csv", headers={"Accept": "text/html"}
    )
    assert response.mimetype == "text/csv"


def test_query_text(catalogue_client: FlaskClient) -> None:
    response = catalogue_client.get("/queries/by-label.rq")
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-query"
    assert response.get_data(as_text=True) == (QUERIES / "by-label.rq").read_text("utf-8")


def _links(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(", "):
        url, rel = part.split("; ")
        out[rel.removeprefix('rel="').rstrip('"')] = url.strip("<>")
    return out


def test_paging_with_link_headers(catalogue_client: FlaskClient) -> None:
    everything = rows(catalogue_client, "/queries/all-labels")
    assert len(everything) == 6
    first = catalogue_client.get("/queries/all-labels.csv?limit=4")
    links = _links(first.headers["Link"])
    assert set(links) == {"first", "next"}
    assert links["next"] == "http://localhost/queries/all-labels.csv?limit=4&offset=4"
    assert links["first"] == "http://localhost/queries/all-labels.csv?limit=4&offset=0"
    pages: list[list[dict[str, str]]] = []
    url = "/queries/all-labels.csv?limit=4"
    while not pages or len(pages[-1]) == 4:
        response = catalogue_client.get(url)
        pages.append(list(csv.DictReader(io.StringIO(response.get_data(as_text=True)))))
        url = _links(response.headers["Link"])["next"].removeprefix("http://localhost")
    assert [len(page) for page in pages] == [4, 2]
    assert [r for page in pages for r in page] == everything
    middle = _links(
        catalogue_client.get("/queries/all-labels.csv?limit=2&offset=3").headers["Link"]
    )
    assert middle["prev"].endswith("limit=2&offset=1")
    assert middle["next"].endswith("limit=2&offset=5")
    assert (
        catalogue_client.get(url).get_data(as_text=True).strip() == "s,label"
    )  # past the end: empty


def test_paging_keeps_params_and_works_on_construct(catalogue_client: FlaskClient) -> None:
    response = catalogue_client.get("/queries/by-kind.csv?kind=red&limit=1&offset=1")
    assert column(catalogue_client, "/queries/by-kind.csv?kind=red&limit=1&offset=1") == [EX + "c"]
    assert "kind=red" in _links(response.headers["Link"])["next"]
    graph = catalogue_client.get("/queries/network.nt?limit=1").get_data(as_text=True)
    assert len(graph.strip().splitlines()) == 1


def test_no_link_header_without_limit(catalogue_client: FlaskClient) -> None:
    assert "Link" not in catalogue_client.get("/queries/all-labels").headers


# --- the catalogue page, OpenAPI, the meta graph ---------------------------------------------


def test_catalogue_as_json(catalogue_client: FlaskClient) -> None:
    response = catalogue_client.get("/queries", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    items = {q["name"]: q for q in response.get_json()["queries"]}
    assert set(items) == {path.stem for path in QUERIES.glob("*.rq")}
    by_kind = items["by-kind"]
    assert by_kind["summary"] == {"en": "Nodes of a kind", "uk": "Вузли певного виду"}
    assert by_kind["params"][0]["enum"] == ["red", "green", "blue"]
    assert by_kind["params"][0]["default"] == "red"
    links = items["by-label"]["links"]
    assert links["run"] == "/queries/by-label?label=Alpha"
    assert links["text"] == "/queries/by-label.rq"
    assert links["editor"].startswith("/sparql?query=PREFIX")
    assert catalogue_client.get(links["run"]).status_code == 200
    assert catalogue_client.get(links["editor"]).status_code == 200
    assert catalogue_client.get("/queries.json").get_json() == response.get_json()


def test_catalogue_as_html(catalogue_client: FlaskClient) -> None:
    response = catalogue_client.get("/queries", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Nodes linking to a target" in page and 'lang="uk">Вузли певного виду' in page
    assert 'href="/queries/by-label?label=Alpha"' in page
    assert 'href="/queries/by-label.rq"' in page
    assert 'action="/queries/by-kind"' in page and "<option selected>red</option>" in page
    assert "<script" not in page and "http://" not in page.split("<main", 1)[0].replace(
        'href="http', ""
    )


def test_openapi_validates(catalogue_client: FlaskClient) -> None:
    doc = catalogue_client.get("/openapi.json").get_json()
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert set(doc["paths"]) == {f"/queries/{path.stem}" for path in QUERIES.glob("*.rq")}
    op = doc["paths"]["/queries/by-count"]["get"]
    assert op["operationId"] == "by-count"
    (n, limit, offset) = op["parameters"]
    assert offset == {"$ref": "#/components/parameters/offset"}
    assert n == {
        "name": "n",
        "in": "query",
        "required": True,
        "description": "The count. An empty value counts as absent.",
        "schema": {"type": "integer"},
        "example": 3,
    }
    assert limit == {"$ref": "#/components/parameters/limit"}
    assert "text/csv" in op["responses"]["200"]["content"]
    kind = doc["paths"]["/queries/by-kind"]["get"]["parameters"][0]["schema"]
    assert kind == {"type": "string", "enum": ["red", "green", "blue"], "default": "red"}
    since = doc["paths"]["/queries/since"]["get"]["parameters"][0]["schema"]
    assert since == {"type": "string", "format": "date"}
    graph = doc["paths"]["/queries/network"]["get"]["responses"]["200"]["content"]
    assert "text/turtle" in graph and "text/csv" not in graph
    assert len(doc["paths"]["/queries/first-label"]["get"]["parameters"]) == 0


def test_catalogue_graph_through_sparql(catalogue_client: FlaskClient) -> None:
    query = """
    PREFIX sh: <http://www.w3.org/ns/shacl#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX schema: <https://schema.org/>
    SELECT ?q ?en ?uk ?text (GROUP_CONCAT(?kw; separator=",") AS ?tags) WHERE {
      GRAPH <https://w3id.org/uasa/graph/meta> {
        ?q a sh:SPARQLExecutable, sh:SPARQLSelectExecutable ; sh:select ?text ;
           rdfs:label ?en, ?uk ; rdfs:comment ?comment ; schema:keywords ?kw .
        FILTER(lang(?en) = "en" && lang(?uk) = "uk")
      }
    } GROUP BY ?q ?en ?uk ?text ORDER BY ?q"""
    response = catalogue_client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    found = {r["q"]: r for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    select = {q.name for q in catalogue.load(QUERIES) if q.form == "select"}
    assert set(found) == {f"https://w3id.org/uasa/query/{name}" for name in select}
    by_kind = found["https://w3id.org/uasa/query/by-kind"]
    assert by_kind["uk"] == "Вузли певного виду" and by_kind["tags"] == "enum"
    assert by_kind["text"].startswith("PREFIX ex:") and "#+" not in by_kind["text"]
    ask = "ASK { GRAPH ?g { <https://w3id.org/uasa/query/network> a "
    ask += "<http://www.w3.org/ns/shacl#SPARQLConstructExecutable> } }"
    result = catalogue_client.get("/sparql", query_string={"query": ask}).get_json()
    assert result["boolean"] is True


# --- the command line -------------------------------------------------------------------------


def test_cli_lists_the_catalogue(capfd: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["queries", "--queries", str(QUERIES)]) == 0
    lines = capfd.readouterr().out.splitlines()
    assert len(lines) == len(list(QUERIES.glob("*.rq")))
    assert "by-count\tNodes with a given count\tn=integer" in lines
    assert "by-kind\tNodes of a kind\tkind=enum?" in lines


def test_cli_runs_a_saved_query(store: str, capfd: pytest.CaptureFixture[str]) -> None:
    args = ["query", "by-kind", "--store", store, "--queries", str(QUERIES)]
    assert cli.main([*args, "--param", "kind=green"]) == 0
    assert capfd.readouterr().out.split() == ["s,kind", f"{EX}b,green"]
    assert cli.main([*args, "--format", "json", "--limit", "1"]) == 0
    bindings = json.loads(capfd.readouterr().out)["results"]["bindings"]
    assert [b["s"]["value"] for b in bindings] == [EX + "a"]
    assert cli.main(["query", "network", "--store", store, "--queries", str(QUERIES)]) == 0
    assert f"<{EX}c>" in capfd.readouterr().out  # Turtle by default for a graph


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["by-kind", "--param", "kind=purple"], "parameter 'kind': 'purple' is not allowed"),
        (["by-kind", "--param", "colour=red"], "unknown parameter 'colour'"),
        (["by-kind", "--param", "kind"], "expected NAME=VALUE"),
        (["by-kind", "--format", "ttl"], "no format 'ttl'"),
        (["nope"], "no saved query named 'nope'"),
        ([], "give a saved query's name or --file"),
    ],
)
def test_cli_errors(
    store: str, extra: list[str], message: str, capfd: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["query", *extra, "--store", store, "--queries", str(QUERIES)]) == 1
    assert message in capfd.readouterr().err


def test_cli_runs_a_file(store: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "plain.rq"
    plain.write_text("SELECT (COUNT(*) AS ?n) { ?s <http://example.org/kind> ?k }", "utf-8")
    assert cli.main(["query", "--file", str(plain), "--store", store]) == 0
    assert capfd.readouterr().out.split() == ["n", "3"]
    typed = QUERIES / "by-label.rq"
    assert (
        cli.main(["query", "--file", str(typed), "-p", f"label={INJECTION}", "--store", store]) == 0
    )
    assert capfd.readouterr().out.split() == ["s,label"]


def test_serve_stops_on_a_broken_saved_query_before_starting(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """`uasa serve` checks the catalogue once, up front, and hands that same catalogue to the
    app; a broken file stops it with the file and reason before gunicorn starts."""
    (tmp_path / "broken.rq").write_text("SELECT * {}", "utf-8")
    monkeypatch.setenv("UASA_QUERIES", str(tmp_path))
    started = []
    monkeypatch.setattr("uasa.cli.serve.serve", lambda *args: started.append(args))
    assert cli.main(["serve", "--store", store]) == 1
    assert "broken.rq: no '#+' YAML header" in capfd.readouterr().err
    assert not started

    monkeypatch.setenv("UASA_QUERIES", str(QUERIES))
    assert cli.main(["serve", "--store", store]) == 0
    ((settings, saved),) = started
    assert settings.queries == str(QUERIES)
    assert [q.name for q in saved] == [q.name for q in catalogue.load(QUERIES)]
    app = create_app(Settings.of(store=store, query_workers=1, log_level="warning"), saved)
    try:
        assert app.extensions["uasa.catalogue"] is saved  # not loaded again
    finally:
        close_app(app)
