"""Seed coverage: every row of the seed table in data/README.md is in the built graph.

Each row names a seed (000..004), a statement, and either an IRI or "left out: <reason>". A row with
an IRI passes only if that IRI, in the served dataset, cites the seed's source node with
prov:wasDerivedFrom; a left-out row needs a reason.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import ROOT, sparql_rows

README = ROOT / "data" / "README.md"
ID = "https://w3id.org/uasa/id/"
SEED_SOURCES = {
    "000": ID + "source/seed-000-mod",
    "001": ID + "source/seed-001-babel-romania",
    "002": ID + "source/seed-002-nato-relations-with-ukraine",
    "003": ID + "source/seed-003-euromaidanpress-denmark-talks",
    "004": ID + "source/seed-004-regjeringen-norway-ukraine",
}
ROW = re.compile(r"^\| (\d{3}) \| (.+?) \| (.+?) \|$")
CURIE = re.compile(r"^`([a-z]+):([A-Za-z0-9.\-]+)`$")


def seed_rows() -> list[tuple[str, str, str]]:
    text = README.read_text(encoding="utf-8")
    _, _, after = text.partition("## Seed table")
    section = after.split("\n## ", 1)[0]
    return [m.groups() for line in section.splitlines() if (m := ROW.match(line.strip()))]


ROWS = seed_rows()


def test_the_seed_table_covers_every_seed() -> None:
    assert {seed for seed, _, _ in ROWS} == set(SEED_SOURCES), "a seed has no row in the seed table"
    assert len(ROWS) >= 100, f"only {len(ROWS)} rows: the table looks truncated"


@pytest.fixture(scope="module")
def cited(real_app: Flask) -> set[tuple[str, str]]:
    """(node, seed source) for every node that cites a seed source, in any graph."""
    client: FlaskClient = real_app.test_client()
    values = " ".join(f"<{iri}>" for iri in SEED_SOURCES.values())
    query = (
        "SELECT DISTINCT ?node ?src WHERE { VALUES ?src { " + values + " } "
        "GRAPH ?g { ?node <http://www.w3.org/ns/prov#wasDerivedFrom> ?src } }"
    )
    return {(r["node"], r["src"]) for r in sparql_rows(client, query)}


@pytest.mark.parametrize(
    ("seed", "statement", "where"), ROWS, ids=[f"{s}-{i}" for i, (s, _, _) in enumerate(ROWS)]
)
def test_seed_row_is_in_the_graph_or_left_out_with_a_reason(
    cited: set[tuple[str, str]], seed: str, statement: str, where: str
) -> None:
    if where.startswith("left out"):
        reason = where.removeprefix("left out").lstrip(":").strip()
        assert len(reason) >= 10, f"seed {seed} row {statement!r} is left out without a reason"
        return
    match = CURIE.match(where)
    assert match, f"seed {seed} row {statement!r}: {where!r} is neither an IRI nor 'left out: …'"
    iri = f"{ID}{match.group(1)}/{match.group(2)}"
    assert (iri, SEED_SOURCES[seed]) in cited, (
        f"seed {seed} row {statement!r}: {iri} is not in the built graph with "
        f"prov:wasDerivedFrom {SEED_SOURCES[seed]}"
    )
