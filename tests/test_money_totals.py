"""Money totals over the real dataset: no total counts a commitment's amount more than once.

An amount is added only to amounts of the same currency, period, basis and qualifier. These
tests check every commitment in the saved queries, in `/commitments` (with and without a year)
and in `/agreements`, and keep the audit's examples as regressions: Norway's NOK 75bn
(2023-2027) is never counted in each of its years nor added to its NOK 13.5bn for 2024
(388.5bn / 88.5bn), Denmark's EUR 1.8bn for 2024 is never added to its EUR 8.5bn fund,
Spain's EUR 5bn is the EU fund's only, Lithuania's "already ~EUR 80m" is delivered aid.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from tests.test_data_answers import select

ID = "https://w3id.org/uasa/id/"
YEARS = [str(y) for y in range(2020, 2036)]

# Every amount of a security agreement's commitment that a total may count, with what decides
# where it goes; what the saved query's own filters leave out is asked apart, in plain SPARQL.
COUNTED = """
SELECT ?c ?value ?currency ?basis ?qualifier ?start ?end WHERE {
  ?c a uasa:Commitment ; uasa:commitmentOf ?a ;
     uasa:amount [ schema:value ?value ; schema:currency ?currency ] .
  ?a a uasa:SecurityAgreement .
  FILTER NOT EXISTS { ?c uasa:partOfCommitment ?w . ?w uasa:commitmentOf/a uasa:SecurityAgreement }
  FILTER NOT EXISTS { ?c uasa:contributesTo ?f }
  OPTIONAL { ?c uasa:amountBasis ?basis }
  OPTIONAL { ?c uasa:amountQualifier ?qualifier }
  OPTIONAL { ?c uasa:periodStart ?start }
  OPTIONAL { ?c uasa:periodEnd ?end }
}
"""


def saved(real_client: FlaskClient, name: str, **params: str) -> list[dict[str, str]]:
    response = real_client.get(f"/queries/{name}.csv", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def tail(iri: str | None) -> str:
    return iri.rsplit("/", 1)[-1] if iri else "unstated"


def period(start: str, end: str) -> str:
    first, last = start[:4], end[:4]
    if first:
        return first if first == last else f"{first}\u2013{last}"
    return f"\u2013{last}" if last else "unstated"


@pytest.fixture
def counted(real_client: FlaskClient) -> list[dict[str, str]]:
    rows = select(real_client, COUNTED)
    assert len({r["c"] for r in rows}) == len(rows) > 20
    return rows


def test_every_commitment_is_in_exactly_one_total(
    real_client: FlaskClient, counted: list[dict[str, str]]
) -> None:
    expected: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    n: Counter[tuple[str, ...]] = Counter()
    for r in counted:
        key = (
            r["currency"],
            period(r.get("start", ""), r.get("end", "")),
            tail(r.get("basis")),
            tail(r.get("qualifier")),
        )
        expected[key] += Decimal(r["value"])
        n[key] += 1
    rows = saved(real_client, "commitment-totals-by-currency", currency="", year="")
    got = {(r["currency"], r["period"], r["basis"], r["qualifier"]): r for r in rows}
    assert len(got) == len(rows), "two rows for one currency, period, basis and qualifier"
    assert {k: Decimal(r["total"]) for k, r in got.items()} == dict(expected)
    assert {k: int(r["commitments"]) for k, r in got.items()} == dict(n)


def test_no_year_counts_a_multi_year_total_as_its_own(
    real_client: FlaskClient, counted: list[dict[str, str]]
) -> None:
    """Adding up the years' own money counts each single-year amount once, and never a total
    of several years; a multi-year total shows only as the total of its period."""
    single: dict[str, Decimal] = defaultdict(Decimal)
    for r in counted:
        start, end = r.get("start", "")[:4], r.get("end", "")[:4]
        if tail(r.get("basis")) != "per-year" and start and start == end:
            single[r["currency"]] += Decimal(r["value"])
    summed: dict[str, Decimal] = defaultdict(Decimal)
    for year in YEARS:
        for row in saved(real_client, "commitment-totals-by-currency", currency="", year=year):
            assert row["scope"] in ("year", "period-total"), row
            if row["scope"] == "year" and row["basis"] != "per-year":
                assert row["period"] == year, row
                summed[row["currency"]] += Decimal(row["total"])
            if row["scope"] == "period-total":
                assert "\u2013" in row["period"] or row["period"] == "unstated", row
    assert summed == single


def test_norway_nok_is_never_388_5bn_nor_88_5bn(real_client: FlaskClient) -> None:
    per_year = {
        year: saved(real_client, "commitment-totals-by-currency", currency="NOK", year=year)
        for year in ("2023", "2024", "2025", "2026", "2027")
    }
    year_money = {
        y: sum(Decimal(r["total"]) for r in rows if r["scope"] == "year")
        for y, rows in per_year.items()
    }
    assert year_money == {
        "2023": 0,
        "2024": Decimal("13500000000"),
        "2025": 0,
        "2026": 0,
        "2027": 0,
    }
    for y, rows in per_year.items():
        totals = [r for r in rows if r["scope"] == "period-total"]
        assert [(r["period"], Decimal(r["total"])) for r in totals] == [
            ("2023\u20132027", Decimal("75000000000"))
        ], y
    partner = [
        r
        for r in saved(real_client, "commitments-by-partner-and-period")
        if r["partner"] == ID + "party/nor"
    ]
    assert sorted((r["period"], r["kind"], r["qualifier"], r["total"]) for r in partner) == [
        ("2023\u20132027", "period-total", "exact", "75000000000"),
        ("2024", "year", "at-least", "13500000000"),
    ]


def test_denmark_2024_is_beside_its_fund_not_added(real_client: FlaskClient) -> None:
    rows = [
        r
        for r in saved(real_client, "commitments-by-partner-and-period")
        if r["partner"] == ID + "party/dnk"
    ]
    assert sorted((r["period"], r["kind"], r["qualifier"], r["total"]) for r in rows) == [
        ("2023\u20132028", "period-total", "exact", "8500000000"),
        ("2024", "year", "at-least", "1800000000"),
    ]


def test_exact_and_inexact_amounts_are_never_added(real_client: FlaskClient) -> None:
    for year in ("", "2024"):
        rows = saved(real_client, "commitment-totals-by-currency", currency="EUR", year=year)
        keys = Counter((r["period"], r["basis"], r["scope"]) for r in rows)
        qualifiers = {(r["period"], r["basis"], r["scope"]): set() for r in rows}
        for r in rows:
            qualifiers[(r["period"], r["basis"], r["scope"])].add(r["qualifier"])
        # Where one period and basis has several qualifiers, each is its own row.
        assert all(len(qualifiers[k]) == n for k, n in keys.items())


def test_spain_five_billion_is_counted_once_with_the_eu_fund(real_client: FlaskClient) -> None:
    rows = select(
        real_client,
        """
        SELECT ?c ?value WHERE {
          ?c a uasa:Commitment ; uasa:amount [ schema:value ?value ; schema:currency "EUR" ] .
          FILTER(?value = 5000000000)
        }
        """,
    )
    spain = select(
        real_client,
        """
        SELECT ?c ?amount WHERE {
          ?c uasa:commitmentOf <https://w3id.org/uasa/id/agreement/esp-2024-05-27> ;
             uasa:contributesTo ?fund .
          OPTIONAL { ?c uasa:amount ?amount }
        }
        """,
    )
    assert len(spain) == 1 and "amount" not in spain[0]
    # Spain's 2024-2027 contribution goes to the Facility, not to its 2024-only commitment.
    fund = select(
        real_client,
        """
        SELECT ?fund WHERE {
          ?c uasa:commitmentOf <https://w3id.org/uasa/id/agreement/esp-2024-05-27> ;
             uasa:contributesTo ?fund . ?fund a uasa:Fund .
        }
        """,
    )
    assert [r["fund"] for r in fund] == [ID + "framework/epf"]
    # The EU's agreement and the Fund it is part of: two nodes, one of them counted.
    assert len(rows) == 2
    eu_2024 = [
        r
        for r in saved(real_client, "commitments-by-partner-and-period")
        if r["partner"] == ID + "party/eu"
    ]
    assert [(r["period"], r["total"]) for r in eu_2024] == [("2024", "5000000000")]
    assert not [
        r
        for r in saved(real_client, "commitments-by-partner-and-period")
        if r["partner"] == ID + "party/esp" and r["total"] == "5000000000"
    ]


def test_delivered_aid_is_no_commitment_and_in_no_total(real_client: FlaskClient) -> None:
    rows = select(
        real_client,
        """
        SELECT ?aid ?value ?asOf ?of WHERE {
          ?aid a uasa:DeliveredAid ; uasa:reportedAlongside ?of ; uasa:asOf ?asOf ;
               uasa:amount [ schema:value ?value ] .
          FILTER NOT EXISTS { ?aid a uasa:Commitment }
        }
        """,
    )
    # Lithuania's two; the other partners' delivered aid is checked in test_data_curation.py.
    lithuania_rows = [r for r in rows if r["of"] == ID + "agreement/ltu-2024-06-27"]
    assert sorted((r["value"], r["asOf"]) for r in lithuania_rows) == [
        ("35000000", "2024-06-27"),
        ("80000000", "2024-06-27"),
    ]
    lithuania = [
        r
        for r in saved(real_client, "commitments-by-partner-and-period")
        if r["partner"] == ID + "party/ltu"
    ]
    assert lithuania == []
    # The old commitment IRIs redirect to the delivered aid.
    old = real_client.get("/id/commitment/ltu-2024-06-27-military-aid-2024")
    assert old.status_code in (301, 303, 308)
    assert old.headers["Location"].endswith("/id/aid/ltu-2024-06-27-military-aid-2024")


class _Subtotals(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.subtotals: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = {k[5:]: v or "" for k, v in attrs if k.startswith("data-")}
        if tag == "tr" and "commitment" in data:
            self.rows.append(data)
        elif tag == "tr" and ("class", "subtotal") in attrs:
            self.subtotals.append(data)


def page(real_client: FlaskClient, url: str) -> _Subtotals:
    response = real_client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    parsed = _Subtotals()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def test_commitments_page_subtotals_are_the_saved_query_totals(real_client: FlaskClient) -> None:
    parsed = page(real_client, "/commitments")
    shown = {
        (s["currency"], s["period"], s["basis"], s["qualifier"]): Decimal(s["total"])
        for s in parsed.subtotals
    }
    assert len(shown) == len(parsed.subtotals)
    query = {
        (r["currency"], r["period"], r["basis"], r["qualifier"]): Decimal(r["total"])
        for r in saved(real_client, "commitment-totals-by-currency", currency="", year="")
    }
    assert shown == query


@pytest.mark.parametrize("year", ["2024", "2025"])
def test_commitments_year_facet_never_shows_a_period_total_as_the_year(
    real_client: FlaskClient, year: str
) -> None:
    parsed = page(real_client, f"/commitments?year={year}")
    nok = [r for r in parsed.rows if r["currency"] == "NOK"]
    nansen = [r for r in nok if r["value"] == "75000000000"]
    assert len(nansen) == 1 and nansen[0]["scope"] == "period-total"
    # Each counted row is in exactly one subtotal, and the year's own subtotals hold only
    # amounts of that year or per-year amounts.
    by_key: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    for r in parsed.rows:
        if r["value"] and r["counted"] == "yes":
            by_key[(r["currency"], r["period"], r["basis"], r["qualifier"], r["scope"])] += Decimal(
                r["value"]
            )
    shown = {
        (s["currency"], s["period"], s["basis"], s["qualifier"], s["scope"]): Decimal(s["total"])
        for s in parsed.subtotals
    }
    assert shown == dict(by_key)
    for (_, p, basis, _, scope), _total in shown.items():
        if scope == "year":
            assert basis == "per-year" or p == year
    query = {
        (r["currency"], r["period"], r["basis"], r["qualifier"], r["scope"]): Decimal(r["total"])
        for r in saved(real_client, "commitment-totals-by-currency", currency="", year=year)
    }
    assert shown == query


def test_agreements_money_keeps_periods_and_qualifiers_apart(real_client: FlaskClient) -> None:
    html = real_client.get("/agreements", headers={"Accept-Language": "en"}).get_data(as_text=True)
    items = re.findall(
        r'<li data-currency="([A-Z]{3})" data-period="([^"]*)" data-total="([0-9.]+)">', html
    )
    nok = sorted((p, t) for c, p, t in items if c == "NOK")
    assert nok == [("2023\u20132027", "75000000000"), ("2024", "13500000000")]
    assert "88500000000" not in html and "388500000000" not in html
    eur = {(p, t) for c, p, t in items if c == "EUR"}
    assert ("2024", "1800000000") in eur and ("2023\u20132028", "8500000000") in eur
    assert "10300000000" not in {t for _, t in eur}


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [("en", "1 commitment added", "commitments added"), ("uk", "Додано 1 зобов'язання", "")],
)
def test_subtotal_counts_use_the_plural_of_their_number(
    real_client: FlaskClient, lang: str, one: str, many: str
) -> None:
    """ "1 commitments added" read wrongly; the count takes its noun's plural form (Babel)."""
    html = real_client.get("/commitments", headers={"Accept-Language": lang}).get_data(True)
    found = re.findall(r'<tr class="subtotal"[^>]*>.*?<td colspan="6">([^<]*)', html, re.S)
    cells = [unescape(c).split(";")[0] for c in found]
    assert cells, "no subtotal rows"
    counts = [int(re.sub(r"\D", "", c)) for c in cells]
    assert one in cells or 1 not in counts
    for cell, n in zip(cells, counts, strict=True):
        if lang == "en":
            assert cell == (one if n == 1 else f"{n} {many}"), cell
        elif n % 10 in (5, 6, 7, 8, 9, 0) or n % 100 in range(11, 15):
            assert cell == f"Додано {n} зобов'язань", cell
