"""The page language persists (cookie set by ?lang=, which overrides it) and numbers, dates
and plurals follow the locale."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from uasa.web.support import formats
from uasa.web.support.ui import PLURALS


def html_lang(body: str) -> str:
    m = re.search(r'<html lang="(\w+)"', body)
    assert m is not None
    return m.group(1)


def test_the_switch_sets_a_cookie_that_later_pages_follow(real_client: FlaskClient) -> None:
    english = {"Accept-Language": "en"}
    assert html_lang(real_client.get("/timeline", headers=english).text) == "en"
    r = real_client.get("/timeline?lang=uk", headers=english)
    assert "uasa_lang=uk" in r.headers["Set-Cookie"]
    assert "Cookie" in r.headers["Vary"]
    for path in ("/", "/agreements", "/commitments", "/search", "/page/id/party/gbr"):
        assert html_lang(real_client.get(path, headers=english).text) == "uk", path
    # ?lang= overrides the cookie for that page and becomes the new choice.
    assert html_lang(real_client.get("/agreements?lang=en").text) == "en"
    assert html_lang(real_client.get("/agreements").text) == "en"


def test_titles_are_in_the_page_language(real_client: FlaskClient) -> None:
    assert "<title>Безпекові угоди · uasa</title>" in real_client.get("/agreements?lang=uk").text
    assert (
        "<title>Security agreements · uasa</title>" in real_client.get("/agreements?lang=en").text
    )
    assert "<title>Хронологія · uasa</title>" in real_client.get("/timeline?lang=uk").text


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_landing_counts_use_the_locale(real_client: FlaskClient, lang: str) -> None:
    body = real_client.get(f"/?lang={lang}").text
    m = re.search(r'data-count="triples" data-value="(\d+)">([^<]+)</strong> (\w+)', body)
    assert m is not None
    n = int(m.group(1))
    assert m.group(2) == formats.number(n, lang)
    assert m.group(3) == formats.plural(n, PLURALS[lang]["triple"], lang)
    if lang == "uk" and n >= 1000:
        assert "," not in m.group(2)  # digit groups are spaces in Ukrainian


def test_dates_follow_the_locale(real_client: FlaskClient) -> None:
    assert 'datetime="2024-01-12">12 січня 2024' in real_client.get("/timeline?lang=uk").text
    assert 'datetime="2024-01-12">12 January 2024' in real_client.get("/timeline?lang=en").text
