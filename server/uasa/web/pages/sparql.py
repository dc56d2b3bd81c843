"""The page queries: `.rq` files beside the page models, with the project's prefixes put in
front and every one parse-checked when the app starts (as `queries/` and the build rules are),
so a broken query stops start-up instead of one page."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from uasa.core.iris import sparql_prefixes
from uasa.query.catalogue import parses

FOLDER = Path(__file__).parent


class PageQueryError(ValueError):
    """A page query that is missing or does not parse."""


@cache
def body(name: str) -> str:
    """The text of ``name``.rq (a path below web/pages/, without its suffix) as written."""
    path = FOLDER / f"{name}.rq"
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise PageQueryError(f"{path}: {exc.strerror}") from exc


@cache
def query(name: str) -> str:
    """The text of ``name``.rq, prefixes first."""
    return sparql_prefixes() + body(name)


def check_all() -> int:
    """Parse every page query; raise `PageQueryError` naming each file that fails."""
    problems = []
    files = sorted(FOLDER.rglob("*.rq"))
    for path in files:
        name = path.relative_to(FOLDER).with_suffix("").as_posix()
        error = parses(query(name))
        if error is not None:
            problems.append(f"{path}: {error}")
    if problems:
        raise PageQueryError("page queries do not parse:\n" + "\n".join(problems))
    return len(files)
