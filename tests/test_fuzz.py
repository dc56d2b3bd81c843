"""Property-based fuzzing of the HTTP surface (hypothesis, through the Flask test client).

Random and adversarial query strings and bodies, invalid UTF-8, huge and odd Accept and
Content-Type headers, repeated and unknown parameters, and path traversal on /dumps/, /id/,
/data/ and /queries/. The invariants, for every request:

- never a 500 (nor any 5xx but a 503 that names the time limit);
- the status is one of the 4xx the request deserves;
- no traceback and no server file path in the body;
- and the app still answers a plain query afterwards.

Example counts are modest so the whole file runs in well under a minute: 150 per target, or
``UASA_FUZZ_EXAMPLES``. The counts tried are printed by the last test (run with ``-s`` to see
them); ``benchmarks/fuzz_report.py`` writes them, with the requests and statuses, into
docs/testing.md.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.helpers import ROOT, running_app

QUERIES = ROOT / "tests" / "fixtures" / "queries"
EXAMPLES = int(os.environ.get("UASA_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TRIED: Counter[str] = Counter()
LEAKS = ("Traceback (most recent call last)", 'File "/', "site-packages", str(ROOT), sys.prefix)


@pytest.fixture(scope="module")
def app(w3c_store: str) -> Iterator[Flask]:
    with running_app(w3c_store, query_timeout=2.0, queries=str(QUERIES)) as app:
        yield app


@pytest.fixture
def fuzz_client(app: Flask) -> FlaskClient:
    return app.test_client()


def check(response, allowed: set[int], sent: str = "") -> None:
    """The invariants for one response; ``sent`` is the input, which an error may quote."""
    status = response.status_code
    body = response.get_data().decode("utf-8", errors="replace")
    assert status != 500, body
    if status >= 500:
        assert status == 503 and "time limit" in body, (status, body)
    else:
        assert status in allowed, (status, body[:500])
    for leak in LEAKS:
        if leak not in sent:
            assert leak not in body, (leak, body[:500])


def still_answers(fuzz_client: FlaskClient) -> None:
    r = fuzz_client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200 and r.json == {"head": {}, "boolean": True}


# --- query strings and bodies -------------------------------------------------------------

TOKENS = [
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "*",
    "{",
    "}",
    "(",
    ")",
    ".",
    ";",
    ",",
    "?s",
    "?p",
    "?o",
    "$x",
    "<http://example.org/a>",
    "<>",
    "<",
    ">",
    '"x"',
    "'y'",
    '"""',
    "'''",
    "@en",
    "^^",
    "_:b",
    "[]",
    "PREFIX",
    "ex:",
    "ex:a",
    "BASE",
    "FILTER",
    "REGEX",
    "(?s)",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "SERVICE",
    "SILENT",
    "<http://127.0.0.1:1/sparql>",
    "VALUES",
    "BIND",
    "AS",
    "LIMIT",
    "OFFSET",
    "1",
    "-1",
    "99999999999999999999",
    "1e309",
    "ORDER BY",
    "GROUP BY",
    "HAVING",
    "COUNT",
    "DISTINCT",
    "INSERT",
    "DELETE",
    "DATA",
    "LOAD",
    "CLEAR",
    "DROP",
    "ALL",
    "WITH",
    "#",
    "\n",
    "\\",
    "\\u0000",
    "\x00",
    "\ufffd",
    "\U0001f600",
    "ї",
    "FROM",
    "FROM NAMED",
    "a",
    "/",
    "|",
    "^",
    "+",
    "?",
    "!",
    "=",
    "&&",
    "||",
    "NOT EXISTS",
]
adversarial = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40).map(" ".join)
# Well-formed queries carrying random text in a string literal, so the fuzzing also walks the
# success path (200), not only the refusals.
valid = st.builds(
    lambda text, n: (
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(STR(?o) != {json.dumps(text)}) }} LIMIT {n}"
    ),
    st.text(max_size=60),
    st.integers(min_value=0, max_value=50),
)
queries = st.one_of(st.text(max_size=300), adversarial, valid)
QUERY_STATUSES = {200, 400, 403}


@FUZZ
@given(query=queries, how=st.sampled_from(["get", "form", "direct"]))
def test_query_strings_and_bodies(fuzz_client: FlaskClient, query: str, how: str) -> None:
    TRIED["query strings and bodies"] += 1
    if how == "get":
        r = fuzz_client.get("/sparql", query_string={"query": query})
    elif how == "form":
        r = fuzz_client.post("/sparql", data={"query": query})
    else:
        r = fuzz_client.post(
            "/sparql",
            data=query.encode("utf-8", "surrogatepass"),
            content_type="application/sparql-query",
        )
    allowed = QUERY_STATUSES | ({415} if "\x00" in query else set())
    check(r, allowed, query)


@FUZZ
@given(body=st.binary(max_size=300), prefix=st.sampled_from([b"", b"ASK { ", b"SELECT * {"]))
def test_invalid_utf8_bodies(fuzz_client: FlaskClient, body: bytes, prefix: bytes) -> None:
    TRIED["raw and invalid UTF-8 bodies"] += 1
    data = prefix + body
    r = fuzz_client.post("/sparql", data=data, content_type="application/sparql-query")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        check(r, {400}, "")
        assert "UTF-8" in r.text
    else:
        check(r, QUERY_STATUSES, text)


@FUZZ
@given(raw=st.binary(min_size=1, max_size=60))
def test_invalid_utf8_in_urls(fuzz_client: FlaskClient, raw: bytes) -> None:
    TRIED["invalid UTF-8 in URLs"] += 1
    encoded = "".join(f"%{b:02X}" for b in raw)
    check(fuzz_client.get(f"/sparql?query={encoded}"), QUERY_STATUSES, "")
    check(fuzz_client.get(f"/queries/by-kind?kind={encoded}"), {200, 400}, "")
    for base in ("/id/", "/data/", "/dumps/", "/queries/", "/page/"):
        check(fuzz_client.get(base + encoded), {200, 303, 308, 400, 404, 406}, "")


# --- headers ------------------------------------------------------------------------------

header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=200)
MEDIA = [
    "*/*",
    "text/csv",
    "application/sparql-results+json",
    "text/turtle",
    "application/json",
    "text/html",
    "application/xml",
    "image/png",
    "*/*;q=0",
    "text/*;q=abc",
    ";;;",
    ",,,",
    "q=1",
    "application/sparql-results+json;q=NaN",
    "*/*;q=-1",
    "text/csv;charset=utf-16",
    "application/x-www-form-urlencoded",
    "application/sparql-query",
    "application/sparql-update",
    "multipart/form-data; boundary=x",
    "application/sparql-query; charset=latin-1",
]
accepts = st.one_of(
    header_text,
    st.lists(st.sampled_from(MEDIA), max_size=30).map(", ".join),
    st.integers(1, 3000).map(lambda n: ", ".join(f"type{i}/sub{i};q=0.{i % 10}" for i in range(n))),
)


@FUZZ
@given(accept=accepts, content_type=st.one_of(header_text, st.sampled_from(MEDIA)))
def test_odd_and_huge_headers(fuzz_client: FlaskClient, accept: str, content_type: str) -> None:
    TRIED["Accept and Content-Type headers"] += 1
    headers = {"Accept": accept}
    r = fuzz_client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"}, headers=headers)
    check(r, {200, 406}, accept)
    r = fuzz_client.post(
        "/sparql", data=b"ASK {}", headers={**headers, "Content-Type": content_type}
    )
    check(r, {200, 400, 403, 406, 415}, accept + content_type)
    r = fuzz_client.get("/queries/all-labels", headers=headers)
    check(r, {200, 406}, accept)
    r = fuzz_client.get("/dumps/", headers=headers)
    check(r, {200, 406}, accept)


# --- parameters ---------------------------------------------------------------------------

KEYS = [
    "query",
    "update",
    "default-graph-uri",
    "named-graph-uri",
    "format",
    "output",
    "results",
    "limit",
    "offset",
    "lang",
    "x",
    "",
    "query[]",
    "QUERY",
    "kind",
    "node",
    "year",
]
params = st.lists(
    st.tuples(st.one_of(st.sampled_from(KEYS), header_text), st.one_of(queries, header_text)),
    max_size=12,
)


@FUZZ
@given(pairs=params, form=st.booleans())
def test_repeated_and_unknown_parameters(fuzz_client: FlaskClient, pairs, form: bool) -> None:
    TRIED["repeated and unknown parameters"] += 1
    sent = repr(pairs)
    if form:
        r = fuzz_client.post("/sparql", data=MultiDict(pairs))
    else:
        r = fuzz_client.get("/sparql", query_string=pairs)
    check(r, {200, 400, 403, 406, 415}, sent)
    for path in ("/queries/by-kind", "/queries/all-labels.csv", "/queries/in-year"):
        check(fuzz_client.get(path, query_string=pairs), {200, 400, 404, 406}, sent)


# --- path traversal -----------------------------------------------------------------------

SEGMENTS = [
    "..",
    ".",
    "...",
    "%2e%2e",
    "%2E%2E",
    "..%2f",
    "%2f",
    "%5c",
    "..\\",
    "\\",
    "%00",
    "etc",
    "passwd",
    "build.json",
    "oxigraph",
    "CURRENT",
    "OPTIONS-000001",
    "dumps",
    "stores",
    "~",
    "uasa.nq",
    "SHA256SUMS",
    "agreement",
    "gbr-2024-01-12",
    "x.ttl",
    "x.nt",
    "x.jsonld",
    "/",
    "%252e%252e",
    "%c0%ae%c0%ae",
    "..;",
    "%ff",
    "con",
    "proc",
    "self",
    "environ",
    "",
]
paths = st.one_of(
    st.tuples(
        st.sampled_from(
            ["/dumps/", "/id/", "/data/", "/concept/", "/graph/", "/queries/", "/page/"]
        ),
        st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=8).map("/".join),
    ),
    # Real dump files, so the check that only the build's dumps are served is exercised.
    st.tuples(
        st.just("/dumps/"),
        st.sampled_from(["uasa.nq", "uasa.ttl.gz", "SHA256SUMS", "uasa-network.graphml"]),
    ),
)
SECRETS = ("root:x:0:0", '"content_hash"', "UASA_", "SST", "MANIFEST-")


@FUZZ
@given(path=paths)
def test_path_traversal(fuzz_client: FlaskClient, path: tuple[str, str]) -> None:
    TRIED["path traversal"] += 1
    url = path[0] + path[1]
    with fuzz_client.get(url) as r:  # closes a served file even when an assertion fails
        check(r, {200, 301, 303, 304, 308, 400, 404, 405, 406}, url)
        if r.status_code == 200:
            body = r.get_data()
            for secret in SECRETS:
                assert secret.encode() not in body, (url, secret)
            if path[0] == "/dumps/" and r.mimetype != "text/html":
                # Only a file of the build's dumps (or their checksums), never one outside.
                served = Path(r.request.path).name
                listed = {d.get("file", d.get("name")) for d in _dumps(fuzz_client)}
                assert served in listed | {"SHA256SUMS"}, url


def _dumps(fuzz_client: FlaskClient) -> list[dict]:
    return list(fuzz_client.application.extensions["uasa.store"].manifest.get("dumps", []))


def test_server_answers_after_fuzzing(fuzz_client: FlaskClient) -> None:
    still_answers(fuzz_client)
    assert fuzz_client.get("/health").status_code == 200
    metrics = fuzz_client.get("/metrics").text
    assert 'status="500"' not in metrics


def test_report_counts(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        total = sum(TRIED.values())
        print(f"\nfuzz: {total} generated cases (each one or more requests)")
        for name, n in TRIED.most_common():
            print(f"  {n:>5}  {name}")
