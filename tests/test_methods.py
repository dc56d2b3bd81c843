"""HEAD and OPTIONS on every GET route as RFC 9110 says, and 405 with Allow for the rest.

Every GET rule in the app's URL map is tried (read from the generated route table):
HEAD gets the GET's status and headers and no body; OPTIONS lists the methods in Allow;
PUT, DELETE and PATCH get 405 naming the allowed methods.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.helpers import ROOT, make_app

# Every rule of the app, read from the route table `make docs` writes into docs/http.md
# (tests/test_docs.py keeps that table equal to the app's URL map), so a new route is tested
# here without an edit. A rule with a variable, or one that needs a query string to answer,
# takes its sample path from SAMPLES (the bare GET of /sparql is the service description).
ROUTE_ROW = re.compile(r"^\| `([^`]+)` \| ([A-Z ]+) \|", re.MULTILINE)
ROUTES_DOC = ROOT / "docs" / "http.md"
SAMPLES = {
    "/sparql": "/sparql?query=ASK%7B%7D",
    "/query": "/query?query=ASK%7B%7D",
    "/query/<name>": "/query/agreements-by-month",
    "/queries/<name>": "/queries/agreements-by-month",
    "/def/<path:rest>": "/def/Agreement",
    "/id/<path:rest>": "/id/party/gbr",
    "/concept/<path:rest>": "/concept/no-such",
    "/graph/<path:rest>": "/graph/no-such",
    "/data/<path:rest>": "/data/id/party/gbr.ttl",
    "/page/<path:rest>": "/page/id/party/gbr",
    "/dumps/<name>": "/dumps/SHA256SUMS",
    "/search": "/search?q=gbr",
    "/network/<path:rest>": "/network/id/party/gbr.json",
    "/assets/<package>/<name>": "/assets/chartjs/chart.umd.min.js",
    "/static/<path:filename>": "/static/uasa.css",
    "/releases/<int:number>/<name>": "/releases/1/uasa.nq.gz",
}


def documented_rules() -> list[str]:
    block = (
        ROUTES_DOC.read_text("utf-8")
        .split("<!-- routes:start -->")[1]
        .split("<!-- routes:end -->")[0]
    )
    return sorted({m.group(1) for m in ROUTE_ROW.finditer(block) if "GET" in m.group(2).split()})


RULES = documented_rules()


def sample(rule: str) -> str:
    if rule in SAMPLES:
        return SAMPLES[rule]
    assert "<" not in rule, f"{rule} has a variable: give it a sample path in SAMPLES"
    return rule


OTHER_METHODS = ("PUT", "DELETE", "PATCH")
PER_REQUEST = {"X-Request-Id", "Date", "Set-Cookie"}
# Bodies that differ from one GET to the next (counters; blank-node labels drawn per answer),
# so their length may too.
VARYING = {"/metrics", "/.well-known/void"}


@pytest.fixture(scope="module")
def app(real_store: str) -> Iterator[Flask]:
    app = make_app(real_store, cache_mb=16)
    yield app
    app.extensions["uasa.follower"].close()


def test_every_get_rule_is_tried(app: Flask) -> None:
    rules = {r.rule for r in app.url_map.iter_rules() if "GET" in (r.methods or set())}
    assert rules == set(RULES), rules ^ set(RULES)
    assert set(SAMPLES) <= rules, set(SAMPLES) - rules  # no sample for a rule that is gone


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("accept", [None, "text/html", "text/turtle"])
def test_head_is_the_get_without_a_body(app: Flask, rule: str, accept: str | None) -> None:
    client = app.test_client()
    headers = {"Accept": accept} if accept else {}
    get = client.get(sample(rule), headers=headers)
    get.get_data()
    get.close()  # a file's answer holds the file open until closed
    head = client.head(sample(rule), headers=headers)
    head.close()
    assert head.status_code == get.status_code, (rule, head.status_code, head.get_data()[:200])
    assert head.get_data() == b""
    skip = PER_REQUEST | ({"Content-Length"} if rule in VARYING else set())
    mine = {k: v for k, v in head.headers.items() if k not in skip}
    theirs = {k: v for k, v in get.headers.items() if k not in skip}
    assert mine == theirs, rule


@pytest.mark.parametrize("rule", RULES)
def test_options_and_other_methods(app: Flask, rule: str) -> None:
    client = app.test_client()
    path = sample(rule).partition("?")[0]
    options = client.options(path)
    assert options.status_code in {200, 204}, rule
    allowed = {m.strip() for m in options.headers["Allow"].split(",")}
    assert {"GET", "HEAD", "OPTIONS"} <= allowed, (rule, allowed)
    for method in OTHER_METHODS:
        r = client.open(path, method=method)
        assert r.status_code == 405, (rule, method, r.status_code)
        assert {m.strip() for m in r.headers["Allow"].split(",")} == allowed, (rule, method)
        assert r.get_data(), (rule, method)  # says what went wrong
