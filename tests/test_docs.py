"""The docs stay true to the repository: the generated tables are what the code makes now, every
path a Markdown file names exists, every link between the pages reaches its heading, and the
README reaches what a newcomer needs.

A path is named in inline code (`` `server/uasa/web/envelope.py` ``), in a relative link, or in
running text when it starts with a top-level folder (``docs/deploy.md``). It is read from the
repository root, from the Markdown file's own folder, or, for the package's short forms
(`` `web/fastpath.py` ``, `` `support/limits.py` ``), from ``server/uasa/`` or
``server/uasa/web/``. What a build or a run makes (``var/``, a build's ``dumps/``) is not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docs import generate
from flask import Flask

from tests.helpers import ROOT

PACKAGE = ROOT / "server" / "uasa"
BASES = (ROOT, PACKAGE, PACKAGE / "web")
MADE_BY_RUNS = ("var/", "dumps/", "node_modules/", ".venv/", "test-output/")
TOP = sorted(p.name for p in ROOT.iterdir() if not p.name.startswith(".") or p.name == ".ci")
EXTENSIONS = "py md ttl rq ru toml json jsonld html js css txt nt nq trig rdf png ini sh xsd yml"
CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"\]\(([^)\s]+)\)")
PROSE = re.compile(
    r"(?<![\w/.:-])((?:" + "|".join(re.escape(t) for t in TOP) + r")/[\w./*-]*[\w/*])"
)
FILE = re.compile(r"\.(" + "|".join(EXTENSIONS.split()) + r")$")
HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
NOT_A_PATH = re.compile(r"\s|^[/~]|://|[<>…${}=]")

MARKDOWN = sorted(
    [
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "data").rglob("*.md"),
        *(ROOT / "ontology").rglob("*.md"),
    ]
)


def named_paths(text: str) -> set[str]:
    """The repository paths a Markdown text names (links keep their anchors)."""
    found = {m.group(1).rstrip(".,;:") for m in PROSE.finditer(text)}
    for m in CODE.finditer(FENCE.sub("", text)):
        token = m.group(1).strip()
        if NOT_A_PATH.search(token):
            continue
        first = token.split("/", 1)[0]
        if "/" in token and (FILE.search(token) or token.endswith("/") or first in TOP):
            found.add(token)
    for m in LINK.finditer(text):
        target = m.group(1)
        if "://" not in target and not target.startswith(("#", "/", "mailto:")):
            found.add("link:" + target)
    return found


def exists(name: str, md: Path) -> bool:
    if name.startswith("link:"):
        return (md.parent / name.removeprefix("link:").split("#", 1)[0]).exists()
    if name.startswith(MADE_BY_RUNS):
        return True
    for base in (*BASES, md.parent):
        if any(base.glob(name)) if "*" in name else (base / name).exists():
            return True
    return False


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(md: Path) -> set[str]:
    return {slug(h) for h in HEADING.findall(FENCE.sub("", md.read_text("utf-8")))}


def block(text: str, name: str) -> str:
    start, end = f"<!-- {name}:start -->\n", f"\n<!-- {name}:end -->"
    assert start in text and end in text, f"the {name} markers are missing"
    return text.split(start, 1)[1].split(end, 1)[0]


# -- generated tables ------------------------------------------------------------------------


def test_every_generated_table_is_up_to_date(ld_app: Flask) -> None:
    for path, text in generate.regenerated(ld_app.url_map.iter_rules()).items():
        assert path.read_text("utf-8") == text, (
            f"{path.relative_to(ROOT)} has a table out of step with the code: run `make docs`"
        )


def test_the_routes_table_matches_the_apps_url_map(ld_app: Flask) -> None:
    rows = block(generate.FILES["routes"].read_text("utf-8"), "routes").splitlines()[2:]
    documented = set()
    for row in rows:
        route, methods, view = (cell.strip().strip("`") for cell in row.strip("|").split("|"))
        documented.add((route, frozenset(methods.split()), view))
    served = {
        (r.rule, frozenset((r.methods or set()) - generate.IMPLIED), r.endpoint)
        for r in ld_app.url_map.iter_rules()
    }
    assert documented == served, (
        f"not served: {sorted(documented - served)}; not documented: {sorted(served - documented)}"
    )


def test_regenerating_changes_only_the_text_between_the_markers(ld_app: Flask) -> None:
    for path, text in generate.regenerated(ld_app.url_map.iter_rules()).items():
        for name in (n for n, p in generate.FILES.items() if p == path):
            emptied = text.replace(block(text, name), "")
            assert emptied == path.read_text("utf-8").replace(
                block(path.read_text("utf-8"), name), ""
            )


# -- paths and links ---------------------------------------------------------------------------


@pytest.mark.parametrize("md", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_named_exists(md: Path) -> None:
    missing = sorted(n for n in named_paths(md.read_text("utf-8")) if not exists(n, md))
    assert not missing, f"{md.relative_to(ROOT)} names paths that do not exist: {missing}"


@pytest.mark.parametrize("md", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_reaches_its_heading(md: Path) -> None:
    broken = []
    for name in named_paths(md.read_text("utf-8")):
        target, _, anchor = name.removeprefix("link:").partition("#")
        if not name.startswith("link:") or not anchor or not target.endswith(".md"):
            continue
        if anchor not in anchors(md.parent / target):
            broken.append(f"{target}#{anchor}")
    own = re.findall(r"\]\(#([^)]+)\)", md.read_text("utf-8"))
    broken += [f"#{a}" for a in own if a not in anchors(md)]
    assert not broken, f"{md.relative_to(ROOT)} links to headings that do not exist: {broken}"


def test_the_checker_sees_stale_paths() -> None:
    text = (
        "`server/uasa/build/pipeline.py`, `build/rules_runner.py`, docs/nothing.md, "
        "[x](docs/missing.md), `web/nowhere.py`; but `web/fastpath.py`, `support/limits.py`, "
        "`/data/x.ttl`, `text/turtle`, `var/store`, [y](docs/http.md#routes) and data/README.md"
    )
    md = ROOT / "README.md"
    missing = sorted(n for n in named_paths(text) if not exists(n, md))
    assert missing == [
        "build/rules_runner.py",
        "docs/missing.md",
        "docs/nothing.md",
        "link:docs/missing.md",
        "server/uasa/build/pipeline.py",
        "web/nowhere.py",
    ]


# -- what the README must reach ----------------------------------------------------------------


def test_the_readme_reaches_what_a_newcomer_needs() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for command in ("make serve", "make test"):
        assert f"\n{command} " in readme, f"the README gives `{command}`"
        assert f"\n{command.split()[1]}:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")
    for target in (
        "docs/operations.md#settings",
        "docs/http.md#routes",
        "docs/saved-queries.md",
        "docs/operations.md#running-on-a-big-store",
        "docs/testing.md",
        "docs/architecture.md",
        "docs/deploy.md",
    ):
        assert f"]({target})" in readme, f"the README links to {target}"
    assert len(readme.splitlines()) < 150, "the README stays short; details go into docs/"
