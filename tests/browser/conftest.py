"""Fixtures of the browser tests: a live server on the real data, Debian's chromium through
Playwright, and a page at each width and language with axe-core loaded and every request and
CSP refusal recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.support import ARGS, AXE, CHROMIUM, WIDTHS
from tests.helpers import LiveServer


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make test` as root (it installs chromium)")
    if not AXE.is_file():
        pytest.skip("node_modules/axe-core is missing: run `npm ci`")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(real_store: str) -> Iterator[LiveServer]:
    live = LiveServer(real_store, {"UASA_QUERY_TIMEOUT": "10"})
    yield live
    live.stop()


@pytest.fixture(params=["desktop", "phone"])
def width(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["en", "uk"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(browser: Any, server: LiveServer, width: str, lang: str) -> Iterator[Any]:
    w, h = WIDTHS[width]
    context = browser.new_context(
        viewport={"width": w, "height": h},
        locale="uk-UA" if lang == "uk" else "en-GB",
        extra_http_headers={"Accept-Language": "uk" if lang == "uk" else "en"},
    )
    # axe-core goes in as an init script: the pages' own CSP refuses scripts added to the page.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert not refused, f"the Content-Security-Policy refused something: {refused}"
    host = urlsplit(server.url).netloc
    outside = [
        u for u in seen if urlsplit(u).scheme.startswith("http") and urlsplit(u).netloc != host
    ]
    assert not outside, f"requests left the server: {outside}"
