"""The display-label rule (server/uasa/ingest/rules/30-display-labels.ru): every signature,
milestone, claim, provision, commitment, membership, adherence, participation and source gets
one English and one
Ukrainian rdfs:label in the derived graph, composed from its parts, so no page shows a slug."""

# ruff: noqa: RUF001 (Cyrillic letters and dashes are meant here)

from __future__ import annotations

import re
from importlib import resources

import pytest
from pyoxigraph import Store

DERIVED = "https://w3id.org/uasa/graph/derived"
CURATED = "https://w3id.org/uasa/graph/curated"
TYPES = {
    "signature": "uasa:Signature",
    "milestone": "uasa:Milestone uasa:NegotiationMilestone",
    "claim": "uasa:Claim",
    "provision": "uasa:Provision uasa:DurationClause",
    "commitment": "uasa:Commitment",
    "membership": "org:Membership",
    "source": "uasa:Source",
    "adherence": "uasa:Adherence",
    "participation": "uasa:Participation",
}
PREFIXES = """PREFIX uasa: <https://w3id.org/uasa/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
SLUG = re.compile(r"\b[a-z]{2,4}-\d{4}-\d{2}(-\d{2})?-[a-z0-9-]+\b")


@pytest.fixture(scope="module")
def store(real_store: str) -> Store:
    return _open(real_store)


def _open(path: str) -> Store:
    from pathlib import Path

    folder = Path(path)
    for candidate in (folder / "oxigraph", folder):
        if (candidate / "CURRENT").exists():
            return Store.read_only(str(candidate))
    raise AssertionError(f"no store under {path}")


def labels(store: Store, iri: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    query = PREFIXES + f"SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}"
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        out.setdefault(row["l"].language, []).append(row["l"].value)
    return out


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_every_node_of_the_kind_has_one_english_and_one_ukrainian_label(
    store: Store, kind: str
) -> None:
    query = (
        PREFIXES
        + f"""SELECT ?s (GROUP_CONCAT(?lang; SEPARATOR=",") AS ?langs) WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ VALUES ?c {{ {TYPES[kind]} }} GRAPH <{CURATED}> {{ ?s a ?c }} }} }}
  OPTIONAL {{ ?s rdfs:label ?l BIND(LANG(?l) AS ?lang) }}
}} GROUP BY ?s"""
    )
    rows = list(store.query(query, use_default_graph_as_union=True))  # type: ignore[arg-type]
    assert len(rows) > 3, f"too few {kind} nodes to test"
    bad = [
        (r["s"].value, r["langs"].value)
        for r in rows
        if sorted(r["langs"].value.split(",")) != ["en", "uk"]
    ]
    assert not bad, bad[:5]


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_no_label_shows_a_slug_or_an_unfilled_part(store: Store, kind: str) -> None:
    query = (
        PREFIXES
        + f"""SELECT ?s ?l WHERE {{
  VALUES ?c {{ {TYPES[kind]} }}
  GRAPH <{CURATED}> {{ ?s a ?c }}
  GRAPH <{DERIVED}> {{ ?s rdfs:label ?l }}
}}"""
    )
    bad = []
    for row in store.query(query):  # type: ignore[union-attr]
        label = row["l"].value
        slug = row["s"].value.rsplit("/", 1)[-1]
        if slug in label or SLUG.search(label) or "https://w3id.org" in label or "()" in label:
            bad.append((row["s"].value, label))
        if row["l"].language == "uk" and re.search(r"\b(January|May|June|as of|since)\b", label):
            bad.append((row["s"].value, label))
    assert not bad, bad[:5]


@pytest.mark.parametrize(
    ("iri", "en", "uk"),
    [
        (
            "signature/gbr-2024-01-12-rishi-sunak",
            "Signature of Rishi Sunak (United Kingdom), 12 January 2024",
            "Підпис: Ріші Сунак (Велика Британія), 12 січня 2024 р.",
        ),
        (
            "milestone/can-2023-08-talks-launched",
            "Talks launched: Canada, August 2023",
            "Початок переговорів: Канада, серпень 2023 р.",
        ),
        (
            "membership/alb-nato",
            "Membership: Albania — NATO, since 2009",
            "Членство: Албанія — НАТО, з 2009 р.",
        ),
        (
            "commitment/gbr-2024-01-12-military-aid-2024-25",
            "Commitment (United Kingdom): Military assistance, GBP 2.5 billion, 2024/25",
            "Зобов'язання (Велика Британія): Військова допомога, 2,5 млрд GBP, 2024/25",
        ),
        (
            "source/pravda-com-ua-2024-01-12-7436957",
            "Ukrainska Pravda, 12 January 2024",
            "Ukrainska Pravda, 12 січня 2024 р.",
        ),
    ],
)
def test_labels_are_composed_from_the_parts(store: Store, iri: str, en: str, uk: str) -> None:
    found = labels(store, f"https://w3id.org/uasa/id/{iri}")
    assert found == {"en": [en], "uk": [uk]}


def test_a_claim_label_names_property_subject_value_date_and_publisher(store: Store) -> None:
    found = labels(store, "https://w3id.org/uasa/id/claim/gbr-2024-01-12-signing-sequence-seed-001")
    assert found["en"] == [
        "Reported ordinal (UK–Ukraine security agreement (2024)): 1, as of 11 July 2024 — Babel"
    ]
    assert found["uk"][0].startswith("Повідомлений порядковий номер (")
    assert found["uk"][0].endswith("): 1, станом на 11 липня 2024 р. — Babel")


def test_a_provision_label_names_its_category_and_agreement(store: Store) -> None:
    found = labels(store, "https://w3id.org/uasa/id/provision/gbr-2024-01-12-intelligence-sharing")
    assert found["en"] == ["Intelligence sharing — UK–Ukraine security agreement (2024)"]
    assert found["uk"][0].startswith("Обмін розвідданими — ")


RULE = (resources.files("uasa.ingest") / "rules" / "30-display-labels.ru").read_text("utf-8")
SMALL = """
@prefix uasa: <https://w3id.org/uasa/def#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:p rdfs:label "Ann"@en , "Анна"@uk .  ex:s rdfs:label "Bobland"@en , "Бобленд"@uk .
ex:sig1 a uasa:Signature ; uasa:signatory ex:p ; uasa:onBehalfOf ex:s ;
    dct:date "2024-02-29"^^xsd:date .
ex:sig2 a uasa:Signature ; uasa:signatory ex:p ; dct:date "2025-12"^^xsd:gYearMonth .
ex:sig3 a uasa:Signature ; uasa:signatory ex:p ; rdfs:label "Curated"@en , "Куратор"@uk .
"""


def test_the_rule_on_a_small_graph_formats_dates_and_keeps_curated_labels() -> None:
    from pyoxigraph import NamedNode, RdfFormat

    db = Store()
    db.load(SMALL.encode(), RdfFormat.TURTLE, to_graph=NamedNode(CURATED))
    db.update(RULE)
    assert labels(db, "http://example.org/sig1") == {
        "en": ["Signature of Ann (Bobland), 29 February 2024"],
        "uk": ["Підпис: Анна (Бобленд), 29 лютого 2024 р."],
    }
    assert labels(db, "http://example.org/sig2") == {
        "en": ["Signature of Ann, December 2025"],
        "uk": ["Підпис: Анна, грудень 2025 р."],
    }
    assert labels(db, "http://example.org/sig3") == {"en": ["Curated"], "uk": ["Куратор"]}
    graphs = {str(g) for g in db.named_graphs()}
    assert not any("urn:uasa:build" in g for g in graphs), "the scratch graph is dropped"
