"""`/assets/<package>/<file>`: the front-end packages from npm, served by the app itself.

No CDN, so a deployment behind a firewall works. Only the built files listed here are served
(an allow-list, so no path from the URL ever reaches the file system). `make setup` installs
them with `npm ci`; without them the pages still work, server-rendered, and these URLs answer
404 with a message saying what to run.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, send_file
from flask.typing import ResponseReturnValue

from uasa.core import paths
from uasa.web.support.errors import text_error

blueprint = Blueprint("assets", __name__)

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
}

# server/uasa/web/assets.py → the repository root, where package.json sits.
DEFAULT_NODE_MODULES = paths.NODE_MODULES


def node_modules() -> Path:
    """Where the packages are; tests point ``UASA_NODE_MODULES`` in the app config elsewhere."""
    return Path(current_app.config.get("UASA_NODE_MODULES") or DEFAULT_NODE_MODULES)


def available(package: str) -> bool:
    """Whether every allowed file of ``package`` is installed (templates load its JS only then)."""
    root = node_modules()
    return all((root / rel).is_file() for rel in FILES.get(package, {}).values())


@blueprint.get("/assets/<package>/<name>")
def asset(package: str, name: str) -> ResponseReturnValue:
    rel = FILES.get(package, {}).get(name)
    if rel is None:
        return text_error(404, f"No such asset: {package}/{name}.")
    path = node_modules() / rel
    if not path.is_file():
        return text_error(
            404,
            f"The front-end package for {package}/{name} is not installed: run `make setup` "
            f"(it runs `npm ci`). The pages work without it, without scripts.",
        )
    # The versions are pinned by package-lock.json; an hour of caching is safe across upgrades.
    return send_file(path, max_age=3600, conditional=True)
