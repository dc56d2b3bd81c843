"""/queries/<name> opened in a browser is an HTML page; every other client keeps its format."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from uasa.query.catalogue import load

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NAV = {"Accept": BROWSER, "Sec-Fetch-Dest": "document"}


def test_a_browser_gets_a_table_of_labelled_links(real_client: FlaskClient) -> None:
    expected = real_client.get("/queries/signatories.json").get_json()["results"]["bindings"]
    r = real_client.get("/queries/signatories", headers=NAV)
    assert r.status_code == 200 and r.mimetype == "text/html"
    body = r.text
    assert body.count("<tr><td>") == len(expected) > 0
    # IRIs are links to the local pages, shown by label.
    assert '<a href="/page/id/person/volodymyr-zelenskyy"' in body
    assert ">Volodymyr Zelenskyy</a>" in body
    for suffix in ("csv", "srj", "srx"):
        assert f'href="/queries/signatories.{suffix}"' in body
    assert "SELECT" in body  # the query text
    assert "Sec-Fetch-Dest" in r.headers["Vary"]


def test_parameters_have_a_form_and_the_links_keep_them(real_client: FlaskClient) -> None:
    first = real_client.get("/queries/agreements-in-year", headers=NAV)
    assert (
        first.status_code == 200 and 'name="year"' in first.text and "results-h" not in first.text
    )
    r = real_client.get("/queries/agreements-in-year?year=2024", headers=NAV)
    expected = real_client.get("/queries/agreements-in-year.srj?year=2024").get_json()
    n = len(expected["results"]["bindings"])
    assert len(re.findall(r"<tr><td>", r.text)) == n > 0
    assert 'href="/queries/agreements-in-year.csv?year=2024"' in r.text
    bad = real_client.get("/queries/agreements-in-year?year=abc", headers=NAV)
    assert bad.status_code == 400 and "not well-formed" in bad.text and 'name="year"' in bad.text


@pytest.mark.parametrize(
    ("headers", "mimetype"),
    [
        ({}, "application/sparql-results+json"),
        ({"Accept": BROWSER}, "application/sparql-results+xml"),  # a script with a browser's Accept
        (
            {"Accept": "application/sparql-results+json", "Sec-Fetch-Dest": "document"},
            "application/sparql-results+json",
        ),
        ({"Accept": "text/csv"}, "text/csv"),
    ],
)
def test_other_clients_keep_their_format(
    real_client: FlaskClient, headers: dict[str, str], mimetype: str
) -> None:
    assert real_client.get("/queries/signatories", headers=headers).mimetype == mimetype


def test_a_suffix_or_format_wins_over_the_page(real_client: FlaskClient) -> None:
    assert real_client.get("/queries/signatories.csv", headers=NAV).mimetype == "text/csv"
    r = real_client.get("/queries/signatories?format=json", headers=NAV)
    assert r.mimetype == "application/sparql-results+json"


def test_the_language_switch_keeps_every_pages_results(real_client: FlaskClient) -> None:
    """`?lang=` is the page's language switch: never an unknown query parameter, and the
    results (with the parameters given) stay on the page in the other language."""
    for q in load():
        args = {p.name: p.example for p in q.params if p.required}
        rows = []
        for lang in ("", "uk", "en"):
            query = {**args, **({"lang": lang} if lang else {})}
            r = real_client.get(f"/queries/{q.name}", query_string=query, headers=NAV)
            assert r.status_code == 200, (q.name, lang, r.text[:300])
            assert 'id="results-h"' in r.text, (q.name, lang)
            if lang:
                assert f'<html lang="{lang}"' in r.text
            rows.append(r.text.count("<tr><td"))
        assert rows[0] == rows[1] == rows[2], (q.name, rows)
