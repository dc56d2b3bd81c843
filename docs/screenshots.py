"""Regenerate the README's screenshots in docs/ from a running server, in Debian's chromium.

.venv/bin/uasa serve --port 8731 &   # over a built store
.venv/bin/python docs/screenshots.py http://127.0.0.1:8731
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Page, sync_playwright

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
GROUPED = """PREFIX uasa: <https://w3id.org/uasa/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?partnerName (COUNT(?m) AS ?milestones) WHERE {
  ?m a uasa:NegotiationMilestone ; uasa:negotiatingPartner ?partner .
  ?partner rdfs:label ?partnerName FILTER(LANG(?partnerName) = "en")
} GROUP BY ?partnerName ORDER BY DESC(?milestones)"""


def editor_chart(page: Page) -> None:
    page.wait_for_selector(".yasr tbody tr", timeout=20_000)
    page.locator(".select_chart").click()
    page.wait_for_selector(".result-chart canvas")
    time.sleep(0.5)
    page.locator("#yasgui").evaluate("e => e.scrollIntoView({block: 'start'})")


# name, path, language, (width, height), full page, what to do before the shot
SHOTS = [
    ("agreements-june-2024", "/agreements?month=2024-06", "en", (1366, 900), True, None),
    ("commitments-desktop", "/commitments", "en", (1366, 1000), False, None),
    (
        "editor-chart",
        "/sparql?" + urlencode({"query": GROUPED}),
        "en",
        (1366, 780),
        False,
        editor_chart,
    ),
    ("network-desktop-en", "/network", "en", (1366, 900), False, None),
    (
        "resource-agreement-phone-uk",
        "/page/id/agreement/gbr-2024-01-12",
        "uk",
        (390, 844),
        False,
        None,
    ),
    (
        "search-phone-uk",
        "/search?" + urlencode({"q": "Велика Британія"}),
        "uk",
        (390, 844),
        False,
        None,
    ),
]


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, path, lang, (w, h), full, before in SHOTS:
            context = browser.new_context(
                viewport={"width": w, "height": h}, extra_http_headers={"Accept-Language": lang}
            )
            page = context.new_page()
            page.goto(base + path, wait_until="networkidle")
            if before is not None:
                before(page)
            else:
                time.sleep(1)  # the network's layout settles
            page.screenshot(path=str(DOCS / f"{name}.png"), full_page=full)
            context.close()
            print(f"docs/{name}.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
