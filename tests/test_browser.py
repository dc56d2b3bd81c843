"""The web interface in a real browser: Playwright driving Debian's chromium over a live server.

Every test records each request its page makes and checks that all of them went to the
server under test (no CDN, no outside service), and saves a screenshot under
``test-output/screenshots/``. Skipped, with the reason, when chromium or the npm packages
are missing (`make setup` installs both).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests

from tests.helpers import ROOT, LiveServer

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# A query that cannot finish within the test server's time limit: a triple cross product.
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing: run `make setup` as root", allow_module_level=True)
if not (ROOT / "node_modules" / "@zazuko" / "yasgui").is_dir():
    pytest.skip("node_modules is missing: run `make setup` (npm ci)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def queries_folder() -> Path:
    """The repository's saved queries, or the test catalogue while the real one is empty."""
    real = ROOT / "queries"
    if any(real.glob("*.rq")):
        return real
    return ROOT / "tests" / "fixtures" / "queries"


@pytest.fixture(scope="module")
def server(real_store: str) -> Iterator[LiveServer]:
    live = LiveServer(
        real_store,
        {"UASA_QUERY_TIMEOUT": "3", "UASA_QUERIES": str(queries_folder())},
    )
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, server: LiveServer, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    server_host = urlsplit(server.url).netloc
    network = [u for u in seen if urlsplit(u).scheme in {"http", "https", "ws", "wss"}]
    assert network, "the page made no request at all"
    outside = [u for u in network if urlsplit(u).netloc != server_host]
    assert not outside, f"requests left the server: {outside}"


def test_search_reaches_a_partner_page(page: object, server: LiveServer) -> None:
    page.goto(server.url + "/")  # type: ignore[attr-defined]
    assert page.locator("[data-count=agreements]").inner_text().strip() != "0"  # type: ignore[attr-defined]
    page.fill("#q", "Norway")  # type: ignore[attr-defined]
    page.press("#q", "Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/search?q=Norway*")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Norway", exact=True).first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**/page/id/party/nor*")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == "Norway"  # type: ignore[attr-defined]


def test_saved_query_from_gallery_runs_in_editor(page: object, server: LiveServer) -> None:
    listing = requests.get(server.url + "/queries.json", timeout=10).json()["queries"]
    # The gallery's first plain SELECT without required parameters (the catalogue decides).
    chosen = next(
        q for q in listing if q["form"] == "select" and not any(p["required"] for p in q["params"])
    )
    expected = requests.get(server.url + f"/queries/{chosen['name']}.json", timeout=10).json()[
        "results"
    ]["bindings"]
    page.goto(server.url + "/")  # type: ignore[attr-defined]
    page.locator(f"li[data-query='{chosen['name']}'] a.open-editor").first.click()  # type: ignore[attr-defined]
    page.wait_for_selector("#yasgui[data-ready=true]")  # type: ignore[attr-defined]
    assert page.evaluate("uasaYasgui.getTab().getQuery()").strip() == chosen_body(chosen)  # type: ignore[attr-defined]
    page.locator(".yasqe_queryButton").click()  # type: ignore[attr-defined]
    page.wait_for_selector(".yasr .dataTable tbody tr, .yasr_response_chip")  # type: ignore[attr-defined]
    page.wait_for_function("uasaYasgui.getTab().getYasr().results !== undefined")  # type: ignore[attr-defined]
    rows = page.evaluate("uasaYasgui.getTab().getYasr().results.getBindings().length")  # type: ignore[attr-defined]
    assert rows == len(expected) > 0
    # The URL now carries the query, so it can be shared.
    assert "query=" in page.url  # type: ignore[attr-defined]


def chosen_body(chosen: dict[str, Any]) -> str:
    """The query text the gallery link carries into the editor."""
    return parse_qs(urlsplit(chosen["links"]["editor"]).query)["query"][0].strip()


def test_time_limit_shows_the_server_message(page: object, server: LiveServer) -> None:
    page.goto(server.url + "/sparql?query=" + quote(SLOW_QUERY))  # type: ignore[attr-defined]
    page.wait_for_selector("#yasgui[data-ready=true]")  # type: ignore[attr-defined]
    # A shared /sparql?query=… link runs on opening: no click (a click would cancel it).
    notice = page.locator(".query-error")  # type: ignore[attr-defined]
    notice.wait_for(state="visible", timeout=20_000)
    # The server's own plain-text 503 message, not a generic failure.
    assert "ran longer than the time limit of 3 s" in notice.inner_text()


def test_agreement_graph_has_its_parties(page: object, server: LiveServer) -> None:
    page.goto(server.url + "/page/id/agreement/gbr-2024-01-12")  # type: ignore[attr-defined]
    page.wait_for_selector("#cy[data-ready=true]")  # type: ignore[attr-defined]
    count = page.evaluate("uasaGraph.nodes().length")  # type: ignore[attr-defined]
    ids = page.evaluate("uasaGraph.nodes().map(n => n.id())")  # type: ignore[attr-defined]
    assert count == len(ids) > 2
    for party in ("gbr", "ukr"):
        assert f"https://w3id.org/uasa/id/party/{party}" in ids
    kinds = page.evaluate("uasaGraph.nodes().map(n => n.data('kind'))")  # type: ignore[attr-defined]
    assert "party" in kinds
    # A click on a party node opens its page.
    page.evaluate("uasaGraph.getElementById('https://w3id.org/uasa/id/party/gbr').emit('tap')")  # type: ignore[attr-defined]
    page.wait_for_url("**/page/id/party/gbr*")  # type: ignore[attr-defined]


def test_switch_to_ukrainian(page: object, server: LiveServer) -> None:
    uk_label = sparql_label(server, "https://w3id.org/uasa/id/party/gbr", "uk")
    page.goto(server.url + "/page/id/party/gbr")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("lang") == "en"  # type: ignore[attr-defined]
    page.locator("p.lang a").click()  # type: ignore[attr-defined]
    page.wait_for_url("**lang=uk*")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("lang") == "uk"  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == uk_label  # type: ignore[attr-defined]
    page.goto(server.url + "/timeline?lang=uk")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == "Хронологія"  # type: ignore[attr-defined]


def sparql_label(server: LiveServer, iri: str, lang: str) -> str:
    query = (
        "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        f'FILTER(LANG(?l) = "{lang}") }}'
    )
    # ?s is fixed through VALUES built from a constant IRI of this test.
    query = f"SELECT ?l WHERE {{ VALUES ?s {{ <{iri}> }} {query[len('SELECT ?l WHERE { ') :]}"
    r = requests.get(
        server.url + "/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    return str(r.json()["results"]["bindings"][0]["l"]["value"])


def test_sparql_stays_a_protocol_endpoint_for_machines(server: LiveServer) -> None:
    """Only a browser navigation gets the editor; a script with a browser's Accept does not."""
    q = {"query": "ASK {}"}
    assert requests.get(server.url + "/sparql", params=q, timeout=10).json()["boolean"] is True
    r = requests.get(server.url + "/sparql", params=q, headers={"Accept": BROWSER_ACCEPT})
    assert r.headers["Content-Type"].startswith("application/sparql-results+xml")
    nav = {"Accept": BROWSER_ACCEPT, "Sec-Fetch-Dest": "document"}
    r = requests.get(server.url + "/sparql", params=q, headers=nav, timeout=10)
    assert r.headers["Content-Type"].startswith("text/html")
    assert "ASK {}" in r.text
