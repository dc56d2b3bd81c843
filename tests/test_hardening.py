"""Security headers on every response, and errors as HTML pages for browsers only."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize("path", ["/", "/agreements", "/search?q=Norway", "/page/id/party/gbr"])
def test_html_pages_carry_a_strict_policy(real_client: FlaskClient, path: str) -> None:
    r = real_client.get(path, headers=BROWSER)
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["frame-ancestors"] == "'none'"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"]
    # No inline script: every <script> loads a file from this server, or is a data block
    # (schema.org JSON-LD), which a browser never runs.
    body = r.get_data(as_text=True)
    data = body.count('<script type="application/ld+json">')
    assert body.count("<script") == body.count("<script src=") + data


def test_only_the_editor_and_resource_pages_allow_inline_styles(real_client: FlaskClient) -> None:
    assert "unsafe-inline" not in real_client.get("/agreements").headers["Content-Security-Policy"]
    r = real_client.get("/sparql", headers={**BROWSER, "Sec-Fetch-Dest": "document"})
    assert "style-src 'self' 'unsafe-inline'" in r.headers["Content-Security-Policy"]


def test_data_responses_are_not_sniffed(real_client: FlaskClient) -> None:
    r = real_client.get("/agreements.csv")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in r.headers


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_browsers_get_an_html_404_with_navigation(real_client: FlaskClient, lang: str) -> None:
    r = real_client.get(f"/page/id/party/no-such-party?lang={lang}", headers=BROWSER)
    assert r.status_code == 404
    assert r.mimetype == "text/html"
    body = r.get_data(as_text=True)
    assert f'<html lang="{lang}">' in body
    assert 'href="/agreements' in body and "<nav" in body
    assert "Content-Security-Policy" in r.headers


@pytest.mark.parametrize("accept", [None, "*/*", "text/plain", "application/json"])
def test_other_clients_keep_plain_text_errors(real_client: FlaskClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    r = real_client.get("/page/id/party/no-such-party", headers=headers)
    assert r.status_code == 404
    assert r.mimetype == "text/plain"
    assert "<html" not in r.get_data(as_text=True)


def test_a_405_for_a_browser_is_a_page(real_client: FlaskClient) -> None:
    r = real_client.delete("/agreements", headers={"Accept": "text/html"})
    assert r.status_code == 405
    assert r.mimetype == "text/html"
    assert r.headers["Allow"]
