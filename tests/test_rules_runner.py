"""The rule runner (uasa.ingest.rules_runner) gives the same store as running the rule file as
SPARQL Update, for every rule of the build and for the operation shapes it rewrites or not."""

from __future__ import annotations

import pytest
from pyoxigraph import CanonicalizationAlgorithm, Dataset, NamedNode, Store

from tests.helpers import ROOT
from uasa.core.iris import BASE
from uasa.ingest import rules_runner
from uasa.ingest.pipeline import _rules, project_inputs

EX = "http://example.org/"
RULE = """\
PREFIX ex: <http://example.org/>
# a comment with a brace { and an apostrophe's
INSERT { GRAPH <http://example.org/out> { ?s ex:seen "yes" } }
WHERE {
  ?s ex:p ?o . # trailing comment }
  FILTER(?o != "}" && ?o != <http://example.org/x#y>)
}
;
INSERT { GRAPH <http://example.org/scratch> { ?s ex:twice ?o } }
WHERE { GRAPH <http://example.org/out> { ?s ex:seen ?o } }
;
INSERT DATA { GRAPH <http://example.org/out> { ex:a ex:data 1 } }
;
DROP SILENT GRAPH <http://example.org/scratch>
;
DROP SILENT GRAPH <http://example.org/never>
"""


def _store(text: str = "") -> Store:
    db = Store()
    db.update(f'INSERT DATA {{ <{EX}a> <{EX}p> "1" . <{EX}b> <{EX}p> "}}" . {text} }}')
    return db


def _canonical(db: Store) -> set[str]:
    dataset = Dataset(db.quads_for_pattern(None, None, None, None))
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def test_operations_are_recognised() -> None:
    prologue, ops = rules_runner.split(RULE)
    assert prologue.strip() == "PREFIX ex: <http://example.org/>"
    assert [op.kind for op in ops] == ["insert", "insert", "update", "drop", "drop"]
    assert ops[0].graph == EX + "out"
    assert "FILTER" in ops[0].pattern and "ex:seen" in ops[0].template


def test_same_store_as_sparql_update() -> None:
    updated, ran = _store(), _store()
    updated.update(RULE)
    rules_runner.run(ran, RULE, BASE)
    assert _canonical(ran) == _canonical(updated)
    assert NamedNode(EX + "scratch") not in set(ran.named_graphs())
    assert len(list(ran.quads_for_pattern(None, NamedNode(EX + "seen"), None, None))) == 1


def test_a_broken_rule_is_a_syntax_error() -> None:
    with pytest.raises(SyntaxError):
        rules_runner.run(Store(), "INSERT { GRAPH <urn:g> { ?s ?p } } WHERE { ?s ?p ?o }", BASE)
    with pytest.raises(SyntaxError):  # not the expected shape: left to the engine, which refuses
        rules_runner.run(Store(), "INSERT { GRAPH <urn:g> { ?s ?p ?o } WHERE { ?s ?p ?o }", BASE)
    with pytest.raises(ValueError, match="unbalanced"):
        rules_runner.split("INSERT { GRAPH <urn:g> { ?s ?p ?o")


def test_every_build_rule_gives_what_sparql_update_gives() -> None:
    def loaded() -> Store:
        db = Store()
        for item in project_inputs(ROOT / "ontology", [ROOT / "data"]):
            db.load(
                path=str(item.path),
                format=item.fmt,
                to_graph=NamedNode(item.graph) if item.graph else None,
                base_iri=BASE,
            )
        return db

    updated, ran = loaded(), loaded()
    for _, text in _rules():
        updated.update(text, base_iri=BASE)
        rules_runner.run(ran, text, BASE)
    assert _canonical(ran) == _canonical(updated)
    assert len(list(ran)) > len(list(loaded()))  # the rules derived something
