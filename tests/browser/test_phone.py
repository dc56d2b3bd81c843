"""Pages at a phone's width (390 px): no word, amount or date broken across lines, wide tables
scrolled in their own box, and the commitments no taller than three screens of the desktop
page. Same fixtures as the other browser tests (tests/browser/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import WIDTHS, check_page
from tests.helpers import LiveServer

pytestmark = pytest.mark.browser

PAGES = [
    "/commitments",
    "/agreements",
    "/agreements/matrix",
    "/page/id/agreement/gbr-2024-01-12",
    "/page/id/party/gbr",
    "/dumps/",
    "/network",
    "/queries/signatories",
    "/queries/commitments-by-currency",
    "/timeline",
]

# Every word of every visible text node: split where a line may break (spaces, dashes,
# slashes); a word whose glyphs lie on more than one line is broken. Web addresses and IRIs
# may wrap at any character: they are longer than a phone's line.
BROKEN_WORDS = r"""() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const splitter = /[^\s\-\u2010-\u2015\/·,;:()]+/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !el.offsetParent || el.closest('pre, code, .iri, [hidden]')) continue;
    for (const m of node.data.matchAll(splitter)) {
      if (m[0].length < 2) continue;
      const r = document.createRange();
      r.setStart(node, m.index);
      r.setEnd(node, m.index + m[0].length);
      const tops = new Set([...r.getClientRects()].filter(x => x.width > 0)
                                                  .map(x => Math.round(x.top)));
      if (tops.size > 1) broken.push(m[0] + ' in <' + el.tagName.toLowerCase() + '>');
    }
  }
  return broken;
}"""


def broken_words(page: Any) -> list[str]:
    words: list[str] = page.evaluate(BROKEN_WORDS)
    return [w for w in words if "://" not in w and not w.startswith("urn:")]


@pytest.mark.parametrize("width", ["phone"], indirect=True)
@pytest.mark.parametrize("path", PAGES)
def test_no_word_or_number_is_broken_at_phone_width(
    page: Any, server: LiveServer, width: str, lang: str, path: str
) -> None:
    page.goto(server.url + path)
    assert page.locator("html").get_attribute("lang") == lang
    broken = broken_words(page)
    assert not broken, f"{path}: {len(broken)} broken words, e.g. {broken[:10]}"
    check_page(page, width)


@pytest.mark.parametrize("width", ["phone"], indirect=True)
def test_commitments_on_a_phone_are_at_most_three_desktop_heights(
    page: Any, browser: Any, server: LiveServer, width: str, lang: str
) -> None:
    page.goto(server.url + "/commitments")
    phone = page.evaluate("document.documentElement.scrollHeight")
    w, h = WIDTHS["desktop"]
    wide = browser.new_context(
        viewport={"width": w, "height": h},
        locale="uk-UA" if lang == "uk" else "en-GB",
        extra_http_headers={"Accept-Language": lang},
    )
    try:
        desktop_page = wide.new_page()
        desktop_page.goto(server.url + "/commitments")
        desktop = desktop_page.evaluate("document.documentElement.scrollHeight")
    finally:
        wide.close()
    print(f"/commitments ({lang}): {phone} px at 390 px, {desktop} px at 1366 px")
    assert phone <= 3 * desktop, (phone, desktop)
