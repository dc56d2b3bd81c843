"""The shape of the code a newcomer reads: no function in the package over 60 lines unless its
docstring gives the reason, in a paragraph starting "Long:"."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

MAX_LINES = 60


def long_functions(folder: Path) -> list[str]:
    """Every function over MAX_LINES lines (decorators not counted) with no "Long:" reason."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > MAX_LINES and "Long:" not in (ast.get_docstring(node) or ""):
                found.append(f"{path.relative_to(folder)}:{node.lineno} {node.name} ({lines})")
    return found


def test_no_function_over_sixty_lines_without_a_reason() -> None:
    assert long_functions(ROOT / "server" / "uasa") == []


def test_the_check_finds_a_long_function_and_accepts_a_reason(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    (tmp_path / "a.py").write_text(f"def long():\n{body}\n\n\ndef short():\n    return 1\n")
    (tmp_path / "b.py").write_text(f'def long():\n    """Long: a table."""\n{body}\n')
    assert long_functions(tmp_path) == [f"a.py:1 long ({MAX_LINES + 1})"]
