"""The browsing pages in a real browser, at desktop and phone width, in English and Ukrainian.

Playwright drives Debian's chromium over a live server (loopback only). Each page is checked
for what a reader needs (the June-2024 signers two clicks from the landing page), for width
(nothing wider than the 390 px phone viewport) and with axe-core for accessibility (0
violations). Screenshots go to ``test-output/screenshots/``. Fixtures: tests/browser/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import check_page, shoot
from tests.helpers import LiveServer

pytestmark = pytest.mark.browser


def test_june_2024_signers_in_two_clicks(
    page: Any, server: LiveServer, width: str, lang: str
) -> None:
    page.goto(server.url + "/")
    check_page(page, width)
    shoot(page, f"home-{lang}-{width}")
    page.locator("a:has([data-count=agreements])").click()  # click 1: the count
    page.wait_for_url("**/agreements*")
    check_page(page, width)
    month = "червень 2024" if lang == "uk" else "June 2024"
    facet = page.locator("#facet-month")
    if facet.get_attribute("open") is None:
        facet.locator("summary").click()  # opens the facet; not a navigation
    facet.get_by_role("link", name=month).click()  # click 2: the month
    page.wait_for_url("**month=2024-06*")
    rows = page.locator("tbody tr[data-agreement]")
    assert rows.count() > 0
    for i in range(rows.count()):
        date = rows.nth(i).locator("time").first.get_attribute("datetime")
        assert date.startswith("2024-06")
    signers = page.locator("tbody tr[data-agreement] td:nth-child(5) li")
    assert signers.count() >= 2 * rows.count()
    assert "Zelenskyy" in page.content() or "Зеленський" in page.content()
    check_page(page, width)
    shoot(page, f"agreements-june-2024-{lang}-{width}")


def test_search_for_a_month_opens_the_table(
    page: Any, server: LiveServer, width: str, lang: str
) -> None:
    page.goto(server.url + "/")
    page.fill("#q", "червень 2024" if lang == "uk" else "June 2024")
    page.press("#q", "Enter")
    page.wait_for_url("**/agreements?month=2024-06*")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("tbody tr[data-agreement]").count() > 0


def test_not_found_is_a_page_with_navigation(
    page: Any, server: LiveServer, width: str, lang: str
) -> None:
    response = page.goto(server.url + "/page/id/party/no-such-party")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == lang
    check_page(page, width)
    shoot(page, f"not-found-{lang}-{width}")
    page.locator("main").get_by_role("link", name=UI_AGREEMENTS[lang]).click()
    page.wait_for_url("**/agreements*")


UI_AGREEMENTS = {"en": "Security agreements", "uk": "Безпекові угоди"}


def test_language_switch_persists_across_links(
    page: Any, server: LiveServer, width: str, lang: str
) -> None:
    other = "en" if lang == "uk" else "uk"
    page.goto(server.url + "/")
    assert page.locator("html").get_attribute("lang") == lang
    page.locator("p.lang a").click()
    page.wait_for_url("**lang=" + other)
    page.locator("header nav a[href$='/commitments'], header nav a[href*='/commitments?']").click()
    page.wait_for_url("**/commitments*")
    assert page.locator("html").get_attribute("lang") == other
    assert page.title() == ("Зобов'язання · uasa" if other == "uk" else "Commitments · uasa")
    page.goto(server.url + "/page/id/party/gbr")  # a plain link, no ?lang=
    assert page.locator("html").get_attribute("lang") == other
    check_page(page, width)
    shoot(page, f"party-gbr-{other}-{width}")


@pytest.mark.parametrize("q", ["Britain", "Велика Британія"])
def test_search_finds_the_uk_agreement(
    page: Any, server: LiveServer, width: str, lang: str, q: str
) -> None:
    page.goto(server.url + "/")
    page.fill("#q", q)
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=*")
    group = page.locator("section.result-group").first
    assert group.locator("h3").get_attribute("id") == "group-agreement"
    link = page.locator("li[data-kind=agreement] a[href$='/page/id/agreement/gbr-2024-01-12']")
    assert link.count() == 1
    check_page(page, width)
    slug = "britain" if q == "Britain" else "velyka-brytaniia"
    shoot(page, f"search-{slug}-{lang}-{width}")
    link.click()
    page.wait_for_url("**/page/id/agreement/gbr-2024-01-12*")
    assert page.locator("html").get_attribute("lang") == lang


def test_saved_query_page_from_the_gallery(
    page: Any, server: LiveServer, width: str, lang: str
) -> None:
    page.goto(server.url + "/")
    page.locator("li[data-query='agreements-in-year'] small a").first.click()
    page.wait_for_url("**/queries/agreements-in-year*")
    page.fill("#p-year", "2024")
    page.locator("form.params button").click()
    page.wait_for_url("**year=2024*")
    rows = page.locator("table.results-table tbody tr")
    assert rows.count() > 0
    assert page.locator("table.results-table a[href*='/page/id/agreement/']").count() > 0
    check_page(page, width)
    shoot(page, f"saved-query-{lang}-{width}")
    csv_link = page.locator("p.formats a[type='text/csv']")
    assert "year=2024" in csv_link.get_attribute("href")
    # The language switch keeps the parameters and the results.
    shown = rows.count()
    other = "en" if lang == "uk" else "uk"
    page.locator("p.lang a").click()
    page.wait_for_url(f"**lang={other}*")
    assert page.locator("html").get_attribute("lang") == other
    assert page.locator("#p-year").input_value() == "2024"
    assert page.locator("table.results-table tbody tr").count() == shown
    check_page(page, width)


def test_skip_link_menu_network_and_void(
    page: Any, server: LiveServer, width: str, lang: str
) -> None:
    """The first Tab stop skips the menu to the content; the menu reaches /network; its VoID
    link opens as a page to read, not a download."""
    page.goto(server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    page.locator("header nav a[href='/network']").click()
    page.wait_for_url("**/network")
    assert page.locator("table tbody tr").count() > 20
    check_page(page, width)
    page.goto(server.url + "/")
    page.locator("header nav a[href='/.well-known/void']").click()
    page.wait_for_url("**/.well-known/void")
    assert "void:Dataset" in page.locator("body").inner_text()


def test_agreements_sort_by_column_and_filter_by_text(
    page: Any, server: LiveServer, width: str, lang: str
) -> None:
    page.goto(server.url + "/agreements")
    rows = page.locator("tbody tr[data-agreement]")
    total = rows.count()
    dates = "els => els.map(e => e.querySelector('time').getAttribute('datetime'))"
    if width == "desktop":  # on a phone the table is cards and its headings are hidden
        page.locator("thead th:nth-child(3) button.sort").click()
        page.locator("thead th:nth-child(3) button.sort").click()
        assert page.locator("thead th:nth-child(3)").get_attribute("aria-sort") == "descending"
        shown = rows.evaluate_all(dates)
        assert shown == sorted(shown, reverse=True) and len(shown) == total
    partner = page.locator("tbody tr[data-agreement] td:nth-child(2) a").first.inner_text()
    page.fill("#table-filter", partner)
    visible = page.locator("tbody tr[data-agreement]:visible")
    assert 0 < visible.count() < total
    assert all(partner in t for t in visible.all_inner_texts())
    assert page.locator("#filter-count").inner_text().strip()
    check_page(page, width)
    page.fill("#table-filter", "")
    assert page.locator("tbody tr[data-agreement]:visible").count() == total
