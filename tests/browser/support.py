"""What the browser tests share besides fixtures: paths, viewport sizes and page checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check_page(page: Any, width: str) -> None:
    """Nothing wider than the viewport at phone width; no axe-core violations anywhere."""
    if width == "phone":
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"{page.url} is {wide} px wide at 390 px"
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert not violations, json.dumps(violations, indent=1, ensure_ascii=False)
