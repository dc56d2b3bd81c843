"""docs/saved-queries.md explains how to list the saved queries and how to write one; the list
itself is never written down (each `.rq` header is its query's documentation, and `/queries`,
`/openapi.json` and `uasa queries` list them live), so a new query is its `.rq` file and its
golden answer. These tests keep the headers and the explanation complete."""

from __future__ import annotations

from tests.helpers import ROOT
from uasa.query import catalogue
from uasa.query.params import TYPES

DOC = ROOT / "docs" / "saved-queries.md"


def test_every_saved_query_has_a_question_in_both_languages() -> None:
    cat = catalogue.load(ROOT / "queries")
    assert len(cat) > 0
    for q in cat:
        for lang in ("en", "uk"):
            assert q.summary.get(lang, "").strip(), f"{q.name}: no summary in {lang}"
        assert q.description.strip(), f"{q.name}: no description"
        for p in q.params:
            assert p.description.strip(), f"{q.name}: parameter {p.name} has no description"


def test_the_doc_explains_every_header_field_and_parameter_type() -> None:
    text = DOC.read_text("utf-8")
    for name in catalogue.HEADER_FIELDS:
        assert f"{name}:" in text or f"`{name}" in text, f"the header field {name} is not explained"
    for name in TYPES:
        assert f"`{name}`" in text, f"the parameter type {name} is not explained"


def test_the_doc_says_where_the_catalogue_is_listed_and_keeps_no_list() -> None:
    text = DOC.read_text("utf-8")
    for where in ("/queries", "/queries.json", "/openapi.json", "uasa queries"):
        assert where in text, f"docs/saved-queries.md does not say {where} lists the queries"
    named = [q.name for q in catalogue.load(ROOT / "queries") if f"`{q.name}`" in text]
    assert len(named) <= 1, f"docs/saved-queries.md lists queries by name again: {named}"
