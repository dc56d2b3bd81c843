"""`/assets/<package>/<file>`: the front-end packages from npm, served by the app itself.

No CDN, so a deployment behind a firewall works. Only the built files listed here are served
(an allow-list, so no path from the URL ever reaches the file system). `make setup` installs
them with `npm ci`; without them the pages still work, server-rendered, and these URLs answer
404 with a message saying what to run.
"""

from __future__ import annotations

from flask import Blueprint, send_file
from flask.typing import ResponseReturnValue

from uasa.web.support.errors import text_error
from uasa.web.support.frontend import FILES, node_modules

blueprint = Blueprint("assets", __name__)


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
