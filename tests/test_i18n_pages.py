# ruff: noqa: RUF002 (Cyrillic letters are meant here)
"""The page language persists (cookie set by ?lang=, which overrides it) and numbers, dates
and plurals follow the locale."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from uasa.web.support import formats
from uasa.web.support.ui import PLURALS, UI


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


ENGLISH_TEXTS = """SELECT DISTINCT ?l (LANG(?l) AS ?lang) WHERE {
  GRAPH ?g { ?s ?p ?l }
  FILTER(isLITERAL(?l) && (LANG(?l) IN ("en", "uk") || DATATYPE(?l) = xsd:string))
}"""
IRIS = """SELECT DISTINCT ?s WHERE {
  GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && STRSTARTS(STR(?s), "https://w3id.org/uasa/id/"))
}"""
PAGES = [
    "/",
    "/agreements",
    "/agreements/matrix",
    "/commitments",
    "/timeline",
    "/search?q=Britain",
    "/queries",
    "/dumps/",
    "/network",
    "/page/def",
    "/queries/signatories",
]
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN_WORDS = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]+\b")


class UnmarkedEnglish(HTMLParser):
    """Visible text nodes of a Ukrainian page that are one of ``english`` and lie in no
    element marked lang="en"."""

    VOID = frozenset(
        {
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        }
    )
    UNSEEN = frozenset({"script", "style", "template", "title", "head", "pre", "code"})

    def __init__(self, english: set[str]) -> None:
        super().__init__()
        self.english = english
        self.stack: list[tuple[str, str, bool]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        parent_lang, parent_unseen = self.stack[-1][1:] if self.stack else ("", False)
        given = dict(attrs)
        lang = given.get("lang") or parent_lang if "lang" in given else parent_lang
        unseen = parent_unseen or tag in self.UNSEEN or "hidden" in given
        self.stack.append((tag, lang or "", unseen))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and tag not in self.VOID:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.stack or self.stack[-1][2] or self.stack[-1][1] != "uk":
            return
        text = data.strip().strip("()·").strip()
        if text in self.english:
            self.found.append(text)


def english_texts(client: FlaskClient) -> set[str]:
    """English text of the data (tagged @en or untagged, in Latin letters only, at least two
    words, never also a Ukrainian literal) and of the interface (English strings that differ
    from their Ukrainian ones)."""
    r = client.post(
        "/sparql",
        data={"query": "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + ENGLISH_TEXTS},
        headers={"Accept": "application/sparql-results+json"},
    )
    rows = r.get_json()["results"]["bindings"]
    ukrainian = {b["l"]["value"].strip() for b in rows if b["lang"]["value"] == "uk"}
    texts = {b["l"]["value"].strip() for b in rows if b["lang"]["value"] != "uk"} - ukrainian
    texts |= {v for k, v in UI["en"].items() if isinstance(v, str) and v != UI["uk"].get(k)}
    return {
        t
        for t in texts
        if " " in t and len(LATIN_WORDS.findall(t)) >= 2 and not CYRILLIC.search(t) and "{" not in t
    }


@pytest.mark.slow
def test_english_on_ukrainian_pages_is_marked_english(real_client: FlaskClient) -> None:
    """Every page in Ukrainian: text it shows in English sits in an element with lang="en"
    (a screen reader then reads it as English). Every resource page and the main pages."""
    english = english_texts(real_client)
    assert "Ministry of Defence of Ukraine" in english and "Security agreements" in english
    r = real_client.post(
        "/sparql", data={"query": IRIS}, headers={"Accept": "application/sparql-results+json"}
    )
    iris = [b["s"]["value"] for b in r.get_json()["results"]["bindings"]]
    paths = PAGES + ["/page/" + i.split("https://w3id.org/uasa/", 1)[1] for i in iris]
    assert len(paths) > 500
    unmarked: dict[str, list[str]] = {}
    real_client.set_cookie("uasa_lang", "uk")
    for path in paths:
        page = real_client.get(path, headers={"Accept": "text/html", "Sec-Fetch-Dest": "document"})
        if page.mimetype != "text/html":
            continue
        assert html_lang(page.text) == "uk", path
        parser = UnmarkedEnglish(english)
        parser.feed(page.text)
        if parser.found:
            unmarked[path] = parser.found
    assert not unmarked, f"{len(unmarked)} pages, e.g. {list(unmarked.items())[:5]}"


def test_ukrainian_timeline_and_pages_lead_with_ukrainian_descriptions(
    real_client: FlaskClient,
) -> None:
    body = real_client.get("/timeline?lang=uk&years=all").text
    described = re.findall(r"</a>\s*(?:→[^\n]*)?\s*<p( lang=\"\w+\")?>", body)
    assert len(described) > 20
    assert not [d for d in described if d], "a milestone's description shown in English"
    english = real_client.get("/timeline?lang=en&years=all").text
    assert len(re.findall(r"<p lang=\"uk\">", english)) == 0
    # A resource page lists a property's values in the reader's language first.
    for lang, other in (("uk", "en"), ("en", "uk")):
        page = real_client.get(
            "/page/id/party/gbr", query_string={"lang": lang}, headers={"Accept": "text/html"}
        ).text
        labels = page[page.index("skos/core#altLabel") :]
        labels = labels[: labels.index("</dd>")]
        langs = re.findall(r'<span(?: lang="(\w+)")?>', labels)
        first_other = [i for i, x in enumerate(langs) if x == other]
        assert first_other and all(x in ("", lang) for x in langs[: first_other[0]]), langs
        assert any(x in ("", lang) for x in langs[: first_other[0]]), (lang, langs)


def test_ukrainian_lists_sort_ye_i_yi_with_their_neighbours(real_client: FlaskClient) -> None:
    """Alphabetical in Ukrainian (CLDR's tailoring): Є after Е, І after И, never after Я
    (their code points come after Я's)."""
    from uasa.web.support.collation import sort_key

    body = real_client.get("/timeline?lang=uk&years=all").text
    select = body[body.index('id="tl-partner"') :]
    names = re.findall(
        r'<option value="[^"]+"[^>]*>([^<]+)</option>', select[: select.index("</select>")]
    )
    assert len(names) > 20 and names == sorted(names, key=lambda n: sort_key(n, "uk"))
    firsts = [n[0] for n in names]
    assert "Я" not in firsts or all(
        firsts.index(c) < firsts.index("Я") for c in "ЄІЇ" if c in firsts
    ), names
    assert sort_key("Єгипет", "uk") < sort_key("Ж", "uk")
    assert sort_key("Ірландія", "uk") < sort_key("Й", "uk")


def test_ukrainian_commitments_sort_by_partner_in_ukrainian_order(
    real_client: FlaskClient,
) -> None:
    """`?sort=partner` orders each currency's rows by the partner's name in Ukrainian order
    (Італія before Канада), not by code point (which puts І after Я)."""
    from uasa.web.support.collation import sort_key

    body = real_client.get("/commitments?lang=uk&sort=partner").text
    groups = [g[: g.index("</tbody>")] for g in body.split("<tbody>")[1:]]
    partners = [
        re.findall(r"<tr data-commitment[^>]*>\s*<td><a [^>]*>([^<]+)</a>", g) for g in groups
    ]
    assert sum(map(len, partners)) > 20
    for names in partners:
        assert names == sorted(names, key=lambda n: sort_key(n, "uk")), names
    # Where the order by code point (case folded) differs: what this test tells apart.
    assert any(names != sorted(names, key=str.casefold) for names in partners)
