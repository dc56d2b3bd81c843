"""`make docs`: the tables the docs take from the code, rewritten between their markers.

    .venv/bin/python docs/generate.py           # rewrite every table that is out of date
    .venv/bin/python docs/generate.py --check   # only name them (exit status 1 if any)

Each table sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` in one file (``FILES``):
the settings from ``uasa.core.settings.SETTINGS`` and the routes from the app's URL map. Nothing
else in a file changes. (The saved queries have no table here: their ``.rq`` headers are their
documentation, listed live by ``/queries``, ``/openapi.json`` and ``uasa queries``.)
``tests/test_docs.py`` regenerates them in memory and compares.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from werkzeug.routing import Rule

if not __package__:  # run as a script: make `benchmarks` (the marker code) importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.report_blocks import replace_block

from uasa.core import settings

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "settings": ROOT / "docs" / "operations.md",
    "routes": ROOT / "docs" / "http.md",
}
IMPLIED = {"HEAD", "OPTIONS"}  # every GET route answers both (tests/test_methods.py)


def routes_table(rules: Iterable[Rule]) -> str:
    """One row per URL rule: the path, its methods (HEAD and OPTIONS implied) and the view."""
    rows = ["| route | methods | view |", "|---|---|---|"]
    for rule in sorted(rules, key=lambda r: (r.rule, r.endpoint)):
        methods = " ".join(sorted((rule.methods or set()) - IMPLIED))
        rows.append(f"| `{rule.rule}` | {methods} | `{rule.endpoint}` |")
    return "\n".join(rows)


def tables(rules: Iterable[Rule]) -> dict[str, str]:
    """Every generated table by its marker name; ``rules`` is the app's URL map."""
    return {
        "settings": settings.markdown_table(),
        "routes": routes_table(rules),
    }


def regenerated(rules: Iterable[Rule]) -> dict[Path, str]:
    """Each file's text with its tables as the code has them (every file, changed or not)."""
    texts = {path: path.read_text("utf-8") for path in FILES.values()}
    for name, table in tables(rules).items():
        texts[FILES[name]] = replace_block(texts[FILES[name]], name, table)
    return texts


def app_rules() -> list[Rule]:
    """The URL map of the real app, over an ontology-only store built into a temporary folder
    (the rules do not depend on the data; the app needs a store to start)."""
    from uasa.core.settings import Settings
    from uasa.ingest.pipeline import build, project_inputs
    from uasa.web.app import close_app, create_app

    with tempfile.TemporaryDirectory(prefix="uasa-docs-") as work:
        store = str(Path(work) / "store")
        build(project_inputs(ROOT / "ontology", []), store, out=lambda _: None)
        app = create_app(Settings.of(store=store, query_workers=1, log_level="warning"))
        try:
            return list(app.url_map.iter_rules())
        finally:
            close_app(app)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    stale = []
    for path, text in regenerated(app_rules()).items():
        if path.read_text("utf-8") != text:
            stale.append(path)
            if not args.check:
                path.write_bytes(text.encode("utf-8"))
    for path in stale:
        verb = "out of date" if args.check else "rewritten"
        print(f"{path.relative_to(ROOT)}: {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
