"""/search: whole words and prefixes of labels and skos:altLabel, Ukrainian inflection, results
grouped by kind."""

# ruff: noqa: RUF001 (Cyrillic letters are meant here)

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from uasa.web.support.search import lemmas, text_match, words

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
    assert len(found) < all_agreements  # every agreement's label says "Ukraine"
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
