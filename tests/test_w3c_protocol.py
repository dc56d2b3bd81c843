"""The W3C SPARQL 1.1 Protocol tests, read from the manifest and sent as raw HTTP to a real server.

A read-only endpoint must pass the 27 tests that do not need a successful update: 20 query
tests and 7 bad-update tests answered with 4xx. Requests go out through http.client exactly as
the manifest writes them (no added Content-Type), with the body in its declared encoding.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection

from tests.helpers import KASEI, W3C, LiveServer

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

FORMATS = {
    "boolean": {"application/sparql-results+xml", "application/sparql-results+json"},
    "tabular": {
        "application/sparql-results+xml",
        "application/sparql-results+json",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    status_classes: set[str]
    expected_format: str | None
    expected_boolean: bool | None


def _load() -> dict[str, list[Step]]:
    g = Graph().parse(W3C / "protocol" / "manifest.ttl", format="turtle")
    manifest = next(g.subjects(MF.entries, None))
    tests: dict[str, list[Step]] = {}
    for entry in Collection(g, g.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[1]
        action = g.value(entry, MF.action)
        steps = []
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            if (hlist := g.value(req, HT.headers)) is not None:
                for h in Collection(g, hlist):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = None
            if (b := g.value(req, HT.body)) is not None:
                encoding = str(g.value(b, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(b, CNT.chars)).encode(encoding.lower())
            resp = g.value(req, HT.resp)
            classes = {str(s).rsplit("#", 1)[1][-3:] for s in g.objects(resp, MF.expectedStatus)}
            fmt = g.value(resp, MF.expectedFormat)
            boolean = g.value(resp, MF.expectedBoolean)
            steps.append(
                Step(
                    str(g.value(req, HT.methodName)),
                    str(g.value(req, HT.absolutePath)),
                    headers,
                    body,
                    classes,
                    str(fmt) if fmt else None,
                    boolean.toPython() if boolean is not None else None,
                )
            )
        tests[name] = steps
    return tests


ALL_TESTS = _load()
# Tests that need an update to succeed cannot apply to a read-only endpoint.
READ_ONLY = {name: steps for name, steps in ALL_TESTS.items() if not name.startswith("update_")}


def test_manifest_has_the_expected_read_only_tests() -> None:
    assert len(ALL_TESTS) == 34
    assert len(READ_ONLY) == 27
    assert sum(1 for n in READ_ONLY if n.startswith("query_")) == 13
    assert sum(1 for n in READ_ONLY if n.startswith("bad_update")) == 6


def _send(server: LiveServer, step: Step, endpoint: str) -> tuple[int, str, bytes]:
    assert step.path.startswith("/sparql/")
    path = endpoint + step.path[len("/sparql/") :]
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(server.url).port, timeout=30)
    conn.putrequest(step.method, path, skip_accept_encoding=True)
    for name, value in step.headers.items():
        conn.putheader(name, value)
    if step.body is not None:
        conn.putheader("Content-Length", str(len(step.body)))
    try:
        conn.endheaders(step.body)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        conn.close()


def _boolean(content_type: str, body: bytes) -> bool:
    if "json" in content_type:
        return bool(json.loads(body)["boolean"])
    root = ElementTree.fromstring(body)
    node = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None
    return node.text == "true"


@pytest.fixture(params=["embedded", "remote"])
def protocol_server(request: pytest.FixtureRequest) -> LiveServer:
    """The embedded store, and a real Oxigraph server behind ours (UASA_REMOTE)."""
    name = "w3c_server" if request.param == "embedded" else "w3c_remote_server"
    return request.getfixturevalue(name)


@pytest.mark.parametrize("endpoint", ["/sparql", "/query"])
@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_protocol(protocol_server: LiveServer, name: str, endpoint: str) -> None:
    check_protocol(protocol_server, name, endpoint)


def check_protocol(server: LiveServer, name: str, endpoint: str) -> None:
    """Each step of one read-only W3C protocol test: status class, format, ASK answer, and a
    4xx with a message rather than a traceback."""
    for step in READ_ONLY[name]:
        status, content_type, body = _send(server, step, endpoint)
        status_class = f"{str(status)[0]}xx"
        assert status_class in step.status_classes, (status, body[:300])
        content_type = content_type.split(";")[0].strip()
        if step.expected_format:
            assert content_type in FORMATS[step.expected_format], content_type
        if step.expected_boolean is not None:
            assert _boolean(content_type, body) is step.expected_boolean
        if status_class == "4xx":
            assert b"Traceback" not in body and body.strip(), body


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        # Negative controls: with a union default graph these pass even when the protocol
        # dataset is ignored, so each asks for something the named dataset must hide.
        ("ASK { <D3> a ?t }", {"default-graph-uri": ["D1"]}, False),
        ("ASK { <D1> a ?t }", {"default-graph-uri": ["D1"]}, True),
        ("ASK { GRAPH ?g { <D3> a ?t } }", {"named-graph-uri": ["D1", "D2"]}, False),
        ("ASK { <D1> a ?t }", {"named-graph-uri": ["D1"]}, False),
        ("ASK FROM <D1> { <D3> a ?t }", {}, False),
        ("ASK FROM NAMED <D1> { GRAPH ?g { <D3> a ?t } }", {}, False),
        ("ASK { <D3> a ?t }", {}, True),  # the union default graph
    ],
)
def test_dataset_negative_controls(
    protocol_server: LiveServer, query: str, params: dict[str, list[str]], expected: bool
) -> None:
    import requests

    def iri(text: str) -> str:
        return (
            text.replace("D1", f"{KASEI}data1.rdf")
            .replace("D2", f"{KASEI}data2.rdf")
            .replace("D3", f"{KASEI}data3.rdf")
        )

    response = requests.get(
        protocol_server.url + "/sparql",
        params={"query": iri(query), **{k: [iri(v) for v in vs] for k, vs in params.items()}},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is expected


def test_named_graph_iri_must_be_absolute(w3c_server: LiveServer) -> None:
    import requests

    response = requests.get(
        w3c_server.url + "/sparql",
        params={"query": "ASK {}", "default-graph-uri": "not an iri"},
        timeout=10,
    )
    assert response.status_code == 400
    assert "graph IRI" in response.text


def test_service_description_tests_are_the_three_we_run() -> None:
    g = Graph().parse(W3C / "service-description" / "manifest.ttl", format="turtle")
    names = {str(s).rsplit("#", 1)[1] for s in g.subjects(None, MF.ServiceDescriptionTest)}
    assert names == {"returns-rdf", "has-endpoint-triple", "conforms-to-schema"}
