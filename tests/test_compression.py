"""gzip of text answers when Accept-Encoding asks, ``Vary: Accept-Encoding`` on every answer,
an ETag per encoding, the dumps sent from their ``.gz``, and the editor page's weight."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.helpers import make_app

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
ASK = "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%20200"
TEXT_ROUTES = [
    (ASK, "application/sparql-results+json"),
    (ASK, "text/csv"),
    ("/sparql?query=CONSTRUCT%7B%3Fs%3Fp%3Fo%7DWHERE%7B%3Fs%3Fp%3Fo%7DLIMIT%20200", "text/turtle"),
    ("/data/id/party/gbr.ttl", None),
    ("/data/id/party/gbr.jsonld", None),
    ("/page/id/party/gbr", "text/html"),
    ("/agreements.json", None),
    ("/static/uasa.css", None),
    ("/assets/yasgui/yasgui.min.js", None),
    ("/queries.json", None),
    ("/openapi.json", None),
]
EDITOR_BUDGET = 600 * 1024  # bytes moved for the /sparql editor page, compressed


@pytest.fixture(scope="module")
def app(real_store: str) -> Iterator[Flask]:
    app = make_app(real_store, cache_mb=16)
    yield app
    app.extensions["uasa.follower"].close()


def _get(app: Flask, path: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    r = app.test_client().get(path, headers=headers)
    body = r.get_data()
    r.close()
    return r, body


@pytest.mark.parametrize(("path", "accept"), TEXT_ROUTES)
def test_text_answers_are_gzipped_when_asked(app: Flask, path: str, accept: str | None) -> None:
    asked = {"Accept": accept} if accept else {}
    plain, plain_body = _get(app, path, asked)
    packed, packed_body = _get(app, path, {**asked, **GZIP})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    for r in (plain, packed):
        assert "accept-encoding" in r.headers["Vary"].lower(), path
    assert gzip.decompress(packed_body) == plain_body
    assert len(packed_body) < len(plain_body)
    assert packed.mimetype == plain.mimetype
    if plain.headers.get("ETag"):
        assert packed.headers["ETag"] != plain.headers["ETag"]
        assert packed.headers["ETag"].rstrip('"').endswith(":gzip")


# Query answers (the result cache's weak tags) and documents tagged from their body by
# werkzeug (strong tags): VoID, the JSON-LD context, the service description, the sitemap.
REVALIDATED = [
    (ASK, None),
    ("/.well-known/void", "text/turtle"),
    ("/context.jsonld", None),
    ("/sparql", "text/turtle"),
    ("/sitemap.xml", None),
]


@pytest.mark.parametrize(("path", "accept"), REVALIDATED)
def test_a_gzip_etag_revalidates(app: Flask, path: str, accept: str | None) -> None:
    asked = {"Accept": accept} if accept else {}
    packed, _ = _get(app, path, {**asked, **GZIP})
    client = app.test_client()
    tag = packed.headers["ETag"]
    assert tag.rstrip('"').endswith(":gzip"), path
    again = client.get(path, headers={**asked, **GZIP, "If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag, path
    plain, _ = _get(app, path, asked)
    again = client.get(path, headers={**asked, "If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == plain.headers["ETag"], path
    other = client.get(path, headers={**asked, **GZIP, "If-None-Match": 'W/"other:gzip"'})
    assert other.status_code == 200, path


def test_small_and_binary_answers_stay_as_they_are(app: Flask) -> None:
    small, _ = _get(app, "/sparql?query=ASK%7B%7D", GZIP)
    assert "Content-Encoding" not in small.headers  # below COMPRESS_MIN_SIZE


def test_dumps_come_from_their_gz(app: Flask, real_store: str) -> None:
    folder = Path(real_store).resolve() / "dumps"
    name = "uasa.nq"
    plain, plain_body = _get(app, f"/dumps/{name}", {})
    packed, packed_body = _get(app, f"/dumps/{name}", GZIP)
    assert plain_body == (folder / name).read_bytes()
    assert packed_body == (folder / f"{name}.gz").read_bytes()  # the build's file, as it is
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.mimetype == plain.mimetype == "application/n-quads"
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert "accept-encoding" in plain.headers["Vary"].lower()
    assert "accept-encoding" in packed.headers["Vary"].lower()
    gz, gz_body = _get(app, f"/dumps/{name}.gz", GZIP)  # asked for the .gz itself
    assert "Content-Encoding" not in gz.headers and gz_body == packed_body


def test_editor_page_weight(app: Flask) -> None:
    """What a browser moves for /sparql: the page, then every script and style it names."""
    headers = {
        "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
        "Accept-Encoding": "gzip, deflate, br",
    }
    page, body = _get(app, "/sparql", headers)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = gzip.decompress(body).decode() if page.headers.get("Content-Encoding") else body.decode()
    linked = re.findall(r'(?:src|href)="(/(?:assets|static)/[^"]+)"', html)
    assert any(p.endswith(".js") for p in linked), linked
    moved, raw = len(body), len(html.encode())
    for path in sorted(set(linked)):
        r, data = _get(app, path, {"Accept-Encoding": "gzip, deflate, br"})
        assert r.status_code == 200, path
        moved += len(data)
        raw += len(gzip.decompress(data)) if r.headers.get("Content-Encoding") else len(data)
    print(f"editor page: {moved / 1024:.0f} KB transferred ({raw / 1024:.0f} KB uncompressed)")
    assert moved <= EDITOR_BUDGET, moved
