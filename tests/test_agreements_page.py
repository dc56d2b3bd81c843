"""`/agreements`: the faceted table, its CSV/JSON twins, and the search that opens it."""

# ruff: noqa: RUF001 (Cyrillic letters are meant here)

from __future__ import annotations

import csv
import dataclasses
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from uasa.web.support import formats


def sparql_rows(real_client: FlaskClient, query: str) -> list[dict[str, str]]:
    r = real_client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200, r.data
    return [{k: v["value"] for k, v in b.items()} for b in r.get_json()["results"]["bindings"]]


PREFIX = "PREFIX uasa: <https://w3id.org/uasa/def#>\n"


def test_every_agreement_is_a_row(real_client: FlaskClient) -> None:
    expected = sparql_rows(
        real_client, PREFIX + "SELECT DISTINCT ?a WHERE { ?a a uasa:SecurityAgreement }"
    )
    body = real_client.get("/agreements.json").get_json()
    assert body["count"] == body["total"] == len(expected) > 0
    assert {r["iri"] for r in body["rows"]} == {e["a"] for e in expected}


def test_month_facet_matches_the_signing_dates(real_client: FlaskClient) -> None:
    expected = sparql_rows(
        real_client,
        PREFIX + "SELECT ?a WHERE { ?a a uasa:SecurityAgreement ; uasa:signingDate ?d "
        'FILTER(STRSTARTS(STR(?d), "2024-06")) }',
    )
    body = real_client.get("/agreements.json?month=2024-06").get_json()
    assert {r["iri"] for r in body["rows"]} == {e["a"] for e in expected}
    assert body["count"] < body["total"]
    page = real_client.get("/agreements?month=2024-06").get_data(as_text=True)
    assert page.count("<tr data-agreement=") == len(expected)


def test_csv_and_json_return_the_rows_shown(real_client: FlaskClient) -> None:
    query = "year=2024&nato=yes&category=training"
    page = real_client.get(f"/agreements?{query}").get_data(as_text=True)
    shown = re.findall(r'<tr data-agreement="([^"]+)"', page)
    assert shown
    rows = real_client.get(f"/agreements.json?{query}").get_json()["rows"]
    assert [r["id"] for r in rows] == shown
    table = list(csv.DictReader(io.StringIO(real_client.get(f"/agreements.csv?{query}").text)))
    assert [r["agreement"].rsplit("/", 1)[1] for r in table] == shown
    for r in rows:
        assert r["year"] == "2024" and r["nato"] == "yes"
        assert "training" in {c["id"] for c in r["categories"]}
    # The CSV/JSON links on the page carry the same filters.
    assert f'href="/agreements.csv?{query.replace("&", "&amp;")}"' in page


def test_facet_counts_add_up(real_client: FlaskClient) -> None:
    page = real_client.get("/agreements?kind=state").get_data(as_text=True)
    n = page.count("<tr data-agreement=")
    years = re.search(r'id="facet-year".*?</details>', page, re.S)
    assert years is not None
    counts = [int(c) for c in re.findall(r'<span class="n">(\d+)</span>', years.group(0))]
    assert sum(counts) == n  # every agreement has exactly one signing year


def test_money_is_never_converted(real_client: FlaskClient) -> None:
    rows = real_client.get("/agreements.json?partner=ignored").get_json()["rows"]
    gbr = next(r for r in rows if r["id"] == "gbr-2024-01-12")
    assert {m["currency"] for m in gbr["money"]} == {"GBP"}


@pytest.mark.parametrize(
    ("q", "location"),
    [
        ("June 2024", "/agreements?month=2024-06"),
        ("червень 2024", "/agreements?month=2024-06"),
        ("червня 2024 р.", "/agreements?month=2024-06"),
        ("2025", "/agreements?year=2025"),
    ],
)
def test_search_for_a_period_opens_the_table(
    real_client: FlaskClient, q: str, location: str
) -> None:
    r = real_client.get("/search", query_string={"q": q})
    assert r.status_code == 303
    assert r.headers["Location"] == location


def test_search_for_a_name_stays_a_search(real_client: FlaskClient) -> None:
    assert real_client.get("/search?q=Norway").status_code == 200


def test_ukrainian_numbers_and_plurals() -> None:
    forms = {"one": "трійка", "few": "трійки", "many": "трійок", "other": "трійки"}
    assert formats.counted(9972, forms, "uk").replace("\xa0", " ") == "9 972 трійки"
    assert formats.counted(5, forms, "uk") == "5 трійок"
    assert formats.counted(21, forms, "uk") == "21 трійка"
    assert formats.counted(9972, {"one": "triple", "other": "triples"}, "en") == "9,972 triples"


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_csv_names_categories_and_offers_a_bom_for_excel(
    real_client: FlaskClient, lang: str
) -> None:
    data = real_client.get(f"/agreements.json?lang={lang}").get_json()["rows"]
    plain = real_client.get(f"/agreements.csv?lang={lang}")
    assert not plain.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(plain.text)))
    for row, shown in zip(rows, data, strict=True):
        assert row["provision_category_labels"] == "; ".join(
            c["label"] for c in shown["categories"]
        )
        assert row["provision_categories"] == "; ".join(c["id"] for c in shown["categories"])
    assert any(r["provision_category_labels"] for r in rows)
    excel = real_client.get(f"/agreements.csv?lang={lang}&bom=1")
    assert excel.data.startswith(b"\xef\xbb\xbf") and excel.data[3:] == plain.data
    page = real_client.get(f"/agreements?lang={lang}").text
    assert 'id="csv-excel"' in page and "bom=1" in page
    bad = real_client.get("/agreements.csv?bom=yes")
    assert bad.status_code == 400 and "bom" in bad.text


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_the_tables_query_in_sparql_gives_every_agreement(
    real_client: FlaskClient, lang: str
) -> None:
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    page = real_client.get(f"/agreements?lang={lang}").text
    href = unescape(re.search(r'href="([^"]+)" id="table-sparql"', page).group(1))
    query = parse_qs(urlsplit(href).query)["query"][0]
    r = real_client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    rows = r.get_json()["results"]["bindings"]
    table = real_client.get(f"/agreements.json?lang={lang}").get_json()["rows"]
    assert {b["agreement"]["value"] for b in rows} == {row["iri"] for row in table}
    assert all(b["label"]["xml:lang"] == lang for b in rows)


@pytest.mark.parametrize("query", ["lang=en", "lang=uk", "lang=en&year=2024"])
def test_the_matrix_marks_each_agreements_categories(real_client: FlaskClient, query: str) -> None:
    """/agreements/matrix: one row per agreement the table shows (same filters), one column per
    provision category; a cell is marked exactly when the agreement has that category."""
    table = real_client.get(f"/agreements.json?{query}").get_json()["rows"]
    body = real_client.get(f"/agreements/matrix?{query}").text
    rows = re.findall(r'<tr data-agreement="([^"]+)">(.*?)</tr>', body, re.S)
    assert [iri for iri, _ in rows] == [row["iri"] for row in table]
    columns = re.findall(r'<th scope="col" data-category="([^"]+)"', body)
    assert len(columns) > 5
    for (iri, cells), row in zip(rows, table, strict=True):
        marked = set(re.findall(r'data-has="([^"]+)"', cells))
        assert marked == {c["id"] for c in row["categories"]}, iri
    assert 'id="matrix-link"' in real_client.get(f"/agreements?{query}").text


def test_the_tables_link_queries_parse() -> None:
    """A `Links` column's path is written into table-links.rq; every one of them parses."""
    from uasa.web.pages import agreements, commitments

    for table in (agreements.TABLE, commitments.TABLE):
        table.check()


def test_a_column_with_a_facet_is_one_spec(
    real_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The faceted table's promise (pages/table.py): one `Links` spec gives the rows a column,
    a facet that filters them, the CSV its columns, and the page its headings in both
    languages, with no edit anywhere else."""
    from uasa.web.pages import agreements
    from uasa.web.pages.table import Links

    sources = Links(
        "sources",
        path="prov:wasDerivedFrom",
        facet="source",
        title="sources",
        csv_ids="sources",
        csv_labels="source_labels",
        headings={"en": ("Sources", "Source"), "uk": ("Джерела", "Джерело")},
    )
    table = dataclasses.replace(
        agreements.TABLE, name="agreements-sources", columns=(*agreements.TABLE.columns, sources)
    )
    with real_app.test_request_context("/"):
        everything = table.select([], "en")
        assert all("sources" in row for row in everything.shown)
        source = next(s["id"] for row in everything.shown for s in row["sources"])
        chosen = table.select([("source", source)], "en")
        assert 0 < len(chosen.shown) < len(everything.shown)
        assert all(source in {s["id"] for s in row["sources"]} for row in chosen.shown)
        facet = next(f for f in chosen.view("").facets if f.name == "source")
        assert facet.title == "facet_source" and any(v.selected for v in facet.values)
        header = next(csv.reader(io.StringIO(chosen.csv())))
        assert header[-2:] == ["sources", "source_labels"]
    assert table.text("uk").items() >= {"sources": "Джерела", "facet_source": "Джерело"}.items()
    # The page, through its route, with the spec in place of the real one.
    monkeypatch.setattr(agreements, "TABLE", table)
    html = real_app.test_client().get("/agreements", query_string={"lang": "uk"}).text
    assert ">Джерела</th>" in html and "<summary>Джерело</summary>" in html
