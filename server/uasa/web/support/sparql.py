"""The web's own queries: `.rq` files beside the code that runs them (the page models in
``web/pages/``, the plumbing in ``web/support/``, a route in ``web/routes/``), read by name with
the project's prefixes put in front, and every one parse-checked when the app starts (as
`queries/` and the build rules are), so a broken query stops start-up instead of one page. The
loader is plumbing so that every floor of ``web`` may use it; a name is unique across the
folders."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from uasa.core.iris import sparql_prefixes
from uasa.query.catalogue import parses

WEB = Path(__file__).parents[1]
FOLDERS = (WEB / "pages", WEB / "support", WEB / "routes")


class PageQueryError(ValueError):
    """A page query that is missing or does not parse."""


def _path(name: str) -> Path:
    """Where ``name``.rq is (the first of `FOLDERS` that has it; `check_all` keeps names unique)."""
    paths = [folder / f"{name}.rq" for folder in FOLDERS]
    return next((p for p in paths if p.is_file()), paths[0])


@cache
def body(name: str) -> str:
    """The text of ``name``.rq (a path below one of `FOLDERS`, without its suffix) as written."""
    path = _path(name)
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise PageQueryError(f"{path}: {exc.strerror}") from exc


@cache
def query(name: str) -> str:
    """The text of ``name``.rq, prefixes first."""
    return sparql_prefixes() + body(name)


def check_all() -> int:
    """Parse every query of `FOLDERS`; raise `PageQueryError` naming each file that fails, or
    each name two folders share."""
    problems = []
    files = sorted(p for folder in FOLDERS for p in folder.rglob("*.rq"))
    seen: dict[str, Path] = {}
    for path in files:
        folder = next(f for f in FOLDERS if path.is_relative_to(f))
        name = path.relative_to(folder).with_suffix("").as_posix()
        if name in seen:
            problems.append(f"{path}: the name {name!r} is taken by {seen[name]}")
            continue
        seen[name] = path
        error = parses(query(name))
        if error is not None:
            problems.append(f"{path}: {error}")
    if problems:
        raise PageQueryError("page queries do not parse:\n" + "\n".join(problems))
    return len(files)
