"""Curation of the data files (issue #23): source titles, dated seed claims, delivered aid,
per-year amounts with an end. Each test reads the Turtle files (and, where it says so, the built
graph) rather than a list of expected answers."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from tests.test_data_answers import select
from tests.test_money_totals import saved

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
UASA = Namespace("https://w3id.org/uasa/def#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
ID = "https://w3id.org/uasa/id/"
SEEDS = [
    URIRef(f"{ID}source/{slug}")
    for slug in (
        "seed-000-mod",
        "seed-001-babel-romania",
        "seed-002-nato-relations-with-ukraine",
        "seed-003-euromaidanpress-denmark-talks",
        "seed-004-regjeringen-norway-ukraine",
    )
]
# Sources with a dct:title after the #23 title round; the count only ever grows.
TITLED_AT_LEAST = 54


@pytest.fixture(scope="module")
def data() -> Graph:
    graph = Graph()
    for path in sorted(DATA.glob("*.ttl")) + sorted((DATA / "agreements").glob("*.ttl")):
        graph.parse(path)
    return graph


def sources(graph: Graph) -> list[URIRef]:
    return [s for s in graph.subjects(RDF.type, UASA.Source) if isinstance(s, URIRef)]


def test_source_titles_are_tagged_one_per_language(data: Graph) -> None:
    for source in sources(data):
        titles = list(data.objects(source, DCTERMS.title))
        for title in titles:
            assert isinstance(title, Literal) and title.language, (source, title)
            assert str(title).strip() == str(title) and str(title), (source, title)
        languages = Counter(t.language for t in titles if isinstance(t, Literal))
        assert all(n == 1 for n in languages.values()), (source, languages)


def test_titled_sources_only_grow(data: Graph) -> None:
    titled = [s for s in sources(data) if (s, DCTERMS.title, None) in data]
    assert len(titled) >= TITLED_AT_LEAST, f"{len(titled)} of {len(sources(data))} titled"


def test_every_seed_claim_is_dated(data: Graph) -> None:
    """Seed claims carry uasa:asOf (the build's 'claim is not dated' warning)."""
    undated = {
        claim
        for seed in SEEDS
        for claim in data.subjects(PROV.wasDerivedFrom, seed)
        if (claim, RDF.type, UASA.Claim) in data and (claim, UASA.asOf, None) not in data
    }
    assert not undated, sorted(undated)


def test_every_seed_002_claim_is_in_the_seed_table(data: Graph) -> None:
    table = (DATA / "README.md").read_text(encoding="utf-8").partition("## Seed table")[2]
    listed = set(re.findall(r"^\| 002 \| .+? \| `claim:([a-z0-9.-]+)` \|$", table, re.M))
    seed = SEEDS[2]
    claims = {
        str(c).rsplit("/", 1)[-1]
        for c in data.subjects(PROV.wasDerivedFrom, seed)
        if (c, RDF.type, UASA.Claim) in data
    }
    assert claims <= listed, sorted(claims - listed)


def test_per_year_amounts_with_a_start_have_an_end(data: Graph) -> None:
    """An open end would place a per-year amount in its start year only."""
    per_year = URIRef("https://w3id.org/uasa/concept/amount-basis/per-year")
    open_ended = [
        c
        for c in data.subjects(UASA.amountBasis, per_year)
        if (c, UASA.periodStart, None) in data and (c, UASA.periodEnd, None) not in data
    ]
    assert not open_ended, open_ended


def test_delivered_aid_is_dated_and_never_a_commitment(data: Graph) -> None:
    aid = list(data.subjects(RDF.type, UASA.DeliveredAid))
    assert len({data.value(a, UASA.reportedAlongside) for a in aid}) >= 5
    for node in aid:
        assert (node, RDF.type, UASA.Commitment) not in data, node
        assert (node, UASA.commitmentOf, None) not in data, node
        assert data.value(node, UASA.asOf) is not None, node
        assert (node, PROV.wasDerivedFrom, None) in data, node


def test_delivered_aid_is_in_no_commitment_total(data: Graph, real_client: FlaskClient) -> None:
    served = {
        r["aid"] for r in select(real_client, "SELECT ?aid WHERE { ?aid a uasa:DeliveredAid }")
    }
    assert served == {str(a) for a in data.subjects(RDF.type, UASA.DeliveredAid)}
    rows = saved(real_client, "commitments-by-partner-and-period")
    for node in data.subjects(RDF.type, UASA.DeliveredAid):
        amount = data.value(node, UASA.amount)
        if amount is None or data.value(node, UASA.partOfCommitment) is not None:
            continue
        value = Decimal(str(data.value(amount, SCHEMA.value)))
        currency = str(data.value(amount, SCHEMA.currency))
        obligor = str(data.value(node, UASA.obligor))
        partner_rows = [r for r in rows if r["partner"] == obligor and r["currency"] == currency]
        commitments = {
            r["c"]: Decimal(r["value"])
            for r in select(
                real_client,
                f"""SELECT ?c ?value WHERE {{
                  ?c a uasa:Commitment ; uasa:obligor <{obligor}> ;
                     uasa:amount [ schema:value ?value ; schema:currency "{currency}" ] }}""",
            )
        }
        total = sum((Decimal(r["total"]) for r in partner_rows), Decimal(0))
        # Were the aid counted, the partner's rows would add up to more than its commitments.
        assert total <= sum(commitments.values(), Decimal(0)), (node, value, partner_rows)
