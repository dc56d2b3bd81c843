"""Resource pages and /network in a real browser, at 1366 px and 390 px, in English and Ukrainian.

Each value on a resource page carries a numbered marker linking to its reference; the reference
links to the source's page and URL. No slug is shown to a person; axe-core finds no violation;
no page is wider than the phone. Screenshots go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.support import SCREENSHOTS, check_page, shoot
from tests.helpers import LiveServer

pytestmark = pytest.mark.browser

UK_AGREEMENT = "/page/id/agreement/gbr-2024-01-12"
PAGES = {
    "agreement": UK_AGREEMENT,
    "party": "/page/id/party/gbr",
    "person": "/page/id/person/rishi-sunak",
    "milestone": "/page/id/milestone/svn-2024-06-signing-failed",
    "source": "/page/id/source/pravda-com-ua-2024-01-12-7436957",
}
# Slugs as the data mints them: iso3-date-…, people's and sources' hyphenated names.
SLUG = re.compile(
    r"\b[a-z]{2,4}-\d{4}(-\d{2}){0,2}-[a-z0-9]+(-[a-z0-9]+)*\b|\b[a-z]+-[a-z]+-[a-z0-9-]+\b"
)
KNOWN_SLUGS = (
    "svn-2024-06-signing-failed",
    "gbr-2024-01-12-rishi-sunak",
    "gbr-2024-01-12",
    "rishi-sunak",
    "pravda-com-ua-2024-01-12-7436957",
    "volodymyr-zelenskyy",
)
PRAVDA = "https://www.pravda.com.ua/eng/news/2024/01/12/7436957/"


def shoot_view(page: Any, name: str) -> None:
    """What the reader sees first (the viewport), for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-view.png"))


def url(server: LiveServer, path: str, lang: str) -> str:
    return f"{server.url}{path}?lang={lang}"


def test_the_signing_dates_source_is_one_click_away(
    page: Any, server: LiveServer, width: str, lang: str
) -> None:
    page.goto(url(server, UK_AGREEMENT, lang))
    markers = page.locator("#signing-date sup.refs a")
    assert markers.count() >= 1, "the signing date has no reference marker"
    targets = [markers.nth(i).get_attribute("href") for i in range(markers.count())]
    # Among the date's references is the one the fact base gives for the date (Ukrainska Pravda).
    pravda = [t for t in targets if page.locator(f"{t} a.ref-url[href='{PRAVDA}']").count() == 1]
    assert pravda, f"no marker of the signing date leads to {PRAVDA}: {targets}"
    page.locator(f"#signing-date sup.refs a[href='{pravda[0]}']").click()
    assert page.evaluate("location.hash") == pravda[0]
    reference = page.locator(f"li{pravda[0]}")
    assert reference.is_visible()
    assert reference.evaluate("el => el.matches(':target')")
    source_page = reference.locator("a.ref-title").get_attribute("href")
    assert source_page.endswith("/page/id/source/pravda-com-ua-2024-01-12-7436957")
    assert "Ukrainska Pravda" in reference.inner_text()
    shoot(page, f"resource-reference-{width}-{lang}")
    shoot_view(page, f"resource-reference-{width}-{lang}")


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_resource_pages_show_labels_not_slugs(
    page: Any, server: LiveServer, width: str, lang: str, kind: str
) -> None:
    page.goto(url(server, PAGES[kind], lang))
    text = page.locator("body").inner_text()
    shown = [s for s in KNOWN_SLUGS if s in text]
    assert not shown, f"slugs visible on the {kind} page: {shown}"
    found = [m.group(0) for m in SLUG.finditer(text)]
    # Hyphenated English words are not slugs: only flag those that are not plain words.
    slugs = [f for f in found if re.search(r"\d", f) or f.count("-") >= 3]
    assert not slugs, f"slug-like text on the {kind} page: {slugs[:10]}"
    assert "https://w3id.org/uasa/id/" not in text, "an IRI is shown as text"
    # Every value is cited or says it has no source (a source's own page cites nothing).
    if kind != "source":
        assert page.locator("sup.refs").count() > 0
    check_page(page, width)
    shoot(page, f"resource-{kind}-{width}-{lang}")
    shoot_view(page, f"resource-{kind}-{width}-{lang}")


def test_no_source_is_said_not_hidden(page: Any, server: LiveServer, lang: str) -> None:
    # People are not sourced facts in the data (their names are): their properties say so.
    page.goto(url(server, "/page/id/person/rishi-sunak", lang))
    assert page.locator("sup.refs").count() >= 1


def test_the_graph_is_folded_on_phones_and_open_on_wide_screens(
    page: Any, server: LiveServer, width: str, lang: str
) -> None:
    page.goto(url(server, UK_AGREEMENT, lang))
    details = page.locator("details.graph-view")
    is_open = details.evaluate("el => el.open")
    assert is_open == (width == "desktop")
    if not is_open:
        details.locator("summary").click()
    page.wait_for_selector("#cy[data-ready=true]")
    labels = page.evaluate("uasaGraph.nodes().map(n => n.data('label'))")
    assert "United Kingdom" in labels or "Велика Британія" in labels
    assert not [x for x in labels if x.startswith("gbr-2024")], "a node is labelled by a slug"
    edges = page.evaluate("uasaGraph.edges().map(e => e.data('label'))")
    assert edges and not [e for e in edges if e.startswith("http")], edges[:5]
    assert page.locator("p.legend .legend-item").count() >= 10


def test_the_network_of_the_series(page: Any, server: LiveServer, width: str, lang: str) -> None:
    page.goto(url(server, "/network", lang))
    page.wait_for_selector("#network[data-ready=true]")
    kinds = page.evaluate("uasaNetwork.nodes().map(n => n.data('kind'))")
    assert kinds.count("agreement") >= 29
    assert "party" in kinds and "framework" in kinds
    # fcose spread the nodes: no two of them sit on the same spot.
    spots = page.evaluate(
        "uasaNetwork.nodes().map(n => "
        "Math.round(n.position('x')) + ',' + Math.round(n.position('y')))"
    )
    assert len(set(spots)) == len(spots)
    assert page.locator("section table tbody tr").count() >= 29
    check_page(page, width)
    shoot(page, f"network-{width}-{lang}")
    shoot_view(page, f"network-{width}-{lang}")
