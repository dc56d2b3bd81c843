"""The timeline, the commitments table and the SPARQL editor in a real browser.

Same set-up as tests/browser/test_pages.py (Playwright + Debian chromium over a live server,
1366 px and 390 px, English and Ukrainian, axe-core injected as an init script). What is checked
comes from the store or from the page itself, never from numbers written here: the commitments'
subtotals are compared with the saved query commitment-totals-by-currency.rq run over the
endpoint, and
the CSV with the rows the page shows.
"""

from __future__ import annotations

import csv
import io
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from tests.browser.support import check_page, shoot
from tests.helpers import ROOT, LiveServer

pytestmark = pytest.mark.browser

TOTALS = ROOT / "queries" / "commitment-totals-by-currency.rq"


def local_name(href: str) -> str:
    return href.split("?")[0].rstrip("/").rsplit("/", 1)[-1]


def test_timeline_years_filters_and_labels(
    page: Any,
    server: LiveServer,
    width: str,
    lang: str,
) -> None:
    page.goto(server.url + "/timeline")
    assert page.locator("html").get_attribute("lang") == lang
    years = page.locator("section.year h2").all_inner_texts()
    assert years and years == sorted(years)
    assert {"2024", "2025"} <= set(years), years
    assert all(y >= "2024" for y in years), "the timeline opens on 2024 and later"
    # The jump bar names every year, the older ones one click away.
    jump = page.locator("nav.year-jump a")
    assert set(years) <= set(jump.all_inner_texts())
    assert page.locator("nav.year-jump a[href='#y2024']").count() == 1
    # No slugs: no event is labelled with the last segment of its own IRI.
    links = page.locator("ol.timeline li > div > a:nth-of-type(1)")
    assert links.count() > 20
    for i in range(links.count()):
        link = links.nth(i)
        assert link.inner_text().strip() != local_name(link.get_attribute("href")), link
    check_page(page, width)
    shoot(page, f"timeline-{lang}-{width}")

    older = page.locator("#all-years")
    older.click()
    page.wait_for_url("**years=all*")
    all_years = page.locator("section.year h2").all_inner_texts()
    assert min(all_years) < "2024" and set(years) <= set(all_years)

    # Filters are a plain GET form: signings only, then one partner.
    page.goto(server.url + "/timeline")
    for group in ("negotiation", "framework"):
        page.locator(f"input[name=show][value={group}]").uncheck()
    page.locator("form.timeline-filters button").click()
    page.wait_for_url("**show=signing*")
    groups = page.locator("ol.timeline li").evaluate_all("els => els.map(e => e.dataset.group)")
    assert groups and set(groups) == {"signing"}
    page.locator("input[name=show][value=negotiation]").check()
    page.select_option("#tl-partner", "ltu")
    page.locator("form.timeline-filters button").click()
    page.wait_for_url("**partner=ltu*")
    items = page.locator("ol.timeline li")
    partners = items.evaluate_all("els => els.map(e => e.dataset.partner)")
    assert partners and all(p.endswith("/party/ltu") for p in partners)
    groups = items.evaluate_all("els => els.map(e => e.dataset.group)")
    assert set(groups) == {"signing", "negotiation"}
    check_page(page, width)


def sparql_totals(server: LiveServer) -> dict[tuple[str, str, str, str], Decimal]:
    r = requests.post(
        server.url + "/sparql",
        data={"query": TOTALS.read_text("utf-8")},
        headers={"Accept": "application/sparql-results+json"},
        timeout=20,
    )
    r.raise_for_status()
    return {
        (
            b["currency"]["value"],
            b["period"]["value"],
            b["basis"]["value"],
            b["qualifier"]["value"],
        ): Decimal(b["total"]["value"])
        for b in r.json()["results"]["bindings"]
    }


def shown_rows(page: Any) -> list[dict[str, str]]:
    return page.locator("tr[data-commitment]").evaluate_all(
        "els => els.map(e => Object.assign({}, e.dataset))"
    )


def csv_rows(page: Any, server: LiveServer, lang: str) -> list[dict[str, str]]:
    href = page.locator("#csv-link").get_attribute("href")
    r = requests.get(server.url + href, headers={"Accept-Language": lang}, timeout=20)
    r.raise_for_status()
    assert r.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text)))


def test_commitments_per_currency_subtotals_and_csv(
    page: Any,
    server: LiveServer,
    width: str,
    lang: str,
) -> None:
    page.goto(server.url + "/commitments?sort=-amount")
    rows = shown_rows(page)
    assert rows
    # One table per currency: every row of a table is in the table's currency, and the
    # amounts fall within it only (NOK 75bn never above EUR 40bn: they are not in one list).
    for section in page.locator("section.currency-group").all():
        currency = section.get_attribute("data-currency")
        values = section.locator("tr[data-commitment]").evaluate_all(
            "els => els.map(e => [e.dataset.currency, e.dataset.value])"
        )
        assert {c for c, _ in values} == ({currency} if currency else {""})
        if currency:
            amounts = [Decimal(v) for _, v in values]
            assert amounts == sorted(amounts, reverse=True), currency
    # Subtotals: the rows marked as added, per currency, period, basis and qualifier, and the
    # saved query's totals.
    expected: dict[tuple[str, str, str, str], Decimal] = {}
    for row in rows:
        if row["value"] and row["counted"] == "yes":
            key = (row["currency"], row["period"], row["basis"] or "unstated", row["qualifier"])
            expected[key] = expected.get(key, Decimal(0)) + Decimal(row["value"])
    subtotals = {
        (s["currency"], s["period"], s["basis"] or "unstated", s["qualifier"]): Decimal(s["total"])
        for s in page.locator("tr.subtotal").evaluate_all(
            "els => els.map(e => Object.assign({}, e.dataset))"
        )
    }
    assert subtotals == expected
    assert subtotals == sparql_totals(server)
    # Amounts without a period carry a visible flag.
    assert page.locator(".flag.no-period").first.is_visible()
    # The CSV has exactly the rows shown, in the same order.
    assert [r["commitment"] for r in csv_rows(page, server, lang)] == [
        r["commitment"] for r in rows
    ]
    check_page(page, width)
    shoot(page, f"commitments-{lang}-{width}")

    # A facet is a GET parameter; the CSV follows it.
    facet = page.locator("#facet-currency")
    if facet.get_attribute("open") is None:
        facet.locator("summary").click()
    facet.get_by_role("link", name="EUR", exact=True).click()
    page.wait_for_url("**currency=EUR*")
    rows = shown_rows(page)
    assert rows and {r["currency"] for r in rows} == {"EUR"}
    assert [r["commitment"] for r in csv_rows(page, server, lang)] == [
        r["commitment"] for r in rows
    ]
    check_page(page, width)


GROUPED = """PREFIX uasa: <https://w3id.org/uasa/def#>
SELECT ?partner (COUNT(?m) AS ?milestones) WHERE {
  ?m a uasa:NegotiationMilestone ; uasa:negotiatingPartner ?partner .
} GROUP BY ?partner ORDER BY DESC(?milestones)"""
DESCRIBE = "DESCRIBE <https://w3id.org/uasa/id/agreement/gbr-2024-01-12>"


def run(page: Any, query: str) -> None:
    done = responses(page)
    page.evaluate("q => { window.uasaYasgui.getTab().setQuery(q); }", query)
    page.locator(".yasqe_queryButton").click()
    wait_for_response(page, done)


def responses(page: Any) -> int:
    return int(
        page.evaluate("() => Number(document.querySelector('#yasgui').dataset.responses || 0)")
    )


def wait_for_response(page: Any, done: int) -> None:
    """Polled from here: wait_for_function's string predicate needs eval, which the CSP refuses."""
    deadline = time.monotonic() + 15
    while responses(page) <= done:
        assert time.monotonic() < deadline, "no query response within 15 s"
        page.wait_for_timeout(100)


def test_editor_values_links_chart_graph_and_keyboard(
    page: Any,
    server: LiveServer,
    width: str,
    lang: str,
) -> None:
    page.goto(server.url + "/sparql")
    page.wait_for_selector("#yasgui[data-ready=true]")
    # Nothing takes the focus on load.
    assert page.evaluate("!document.querySelector('#yasgui').contains(document.activeElement)")
    check_page(page, width)
    # Tab leaves the editor and inserts nothing.
    before = page.evaluate("window.uasaYasgui.getTab().getQuery()")
    page.locator(".CodeMirror").click()
    editing = "document.activeElement === window.uasaYasgui.getTab().getYasqe().getInputField()"
    assert page.evaluate(editing)
    page.keyboard.press("Tab")  # to the editor's own buttons, then on out of it
    assert not page.evaluate(editing)
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    assert page.evaluate("window.uasaYasgui.getTab().getQuery()") == before
    # The editor's buttons cover no line of the query (at 390 px they sit below the text).
    covered = page.evaluate(
        """() => {
          const lines = [...document.querySelectorAll('#yasgui pre.CodeMirror-line')]
            .flatMap(l => { const r = document.createRange(); r.selectNodeContents(l);
                            return [...r.getClientRects()]; });
          const buttons = [...document.querySelectorAll('#yasgui .yasqe_buttons button')]
            .map(b => b.getBoundingClientRect());
          return buttons.some(b => lines.some(l => b.left < l.left + l.width - 1
            && l.left < b.left + b.width && b.top < l.top + l.height - 1
            && l.top < b.top + b.height));
        }"""
    )
    assert not covered, "a button covers the query text"

    run(page, page.evaluate("window.uasaYasgui.getTab().getQuery()"))
    cells = page.locator(".yasr tbody td").all_inner_texts()
    assert cells
    assert not [c for c in cells if "^^" in c or "@en" in c or "@uk" in c]
    local = page.locator(".yasr tbody a.iri").first.get_attribute("href")
    assert local.startswith("/page/id/agreement/"), local
    check_page(page, width)
    shoot(page, f"editor-table-{lang}-{width}")

    run(page, GROUPED)
    page.locator(".select_chart").click()
    page.wait_for_selector(".result-chart canvas")
    assert page.evaluate("document.querySelector('#yasgui').dataset.chart") == "bar"
    page.locator(".result-chart button[data-chart=line]").click()
    assert page.evaluate("document.querySelector('#yasgui').dataset.chart") == "line"
    check_page(page, width)
    shoot(page, f"editor-chart-{lang}-{width}")

    run(page, DESCRIBE)
    page.wait_for_selector("#result-graph")
    assert page.evaluate("window.uasaResultGraph.nodes().length") > 3
    assert page.evaluate("window.uasaResultGraph.edges().length") > 3
    check_page(page, width)
    shoot(page, f"editor-graph-{lang}-{width}")


def test_editor_examples_are_searchable_and_run(
    page: Any,
    server: LiveServer,
    width: str,
    lang: str,
) -> None:
    page.goto(server.url + "/sparql")
    page.wait_for_selector("#yasgui[data-ready=true]")
    page.fill("#example-search", "commitment-totals")
    visible = page.locator("[data-example]:visible")
    assert visible.count() == 1
    visible.first.click()
    wait_for_response(page, 0)
    assert page.locator(".yasr tbody tr").count() > 0
    query = (ROOT / "queries" / "commitment-totals-by-currency.rq").read_text("utf-8")
    body = query[query.index("SELECT") :].strip()
    assert body in page.evaluate("window.uasaYasgui.getTab().getQuery()")


@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=Britain", "/queries", "/queries/agreements-by-partner", "/agreements/matrix"],
)
def test_other_pages_pass_axe(
    page: Any,
    server: LiveServer,
    width: str,
    lang: str,
    path: str,
) -> None:
    page.goto(server.url + path)
    assert page.locator("html").get_attribute("lang") == lang
    if path == "/queries":  # the catalogue speaks the page's language too
        title = {"en": "Saved queries · uasa", "uk": "Збережені запити · uasa"}[lang]
        assert page.title() == title
    check_page(page, width)


def test_focus_ring_contrast() -> None:
    """The focus outline colour against the page background: at least 3:1 (WCAG 1.4.11)."""
    css = (ROOT / "server" / "uasa" / "web" / "static" / "uasa.css").read_text("utf-8")
    block = css[css.rindex("a:focus-visible, button:focus-visible") :]
    colour = block.split("outline: 3px solid ", 1)[1][:7]
    background = css.split("--bg: ", 1)[1][:7]

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for against in (background, "#ffffff"):
        light, dark = sorted((luminance(colour), luminance(against)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 3, (colour, against)


def test_editor_shared_link_runs_and_charts_the_counts_by_year(
    page: Any,
    server: LiveServer,
    width: str,
    lang: str,
) -> None:
    """A shared /sparql?query=… runs on opening; the chart plots the counts, with the year as
    its axis; no YASR help text points elsewhere; a result's IRI opens with one click; a
    number and the next column's text never touch."""
    query = (ROOT / "queries" / "agreements-by-year.rq").read_text("utf-8")
    page.goto(server.url + "/sparql?" + urlencode({"query": query}))
    page.wait_for_selector("#yasgui[data-ready=true]")
    wait_for_response(page, 0)
    assert page.locator(".yasr tbody tr").count() > 0
    gaps = page.evaluate(
        """() => [...document.querySelectorAll('.yasr tbody tr')].flatMap(tr => {
             const cells = [...tr.children].map(td => { const r = document.createRange();
               r.selectNodeContents(td); return r.getBoundingClientRect(); })
               .filter(r => r.width > 0);
             return cells.slice(1).map((c, i) => c.left - cells[i].right);
           })"""
    )
    assert gaps and min(gaps) >= 4, min(gaps)
    assert not page.locator("[title*='contact the maintainer']:visible").count()
    page.locator(".select_chart").click()
    page.wait_for_selector(".result-chart canvas")
    label = page.locator(".result-chart canvas").get_attribute("aria-label")
    assert "?agreements" in label and label.endswith("?year"), label
    check_page(page, width)

    # Totals in several currencies never share an axis: one chart per currency (#23).
    totals = (ROOT / "queries" / "commitment-totals-by-currency.rq").read_text("utf-8")
    run(page, totals)
    answer = requests.get(server.url + "/queries/commitment-totals-by-currency.csv", timeout=30)
    currencies = {row["currency"] for row in csv.DictReader(io.StringIO(answer.text))}
    page.locator(".select_chart").click()
    page.wait_for_selector(".result-chart canvas")
    captions = page.locator(".result-chart figcaption").all_inner_texts()
    assert len(currencies) > 1 and set(captions) == currencies, (captions, currencies)
    assert page.locator(".result-chart canvas").count() == len(currencies)

    run(page, "SELECT ?a WHERE { ?a a <https://w3id.org/uasa/def#SecurityAgreement> } LIMIT 3")
    link = page.locator(".yasr tbody a.iri").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url("**" + href)


def test_lists_are_in_the_browsers_own_alphabetical_order(
    page: Any, server: LiveServer, width: str, lang: str
) -> None:
    """The server's alphabetical lists (the timeline's partner list, /commitments by partner)
    are in the order of the browser's own collator for the page's language (Chromium's ICU,
    `Intl.Collator`): in Ukrainian, its own letters in their places, never after the last one."""
    by_browser = "([names, lang]) => [...names].sort(new Intl.Collator(lang).compare)"
    page.goto(server.url + "/timeline?years=all")
    names = page.locator("#tl-partner option[value]:not([value=''])").all_inner_texts()
    assert len(names) > 20
    assert names == page.evaluate(by_browser, [names, lang])
    page.goto(server.url + "/commitments?sort=partner")
    groups = page.locator("tbody").evaluate_all(
        "bodies => bodies.map(b => [...b.querySelectorAll('tr[data-commitment]')]"
        ".map(r => r.cells[0].textContent.trim()))"
    )
    assert sum(map(len, groups)) > 20
    for partners in groups:
        assert partners == page.evaluate(by_browser, [partners, lang]), partners
