"""The front-end packages from npm (YASGUI, cytoscape.js) that the app serves itself: no CDN."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app

from uasa.core import paths
from uasa.web.support.i18n import lang_href

# URL name → path under node_modules. Source maps are left out: browsers fetch them only
# with developer tools open, and they are several megabytes.
FILES: dict[str, dict[str, str]] = {
    "yasgui": {
        "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
        "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
    },
    "cytoscape": {
        "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    },
    "chartjs": {
        "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    },
    # The force-directed layout of /network (cytoscape-fcose and the two packages it needs),
    # loaded as browser globals in this order: layoutBase, coseBase, cytoscapeFcose.
    "fcose": {
        "layout-base.js": "layout-base/layout-base.js",
        "cose-base.js": "cose-base/cose-base.js",
        "cytoscape-fcose.js": "cytoscape-fcose/cytoscape-fcose.js",
    },
}

DEFAULT_NODE_MODULES = paths.NODE_MODULES


def node_modules() -> Path:
    """Where the packages are; tests point ``UASA_NODE_MODULES`` in the app config elsewhere."""
    return Path(current_app.config.get("UASA_NODE_MODULES") or DEFAULT_NODE_MODULES)


def available(package: str) -> bool:
    """Whether every allowed file of ``package`` is installed (templates load its JS only then)."""
    root = node_modules()
    return all((root / rel).is_file() for rel in FILES.get(package, {}).values())


def register(app: Flask) -> None:
    @app.context_processor
    def helpers() -> dict[str, Any]:
        """For every template: asset availability, so pages load scripts only when installed."""
        return {"asset_available": available, "ui_lang_href": lang_href}
