"""Every verified fact of the fact base is either in the graph with its source, or left out openly.

A `verified=yes` row of ``data/research/agreements.csv`` counts as **in the graph** when the graph
has a ``uasa:Source`` for the row's own source (the same URL as an IRI in ``schema:url``; for a seed
text its ``dct:identifier``; for the non-URL evidence behind the Wikidata QIDs a source whose
description names every index hit the row names) and at least one node cites that source with
``prov:wasDerivedFrom``. The node must be about the row's subject where the subject is an agreement:
the agreement itself or a node that belongs to it (signature, provision, commitment, milestone,
claim); and it must be a node that states the row's value (``STATING``): a signatory row counts
only through a signature citing its source, a provision row only through a provision, commitment
or count, a legal-form row only through a claim, so a source cited elsewhere on the agreement
covers nothing. A row counts as **left out** when the "Left out" table of ``data/README.md`` has a
line for its subject and property. Anything else is a gap, listed in the failure message.
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "data" / "research" / "agreements.csv"
README = ROOT / "data" / "README.md"

PREFIXES = """
PREFIX uasa:   <https://w3id.org/uasa/def#>
PREFIX prov:   <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX dct:    <http://purl.org/dc/terms/>
PREFIX rdfs:   <http://www.w3.org/2000/01/rdf-schema#>
"""
# A node belongs to an agreement through one of these (or is the agreement).
BELONGS = (
    "uasa:signatureOf|uasa:provisionOf|uasa:commitmentOf|uasa:milestoneOf|uasa:claimSubject"
    "|uasa:claimSubject/uasa:commitmentOf|^uasa:relatedDocument"
)


@lru_cache(maxsize=1)
def graph() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def verified_rows() -> list[dict[str, str]]:
    with FACTS.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["verified"].strip() == "yes"]


def norm(text: str) -> str:
    dashes = str.maketrans({"\u2013": "-", "\u2014": "-"})
    return re.sub(r"\s+", " ", text.translate(dashes)).strip().lower()


@lru_cache(maxsize=1)
def cited_sources() -> dict[URIRef, set[URIRef]]:
    """Each source cited by at least one node, with the nodes that cite it."""
    cited: dict[URIRef, set[URIRef]] = {}
    for node, source in graph().query(
        PREFIXES + "SELECT ?node ?source WHERE { ?node prov:wasDerivedFrom ?source }"
    ):
        cited.setdefault(source, set()).add(node)
    return cited


def sources_for(source_url: str) -> set[URIRef]:
    g = graph()
    value = source_url.strip()
    if value.startswith("seed:"):
        ident = value.split()[0]
        query = "SELECT ?s WHERE { ?s a uasa:Source ; dct:identifier ?id FILTER(STR(?id) = ?want) }"
        return {r[0] for r in g.query(PREFIXES + query, initBindings={"want": _lit(ident)})}
    if value.startswith("github-code-index"):
        hits = set(re.findall(r"\d{6,}", value))
        found = set()
        for s, desc in g.query(
            PREFIXES + "SELECT ?s ?d WHERE { ?s a uasa:Source ; dct:description ?d }"
        ):
            if hits and hits <= set(re.findall(r"\d{6,}", str(desc))):
                found.add(s)
        return found
    return {
        s
        for s in g.subjects(URIRef("https://schema.org/url"), URIRef(value))
        if (s, None, None) in g
    }


def _lit(text: str):
    from rdflib import Literal

    return Literal(text)


@cache
def agreement_of(subject: str) -> set[URIRef] | None:
    """The agreement nodes a fact-base subject names, or None when it names no agreement."""
    if not subject.startswith("agreement:Ukraine-"):
        return None
    partner = subject[len("agreement:Ukraine-") :].strip()
    query = """SELECT ?a WHERE {
      ?a uasa:partner ?p . ?p rdfs:label ?l FILTER(lang(?l) = "en" && STR(?l) = ?name) }"""
    return {r[0] for r in graph().query(PREFIXES + query, initBindings={"name": _lit(partner)})}


# The kinds of node that state the value of an agreement row, per fact-base property. A property
# not listed may be stated by any node about the agreement.
CORE = ("uasa:SecurityAgreement", "uasa:Agreement")
STATING: dict[str, tuple[str, ...]] = {
    "title": CORE,
    "place_signed": (*CORE, "uasa:Signature"),
    "date_signed": (*CORE, "uasa:Signature"),
    "official_url": CORE,
    "related_document": CORE,
    "signatory_partner": ("uasa:Signature",),
    "signatory_ukraine": ("uasa:Signature",),
    "duration_years": ("uasa:DurationClause",),
    "termination_clause": ("uasa:DurationClause", "uasa:Provision"),
    "legal_form": ("uasa:Claim",),
    "provision": ("uasa:Provision", "uasa:Commitment", "uasa:MaterielQuantity"),
    "commitment": ("uasa:Commitment", "uasa:DeliveredAid", "uasa:MaterielQuantity"),
    "commitment_structured": ("uasa:Commitment", "uasa:DeliveredAid"),
    "negotiation_milestone": ("uasa:NegotiationMilestone", "uasa:Participation"),
    "ordinal_reported": ("uasa:Claim",),
    "signing_sequence": ("uasa:Claim",),
    "mod_list_position_of_27_countries": ("uasa:Claim",),
    "in_mod_list_nov2025": ("uasa:Claim",),
}


def states(node: URIRef, prop: str) -> bool:
    kinds = STATING.get(prop.strip())
    if kinds is None:
        return True
    query = f"ASK {{ VALUES ?kind {{ {' '.join(kinds)} }} ?node a ?kind }}"
    return bool(graph().query(PREFIXES + query, initBindings={"node": node}).askAnswer)


def about(node: URIRef, agreements: set[URIRef]) -> bool:
    if node in agreements:
        return True
    query = f"ASK {{ ?node ({BELONGS})+ ?agreement }}"
    return any(
        graph().query(PREFIXES + query, initBindings={"node": node, "agreement": a}).askAnswer
        for a in agreements
    )


def in_graph(row: dict[str, str]) -> bool:
    cited = cited_sources()
    citing = set()
    for source in sources_for(row["source_url"]):
        citing |= cited.get(source, set())
    if not citing:
        return False
    agreements = agreement_of(row["subject"])
    if agreements is None:
        return True
    if not agreements:
        # A negotiation that produced no agreement (Bulgaria): its milestones cite the source.
        return True
    prop = row.get("property", "")
    return any(about(node, agreements) and states(node, prop) for node in citing)


# --- The "Left out" table ---------------------------------------------------------------------
def left_out_lines() -> list[tuple[set[str], set[str]]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Left out", 1)[1].split("\n## ", 1)[0]
    lines = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or cells[0] in ("subject", "---") or set(cells[0]) <= {"-"}:
            continue
        lines.append((subjects_in(cells[0]), properties_in(cells[1])))
    return lines


def subjects_in(cell: str) -> set[str]:
    """'Ukraine-Germany, -Italy' (en dashes) -> {'ukraine-germany', 'ukraine-italy'}."""
    cell = re.sub(r"\([^)]*\)", "", cell)
    names = set()
    for part in cell.split(","):
        part = norm(part)
        if not part:
            continue
        if part.startswith("-"):
            part = "ukraine" + part
        names.add(part)
    return names


def properties_in(cell: str) -> set[str]:
    cell = re.sub(r"\([^)]*\)", "", cell)
    return {norm(p).split(" ")[0] for p in cell.split(",") if norm(p)}


def subject_keys(subject: str) -> set[str]:
    kind, _, name = subject.partition(":")
    keys = {norm(name)}
    if kind == "agreement":
        keys.add("every agreement")
    if kind == "corpus":
        keys.add("")
    return keys


def left_out(row: dict[str, str]) -> bool:
    keys = subject_keys(row["subject"])
    prop = norm(row["property"])
    for subjects, properties in left_out_lines():
        general = "" in keys and any(s == "" for s in subjects)
        if (keys & subjects or general) and prop in properties:
            return True
    return False


def test_the_left_out_table_is_parsed() -> None:
    lines = left_out_lines()
    assert len(lines) > 30
    assert any("ukraine-japan" in s and "provision" in p for s, p in lines)


def test_every_verified_fact_is_in_the_graph_or_left_out() -> None:
    rows = verified_rows()
    assert len(rows) > 600
    gaps = [
        f"{row['subject']} | {row['property']} | {row['value'][:60]} | {row['source_url'][:80]}"
        for row in rows
        if not in_graph(row) and not left_out(row)
    ]
    assert not gaps, f"{len(gaps)} verified rows neither in the graph nor left out:\n" + "\n".join(
        gaps
    )


@pytest.mark.parametrize(
    "url",
    ["https://example.org/no-such-source", "seed:999_nothing.txt"],
)
def test_an_unknown_source_is_not_covered(url: str) -> None:
    row = {"subject": "agreement:Ukraine-Japan", "property": "title", "source_url": url}
    assert not in_graph(row)
    assert not left_out({**row, "property": "no_such_property"})


def test_a_source_cited_only_for_another_agreement_does_not_cover() -> None:
    # The Japanese duration source (swissinfo) covers Japan, not the United Kingdom.
    url = "https://www.swissinfo.ch/eng/ukraine%2C-japan-sign-10-year-term-security-agreement/80579127"
    assert in_graph({"subject": "agreement:Ukraine-Japan", "source_url": url})
    assert not in_graph({"subject": "agreement:Ukraine-United Kingdom", "source_url": url})


def test_a_source_counts_only_through_the_node_that_states_the_value() -> None:
    # Norway's title source (European Pravda) is cited by the agreement and an ordinal claim,
    # never by a signature or a commitment: it covers the title, not a signatory or an amount.
    url = "https://www.pravda.com.ua/eng/news/2024/05/31/7458547/"
    norway = {"subject": "agreement:Ukraine-Norway", "source_url": url}
    assert in_graph({**norway, "property": "title"})
    assert in_graph({**norway, "property": "ordinal_reported"})
    assert not in_graph({**norway, "property": "signatory_partner"})
    assert not in_graph({**norway, "property": "commitment"})
    assert not in_graph({**norway, "property": "duration_years"})
