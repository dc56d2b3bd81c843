"""docs/saved-queries.md lists every saved query in `queries/`: name, question, parameters."""

from __future__ import annotations

from tests.helpers import ROOT
from uasa.query import catalogue

START, END = "<!-- queries:start -->\n", "\n<!-- queries:end -->"


def test_readme_lists_the_catalogue() -> None:
    readme = (ROOT / "docs" / "saved-queries.md").read_text("utf-8")
    assert START in readme and END in readme, "docs/saved-queries.md needs the queries markers"
    table = readme.split(START, 1)[1].split(END, 1)[0]
    expected = catalogue.markdown_table(catalogue.load(ROOT / "queries"))
    assert table == expected, (
        "docs/saved-queries.md's saved-query table is out of date; regenerate it with make docs"
    )


def test_the_table_names_every_query_question_and_parameter() -> None:
    cat = catalogue.load(ROOT / "tests" / "fixtures" / "queries")
    table = catalogue.markdown_table(cat)
    for q in cat:
        assert f"| `{q.name}` | {q.summary['en']} |" in table
        for p in q.params:
            assert f"`{p.name}` ({p.type}" in table
