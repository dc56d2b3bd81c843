"""HEAD and OPTIONS on every GET route as RFC 9110 says, and 405 with Allow for the rest.

Every rule in the app's URL map is tried (a rule without a sample path here fails the test):
HEAD gets the GET's status and headers and no body; OPTIONS lists the methods in Allow;
PUT, DELETE and PATCH get 405 naming the allowed methods.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.helpers import make_app

# A path that answers for each rule (the bare GET of /sparql is the service description).
SAMPLES = {
    "/": "/",
    "/sparql": "/sparql?query=ASK%7B%7D",
    "/query": "/query?query=ASK%7B%7D",
    "/context.jsonld": "/context.jsonld",
    "/query/<name>": "/query/agreements-by-month",
    "/queries": "/queries",
    "/queries.json": "/queries.json",
    "/queries/<name>": "/queries/agreements-by-month",
    "/health": "/health",
    "/metrics": "/metrics",
    "/openapi.json": "/openapi.json",
    "/dataset": "/dataset",
    "/catalog": "/catalog",
    "/shapes": "/shapes",
    "/.well-known/void": "/.well-known/void",
    "/def": "/def",
    "/def/<path:rest>": "/def/Agreement",
    "/id/<path:rest>": "/id/party/gbr",
    "/concept/<path:rest>": "/concept/no-such",
    "/graph/<path:rest>": "/graph/no-such",
    "/data/<path:rest>": "/data/id/party/gbr.ttl",
    "/page/<path:rest>": "/page/id/party/gbr",
    "/dumps": "/dumps",
    "/dumps/": "/dumps/",
    "/dumps/<name>": "/dumps/SHA256SUMS",
    "/agreements": "/agreements",
    "/agreements.json": "/agreements.json",
    "/agreements.csv": "/agreements.csv",
    "/agreements/matrix": "/agreements/matrix",
    "/commitments": "/commitments",
    "/commitments.csv": "/commitments.csv",
    "/timeline": "/timeline",
    "/search": "/search?q=gbr",
    "/network": "/network",
    "/network.json": "/network.json",
    "/network/<path:rest>": "/network/id/party/gbr.json",
    "/assets/<package>/<name>": "/assets/chartjs/chart.umd.min.js",
    "/static/<path:filename>": "/static/uasa.css",
    "/robots.txt": "/robots.txt",
    "/sitemap.xml": "/sitemap.xml",
    "/releases": "/releases",
    "/releases.atom": "/releases.atom",
    "/releases/<int:number>/<name>": "/releases/1/uasa.nq.gz",
}
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


def test_every_rule_has_a_sample(app: Flask) -> None:
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert rules == set(SAMPLES), rules ^ set(SAMPLES)


@pytest.mark.parametrize("rule", sorted(SAMPLES))
@pytest.mark.parametrize("accept", [None, "text/html", "text/turtle"])
def test_head_is_the_get_without_a_body(app: Flask, rule: str, accept: str | None) -> None:
    client = app.test_client()
    headers = {"Accept": accept} if accept else {}
    get = client.get(SAMPLES[rule], headers=headers)
    get.get_data()
    get.close()  # a file's answer holds the file open until closed
    head = client.head(SAMPLES[rule], headers=headers)
    head.close()
    assert head.status_code == get.status_code, (rule, head.status_code, head.get_data()[:200])
    assert head.get_data() == b""
    skip = PER_REQUEST | ({"Content-Length"} if rule in VARYING else set())
    mine = {k: v for k, v in head.headers.items() if k not in skip}
    theirs = {k: v for k, v in get.headers.items() if k not in skip}
    assert mine == theirs, rule


@pytest.mark.parametrize("rule", sorted(SAMPLES))
def test_options_and_other_methods(app: Flask, rule: str) -> None:
    client = app.test_client()
    path = SAMPLES[rule].partition("?")[0]
    options = client.options(path)
    assert options.status_code in {200, 204}, rule
    allowed = {m.strip() for m in options.headers["Allow"].split(",")}
    assert {"GET", "HEAD", "OPTIONS"} <= allowed, (rule, allowed)
    for method in OTHER_METHODS:
        r = client.open(path, method=method)
        assert r.status_code == 405, (rule, method, r.status_code)
        assert {m.strip() for m in r.headers["Allow"].split(",")} == allowed, (rule, method)
        assert r.get_data(), (rule, method)  # says what went wrong
