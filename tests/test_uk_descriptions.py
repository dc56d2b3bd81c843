"""Every English description in the curated data has exactly one Ukrainian one.

The Ukrainian versions of `dct:description` and `uasa:purpose` live in
`data/translations/uk.ttl` (or, for new nodes, beside the English in the node's own file). These
tests read the curated graph of the real build and list every subject that lacks an @uk value, has
more than one, or has an @uk value that is just the English copied. The checks themselves are
tested on a small in-memory store, so that they are known to be able to fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store

from uasa.core import store_layout
from uasa.core.iris import Graphs

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "data" / "translations" / "uk.ttl"

PREFIXES = """
PREFIX dct:  <http://purl.org/dc/terms/>
PREFIX uasa: <https://w3id.org/uasa/def#>
"""

MISSING = (
    PREFIXES
    + f"""
SELECT DISTINCT ?s ?p WHERE {{
  GRAPH <{Graphs.CURATED}> {{
    VALUES ?p {{ dct:description uasa:purpose }}
    ?s ?p ?en .
    FILTER(lang(?en) = "en")
    FILTER NOT EXISTS {{ ?s ?p ?uk . FILTER(lang(?uk) = "uk") }}
  }}
}} ORDER BY ?s ?p
"""
)

DUPLICATE = (
    PREFIXES
    + f"""
SELECT ?s ?p (COUNT(DISTINCT ?uk) AS ?n) WHERE {{
  GRAPH <{Graphs.CURATED}> {{
    VALUES ?p {{ dct:description uasa:purpose }}
    ?s ?p ?uk .
    FILTER(lang(?uk) = "uk")
  }}
}} GROUP BY ?s ?p HAVING (COUNT(DISTINCT ?uk) > 1) ORDER BY ?s ?p
"""
)

COPIED = (
    PREFIXES
    + f"""
SELECT DISTINCT ?s ?p WHERE {{
  GRAPH <{Graphs.CURATED}> {{
    VALUES ?p {{ dct:description uasa:purpose }}
    ?s ?p ?en , ?uk .
    FILTER(lang(?en) = "en" && lang(?uk) = "uk" && STR(?en) = STR(?uk))
  }}
}} ORDER BY ?s ?p
"""
)

# A Ukrainian value whose subject has no English one: the English was removed or the subject
# renamed in its own file, and the line in uk.ttl now describes nothing.
ORPHAN = (
    PREFIXES
    + f"""
SELECT DISTINCT ?s ?p WHERE {{
  GRAPH <{Graphs.CURATED}> {{
    VALUES ?p {{ dct:description uasa:purpose }}
    ?s ?p ?uk .
    FILTER(lang(?uk) = "uk")
    FILTER NOT EXISTS {{ ?s ?p ?en . FILTER(lang(?en) = "en") }}
  }}
}} ORDER BY ?s ?p
"""
)


def offenders(store: Store, query: str) -> list[str]:
    """One line per offending (subject, property): 'subject property'."""
    return [
        f"{row['s'].value} {row['p'].value.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}"
        for row in store.query(query)  # type: ignore[union-attr]
    ]


def _report(kind: str, lines: list[str]) -> str:
    return f"{len(lines)} subject(s) {kind}:\n  " + "\n  ".join(lines)


@pytest.fixture(scope="module")
def curated(real_store: str) -> Store:
    return Store.read_only(str(store_layout.locate(real_store).db_path))


def test_every_english_description_has_a_ukrainian_one(curated: Store) -> None:
    missing = offenders(curated, MISSING)
    assert not missing, _report(
        "with an @en dct:description or uasa:purpose but no @uk one "
        "(add a line to data/translations/uk.ttl)",
        missing,
    )


def test_no_subject_has_two_ukrainian_descriptions(curated: Store) -> None:
    duplicates = offenders(curated, DUPLICATE)
    assert not duplicates, _report("with more than one @uk value (keep one)", duplicates)


def test_no_ukrainian_description_is_the_english_copied(curated: Store) -> None:
    copied = offenders(curated, COPIED)
    assert not copied, _report("whose @uk value is the @en text", copied)


def test_no_ukrainian_description_without_english(curated: Store) -> None:
    orphans = offenders(curated, ORPHAN)
    assert not orphans, _report(
        "with an @uk value but no @en one (renamed or removed in its own file?)", orphans
    )


def test_translations_file_is_ukrainian_only() -> None:
    """uk.ttl holds @uk descriptions and purposes and nothing else."""
    store = Store()
    store.load(path=str(TRANSLATIONS), format=RdfFormat.TURTLE)
    allowed = {"http://purl.org/dc/terms/description", "https://w3id.org/uasa/def#purpose"}
    wrong = [
        f"{q.subject} {q.predicate} {q.object}"
        for q in store
        if q.predicate.value not in allowed or getattr(q.object, "language", None) != "uk"
    ]
    assert not wrong, _report("in uk.ttl that are not @uk descriptions", wrong)


# --- The checks can fail ------------------------------------------------------------------------

SAMPLE = """
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix uasa: <https://w3id.org/uasa/def#> .
@prefix ex:   <http://example.org/> .
ex:ok        dct:description "Sanctions."@en , "Санкції."@uk .
ex:missing   dct:description "Demining."@en .
ex:purpose   dct:description "Aid."@en , "Допомога."@uk ; uasa:purpose "military aid"@en .
ex:twice     dct:description "Training."@en , "Підготовка."@uk , "Навчання."@uk .
ex:copied    dct:description "F-16."@en , "F-16."@uk .
ex:orphan    dct:description "Розмінування."@uk .
"""


@pytest.fixture(scope="module")
def sample() -> Store:
    store = Store()
    store.load(SAMPLE.encode(), format=RdfFormat.TURTLE, to_graph=NamedNode(Graphs.CURATED))
    return store


def test_checks_find_what_they_should(sample: Store) -> None:
    ex = "http://example.org/"
    assert offenders(sample, MISSING) == [
        f"{ex}missing description",
        f"{ex}purpose purpose",
    ]
    assert offenders(sample, DUPLICATE) == [f"{ex}twice description"]
    assert offenders(sample, COPIED) == [f"{ex}copied description"]
    assert offenders(sample, ORPHAN) == [f"{ex}orphan description"]
