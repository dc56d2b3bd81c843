"""One pipeline: the proxy fix outermost, one envelope, the short path, then Flask.

- Hostile ``X-Forwarded-Host``/``-Prefix`` sent first never reach the next clients' answers,
  whether the headers are ignored (the default) or believed (UASA_TRUSTED_FORWARDED).
- A matrix of scheme x host x prefix x Accept x route family answers byte for byte the same
  through the short path (first answer and kept answer) as through Flask alone.
- The web app imports nothing from the build's heavy libraries.
"""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from werkzeug.test import TestResponse

from tests.helpers import LiveServer, make_app

EVIL = "evil.example"
HOSTILE = {
    "X-Forwarded-Host": EVIL,
    "X-Forwarded-Prefix": f"//{EVIL}",
    "X-Forwarded-Proto": "http",
}
# Every route whose answer (or a part of it) the server keeps between requests, and the
# Accept each is asked with.
CACHED_ROUTES = [
    ("/id/party/gbr", "text/html"),
    ("/id/party/gbr", "text/turtle"),
    ("/data/id/party/gbr.ttl", None),
    ("/data/id/party/gbr.jsonld", None),
    ("/sparql?query=CONSTRUCT%7B%3Fs%3Fp%3Fo%7DWHERE%7B%3Fs%3Fp%3Fo%7DLIMIT%201", "text/turtle"),
    ("/", "text/html"),
    ("/timeline", "text/html"),
    ("/search?q=gbr", "text/html"),
    ("/agreements", "text/html"),
    ("/agreements.json", None),
    ("/commitments", "text/html"),
    ("/network.json", None),
    ("/network", "text/html"),
]
IGNORED = {"X-Request-Id", "Date"}


def _text(r: TestResponse) -> str:
    head = "\n".join(f"{k}: {v}" for k, v in r.headers.items())
    return head + "\n\n" + r.get_data(as_text=True)


@pytest.fixture(scope="module")
def believing(real_store: str) -> Iterator[Flask]:
    """Behind one proxy that is trusted to set the host and prefix. The per-client limits are
    off: a forwarded client they apply to is answered by Flask alone, never the short path."""
    app = make_app(
        real_store,
        trusted_proxies=1,
        trusted_forwarded="host prefix",
        cache_mb=16,
        client_concurrency=0,
        client_seconds=0,
    )
    yield app
    app.extensions["uasa.follower"].close()


@pytest.mark.parametrize("forwarded", ["", "host prefix"])
def test_hostile_forwarded_headers_never_reach_the_next_client(
    real_store: str, forwarded: str
) -> None:
    app = make_app(real_store, trusted_proxies=1, trusted_forwarded=forwarded, cache_mb=16)
    try:
        client = app.test_client()
        for path, accept in CACHED_ROUTES:
            headers = {"Accept": accept} if accept else {}
            first = client.get(path, headers={**headers, **HOSTILE})
            assert first.status_code in {200, 303}, (path, first.status_code)
            if not forwarded:  # ignored: not even the attacker's own answer carries them
                assert EVIL not in _text(first), path
            for _ in range(2):
                clean = client.get(path, headers=headers, base_url="https://kg.example.org")
                assert clean.status_code == first.status_code, path
                assert EVIL not in _text(clean), path
    finally:
        app.extensions["uasa.follower"].close()


def test_a_believed_prefix_and_host_make_the_links(believing: Flask) -> None:
    client = believing.test_client()
    r = client.get(
        "/id/party/gbr",
        headers={"Accept": "text/turtle", "X-Forwarded-Prefix": "/kg", "X-Forwarded-Host": "a.b"},
    )
    assert r.status_code == 303 and r.headers["Location"].startswith("/kg/data/")
    timeline = client.get("/timeline", headers={"X-Forwarded-Prefix": "/kg"}).text
    assert 'href="/kg/page/' in timeline
    plain = client.get("/timeline").text
    assert 'href="/page/' in plain and "/kg/" not in plain


def _bytes(r: TestResponse) -> bytes:
    """The body; a gzip'd one decompressed (its header holds the second it was made in)."""
    body = r.get_data()
    return gzip.decompress(body) if r.headers.get("Content-Encoding") == "gzip" else body


def _fast_and_alone(app: Flask, path: str, headers: dict[str, str]) -> list[TestResponse]:
    fast = app.extensions["uasa.fastpath"]
    client = app.test_client()
    answers = [client.get(path, headers=headers), client.get(path, headers=headers)]
    fast.enabled = False
    try:
        answers.append(client.get(path, headers=headers))
    finally:
        fast.enabled = True
    return answers


FAMILIES = {
    "sparql": "/sparql?query=SELECT%20%3Fp%20%3Fo%20WHERE%20%7B%20%3Chttps%3A%2F%2Fw3id.org"
    "%2Fuasa%2Fid%2Fparty%2Fgbr%3E%20%3Fp%20%3Fo%20%7D%20LIMIT%205",
    "construct": "/sparql?query=CONSTRUCT%7B%3Fs%3Fp%3Fo%7DWHERE%7B%3Fs%3Fp%3Fo%7DLIMIT%202",
    "data": "/data/id/party/gbr.jsonld",
    "data-ttl": "/data/id/party/gbr.ttl",
    "id": "/id/party/gbr",
}
ENCODINGS = [None, "gzip, deflate"]
ACCEPTS = [None, "*/*", "text/turtle", "application/ld+json", "application/sparql-results+json"]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_short_path_answers_as_flask_alone(believing: Flask, family: str) -> None:
    """scheme x host x prefix x Accept x Accept-Encoding, each asked in turn (so a kept answer
    made for one combination is offered to the next): equal bodies (byte for byte once
    decompressed: gzip's header holds the second it was made in), equal headers."""
    for scheme, host, prefix, accept, encoding in itertools.product(
        ["http", "https"], ["a.example", "b.example:8443"], ["", "/kg"], ACCEPTS, ENCODINGS
    ):
        headers = {"X-Forwarded-Proto": scheme, "X-Forwarded-Host": host}
        if encoding:
            headers["Accept-Encoding"] = encoding
        if prefix:
            headers["X-Forwarded-Prefix"] = prefix
        if accept:
            headers["Accept"] = accept
        first, kept, alone = _fast_and_alone(believing, FAMILIES[family], headers)
        where = (family, scheme, host, prefix, accept, encoding)
        for answer in (first, kept):
            assert answer.status_code == alone.status_code, where
            assert _bytes(answer) == _bytes(alone), where
            got = {k: v for k, v in answer.headers.items() if k not in IGNORED}
            assert got == {k: v for k, v in alone.headers.items() if k not in IGNORED}, where
            assert answer.headers["X-Request-Id"]


def test_kept_answers_count_their_keys(real_store: str) -> None:
    """A client naming a new Host on every request fills the budget, not memory unseen."""
    app = make_app(real_store, cache_mb=1)
    try:
        fast = app.extensions["uasa.fastpath"]
        client = app.test_client()
        long_host = ".".join(["h" * 60] * 30)
        for n in range(400):
            r = client.get(
                "/id/party/gbr", headers={"Accept": "text/turtle", "Host": f"n{n}.{long_host}"}
            )
            assert r.status_code == 303
        key_bytes = sum(sum(map(len, key)) for key in fast._kept)
        body_bytes = sum(len(body) for _, _, body in fast._kept.values())
        assert key_bytes + body_bytes <= fast._kept_bytes <= fast.budget
        assert len(fast._kept) < 400
    finally:
        app.extensions["uasa.follower"].close()


def test_web_app_leaves_the_build_libraries_alone() -> None:
    code = "import sys, uasa.web.app; print(sorted(m for m in ('networkx',) if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(("trusted", "scheme"), [("0", "http"), ("1", "https")])
def test_only_the_setting_makes_the_proto_believed(
    real_store: str, trusted: str, scheme: str
) -> None:
    """Under `uasa serve` (gunicorn), from a loopback peer: gunicorn believes no proxy header
    itself (nor a SCRIPT_NAME header); ProxyFix does, with UASA_TRUSTED_PROXIES."""
    server = LiveServer(real_store, {"UASA_TRUSTED_PROXIES": trusted})
    try:
        r = requests.get(
            server.url + "/data/id/party/gbr.ttl",
            # gunicorn lets a trusted forwarder set SCRIPT_NAME by a header: nobody is one.
            headers={
                "X-Forwarded-Proto": "https",
                "Host": "kg.example.org",
                "SCRIPT_NAME": "/data",
            },
            timeout=30,
        )
        assert r.status_code == 200
        assert r.headers["Content-Location"] == f"{scheme}://kg.example.org/data/id/party/gbr.ttl"
    finally:
        server.stop()


def test_the_envelope_names_the_client_the_proxy_fix_found(
    believing: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """Short-path and Flask answers alike: one log line each, naming the forwarded client,
    with the request id the answer carries."""
    caplog.set_level("INFO", logger="uasa.access")
    client = believing.test_client()
    headers = {"X-Forwarded-For": "203.0.113.7", "Accept": "text/turtle"}
    fast = believing.extensions["uasa.fastpath"]
    client.get("/data/id/party/gbr.ttl", headers=headers)  # kept now, if not before
    hits = fast.hits
    answers = [
        client.get("/data/id/party/gbr.ttl", headers=headers),  # the short path
        client.get("/agreements.json", headers=headers),  # Flask
    ]
    assert fast.hits == hits + 1
    lines = [json.loads(m) for m in caplog.messages if m.startswith("{")]
    for r in answers:
        line = next(x for x in lines if x["request_id"] == r.headers["X-Request-Id"])
        assert line["client"] == "203.0.113.7" and line["status"] == 200
        assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["X-Uasa-Build"]
