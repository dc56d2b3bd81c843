"""/search: whole words and prefixes of labels and skos:altLabel, Ukrainian inflection, results
grouped by kind."""

# ruff: noqa: RUF001 (Cyrillic letters are meant here)

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from uasa.web.pages.search import lemmas, text_match, words

GBR = "/page/id/agreement/gbr-2024-01-12"


def result_links(body: str) -> list[str]:
    return re.findall(r'<li data-kind="\w+"><a href="([^"]+)"', body)


@pytest.mark.parametrize(
    "q", ["Britain", "Great Britain", "UK", "Велика Британія", "Великої Британії", "британія"]
)
def test_names_of_the_uk_find_its_agreement(real_client: FlaskClient, q: str) -> None:
    body = real_client.get("/search", query_string={"q": q}).text
    assert GBR in result_links(body), q


def test_uk_is_a_whole_word(real_client: FlaskClient) -> None:
    """ "UK" finds what is named UK, never everything that mentions Ukraine."""
    all_agreements = real_client.get("/agreements.json").get_json()["total"]
    found = result_links(real_client.get("/search?q=UK").text)
    assert GBR in found
    # Every agreement's label says "Ukraine": were "UK" a prefix match, all would be found.
    # (Counted among agreements only: sources titled "UK support …" are rightly found too.)
    agreements = [f for f in found if f.startswith("/page/id/agreement/")]
    assert len(agreements) < all_agreements / 2, agreements
    assert "/page/id/agreement/nor-2024-05-31" not in found


def test_a_prefix_of_three_letters_or_more_matches(real_client: FlaskClient) -> None:
    assert "/page/id/party/nor" in result_links(real_client.get("/search?q=Norw").text)
    assert "/page/id/party/nor" not in result_links(real_client.get("/search?q=No").text)


def test_results_are_grouped_with_date_and_partner(real_client: FlaskClient) -> None:
    body = real_client.get("/search?q=Britain&lang=en").text
    groups = re.findall(r'<h3 id="group-(\w+)">', body)
    assert groups[0] == "agreement" and "party" in groups
    assert 'datetime="2024-01-12"' in body
    assert 'href="/page/id/party/gbr"' in body


def test_lemmas_and_words() -> None:
    assert "британія" in lemmas("Британії")
    assert words("UK–Ukraine") == ["uk", "ukraine"]
    assert text_match(["uk"], "Ukraine") == 0
    assert text_match(["великої", "британії"], "Велика Британія") == 4


PARTIES = """PREFIX uasa: <https://w3id.org/uasa/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?party ?code ?en WHERE {
  ?party uasa:isoAlpha2 ?code ; rdfs:label ?en . FILTER(LANG(?en) = "en")
}"""


def one_letter_typos(name: str) -> list[str]:
    """A letter dropped and two letters swapped in the name's longest word (as typed in haste)."""
    word = max(words(name), key=len)
    i = len(word) // 2
    return [word[:i] + word[i + 1 :], word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]]


def test_every_state_by_its_cldr_names_and_with_a_typo(real_client: FlaskClient) -> None:
    """Each state with an ISO code: its English and Ukrainian names in CLDR (Babel), and its
    English name with one letter missing or two swapped, find its page."""
    from babel import Locale

    r = real_client.post(
        "/sparql", data={"query": PARTIES}, headers={"Accept": "application/sparql-results+json"}
    )
    rows = r.get_json()["results"]["bindings"]
    assert len(rows) > 20
    missed = []
    for row in rows:
        path = "/page/id/" + row["party"]["value"].split("/id/", 1)[1]
        code = row["code"]["value"]
        names = [Locale(loc).territories[code] for loc in ("en", "uk")]
        typos = (
            one_letter_typos(row["en"]["value"])
            if len(max(words(row["en"]["value"]), key=len)) >= 5
            else []
        )
        for q in [*names, *typos]:
            if path not in result_links(real_client.get("/search", query_string={"q": q}).text):
                missed.append((q, path))
    assert not missed, missed


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("Gemany", "/page/id/party/deu"),
        ("Великобританія", "/page/id/party/gbr"),
        ("Великобританія", GBR),
        ("United Kingdom", "/page/id/party/gbr"),
        ("Сполучені Штати", "/page/id/party/usa"),
    ],
)
def test_typos_run_together_words_and_cldr_names(
    real_client: FlaskClient, q: str, found: str
) -> None:
    assert found in result_links(real_client.get("/search", query_string={"q": q}).text)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("ФРН", "/page/id/party/deu"),  # Федеративна Республіка Німеччина (ISO 3166-1, uk)
        ("Федеративна Республіка Німеччина", "/page/id/party/deu"),
        ("Federal Republic of Germany", "/page/id/party/deu"),
        ("Italian Republic", "/page/id/party/ita"),
    ],
)
def test_official_names_and_their_initials(real_client: FlaskClient, q: str, found: str) -> None:
    assert found in result_links(real_client.get("/search", query_string={"q": q}).text)


def test_only_a_query_in_capitals_is_read_as_initials() -> None:
    from uasa.web.pages.search import acronym, initials

    assert initials("Федеративна Республіка Німеччина") == "фрн"
    assert initials("Germany") == ""  # one word: no initials to match
    assert acronym("ФРН") == "фрн" and acronym("фрн") == "" and acronym("ФРН Італія") == ""
    assert text_match(["фрн"], "Федеративна Республіка Німеччина", initialism="фрн") == 2
    assert text_match(["фрн"], "Федеративна Республіка Німеччина") == 0


def test_an_abbreviation_in_descriptions_is_found_after_names(real_client: FlaskClient) -> None:
    """ "ППО" names no resource; it is found in the descriptions that use it."""
    body = real_client.get("/search", query_string={"q": "ППО", "lang": "uk"}).text
    assert result_links(body)
    assert "ППО" in body


def test_short_words_are_not_fuzzy() -> None:
    assert text_match(words("Gemany"), "Germany") and not text_match(words("Nato"), "Nauru")
    assert not text_match(words("UK"), "Ukraine")
