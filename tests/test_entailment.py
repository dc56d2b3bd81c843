"""RDFS entailment at the endpoint (server/uasa/ingest/rules/05-rdfs-entailment.ru).

The rule materialises the subclass and subproperty closure, and the domains and ranges of the
ontology's own properties, into the derived graph. It is checked here against owlrl's RDFS
closure of the same input, and over the real build through the SPARQL endpoint.
"""

from __future__ import annotations

from importlib import resources

import owlrl
import pytest
from flask.testing import FlaskClient
from pyoxigraph import NamedNode, RdfFormat, Store, serialize
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from tests.helpers import ROOT, sparql_rows
from uasa.core.iris import BASE, GRAPH, Graphs
from uasa.ingest.pipeline import project_inputs

RULE = "05-rdfs-entailment.ru"
UASA = "https://w3id.org/uasa/def#"
ONTOLOGY = URIRef("https://w3id.org/uasa/def")
DERIVATION = URIRef("https://w3id.org/uasa/id/derivation/rdfs-entailment")
ID = "https://w3id.org/uasa/id/"


def rule_text() -> str:
    return (resources.files("uasa.ingest") / "rules" / RULE).read_text("utf-8")


def graph_of(db: Store, graph: str) -> Graph:
    quads = db.quads_for_pattern(None, None, None, NamedNode(graph))
    triples = [q.triple for q in quads]
    out = Graph()
    out.parse(data=serialize(triples, format=RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return out


@pytest.fixture(scope="module")
def entailed() -> tuple[Store, Graph]:
    """The project's files in their graphs, with only the entailment rule run."""
    db = Store()
    for item in project_inputs(ROOT / "ontology", [ROOT / "data"]):
        db.load(path=str(item.path), format=item.fmt, to_graph=NamedNode(item.graph), base_iri=BASE)
    db.update(rule_text(), base_iri=BASE)
    return db, graph_of(db, Graphs.DERIVED)


def owlrl_expectation(db: Store) -> set[tuple[object, object, object]]:
    """owlrl's RDFS closure of the curated graph and the ontology, cut to the rule's policy.
    The ontology is every graph that holds its axioms: uasa.ttl's and the alignments module's,
    which uasa.ttl imports (the ELI and LKIF links are there)."""
    curated = graph_of(db, Graphs.CURATED)
    ontology = graph_of(db, Graphs.ONTOLOGY) + graph_of(db, Graphs.ALIGNMENTS)
    existing = set(curated) | set(ontology) | set(graph_of(db, Graphs.CONCEPTS))
    # The policy as a TBox: every subclass and subproperty axiom; domains and ranges only of
    # the ontology's own properties.
    tbox = [t for t in ontology if t[1] in (RDFS.subClassOf, RDFS.subPropertyOf)]
    own = set(ontology.subjects(RDFS.isDefinedBy, ONTOLOGY))
    tbox += [t for t in ontology if t[1] in (RDFS.domain, RDFS.range) and t[0] in own]
    closure = Graph()
    for triple in [*curated, *tbox]:
        closure.add(triple)
    owlrl.DeductiveClosure(
        owlrl.RDFS_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    # The display names of reused terms (data/reused-terms-labels.ttl) make those terms
    # subjects of the curated graph; the rule reasons about the data, not about them.
    names = Graph().parse(ROOT / "data" / "reused-terms-labels.ttl")
    subjects = set(curated.subjects()) - set(names.subjects())
    # owlrl stands in for literals by their Python value while it reasons, so an existing 1 can
    # come back as true and "NATO" as "NATO"@en: such a triple restates an existing one.
    existing_values = {(s, p, value(o)) for s, p, o in existing if isinstance(o, Literal)}
    return {
        (s, p, o)
        for s, p, o in closure
        if (s, p, o) not in existing
        and s in subjects
        and not (p == RDF.type and (o == RDFS.Resource or not isinstance(o, URIRef)))
        and not (isinstance(o, Literal) and (s, p, value(o)) in existing_values)
    }


def value(literal: Literal) -> object:
    return literal.value if literal.value is not None else str(literal)


def test_the_rule_derives_what_owlrl_derives(entailed: tuple[Store, Graph]) -> None:
    db, derived = entailed
    expected = owlrl_expectation(db)
    actual = {t for t in derived if t[0] != DERIVATION}
    assert expected, "owlrl entailed nothing: the comparison would prove nothing"

    def iris(triples: set[tuple[object, object, object]]) -> set[str]:
        return {
            " ".join(t.n3() for t in triple) for triple in triples if isinstance(triple[0], URIRef)
        }  # type: ignore[attr-defined]

    missing = sorted(iris(expected) - iris(actual))
    extra = sorted(iris(actual) - iris(expected))
    assert not missing and not extra, (
        f"missing (owlrl has them): {missing[:20]}\nextra (owlrl does not): {extra[:20]}"
    )
    # Blank nodes (money amounts) cannot be matched across stores; their number must agree.
    assert sum(isinstance(t[0], BNode) for t in expected) == sum(
        isinstance(t[0], BNode) for t in actual
    )


def test_the_alignments_are_inferred(entailed: tuple[Store, Graph]) -> None:
    """The ELI and LKIF-Core links of alignments.ttl reach the data, as docs/http.md says."""
    db, derived = entailed
    curated = graph_of(db, Graphs.CURATED)
    eli, norm = (
        "http://data.europa.eu/eli/ontology#",
        "http://www.estrellaproject.org/lkif-core/norm.owl#",
    )
    signed = set(curated.subjects(URIRef(UASA + "signingDate"), None))
    dated = set(derived.subjects(URIRef(eli + "date_document"), None))
    assert signed and dated == signed
    agreements = set(derived.subjects(RDF.type, URIRef(UASA + "Agreement"))) | set(
        curated.subjects(RDF.type, URIRef(UASA + "Agreement"))
    )
    international = set(derived.subjects(RDF.type, URIRef(norm + "International_Agreement")))
    assert agreements and international >= agreements
    declarations = set(curated.subjects(RDF.type, URIRef(UASA + "Declaration")))
    soft = set(derived.subjects(RDF.type, URIRef(norm + "Soft_Law")))
    assert declarations and soft >= declarations
    # A participation is a prov:Association with its agent and its activity.
    participations = set(curated.subjects(RDF.type, URIRef(UASA + "Participation")))
    prov = "http://www.w3.org/ns/prov#"
    assert participations
    for node in participations:
        assert (node, RDF.type, URIRef(prov + "Association")) in derived
        assert set(derived.objects(node, URIRef(prov + "agent"))) == set(
            curated.objects(node, URIRef(UASA + "participatingPerson"))
        )
        assert set(derived.objects(node, URIRef(prov + "hadActivity"))) == set(
            curated.objects(node, URIRef(UASA + "participationIn"))
        )
    # The scratch graph the rule reasons over is gone.
    assert NamedNode(GRAPH + "rdfs-axioms") not in set(db.named_graphs())


def test_the_rule_states_nothing_outside_its_policy(entailed: tuple[Store, Graph]) -> None:
    _, derived = entailed
    for s, p, o in derived:
        assert not str(s).startswith(UASA) and s != ONTOLOGY, f"about an ontology term: {s}"
        assert not isinstance(o, Literal) or p != RDF.type, (s, p, o)
        assert (p, o) != (RDF.type, RDFS.Resource), s
        assert p not in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range), (s, p)


def test_the_derivation_is_described(entailed: tuple[Store, Graph]) -> None:
    _, derived = entailed
    assert (DERIVATION, RDF.type, URIRef(UASA + "Derivation")) in derived
    assert {lbl.language for lbl in derived.objects(DERIVATION, RDFS.label)} == {"en", "uk"}


# --- over the real build, through the endpoint ------------------------------------------------

PREFIXES = """
PREFIX uasa: <https://w3id.org/uasa/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def select(real_client: FlaskClient, query: str) -> list[dict[str, str]]:
    """Run a SELECT (after this module's PREFIX lines); one dict per row."""
    return sparql_rows(real_client, PREFIXES + query)


def ask(real_client: FlaskClient, query: str) -> bool:
    response = real_client.get(
        "/sparql",
        query_string={"query": PREFIXES + query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return bool(response.get_json()["boolean"])


def column(rows: list[dict[str, str]], var: str = "x") -> set[str]:
    return {row[var] for row in rows}


def test_agreement_finds_the_security_agreements_and_the_partnership(
    real_client: FlaskClient,
) -> None:
    found = column(select(real_client, "SELECT DISTINCT ?x { ?x a uasa:Agreement }"))
    security = column(
        select(
            real_client,
            f"SELECT ?x {{ GRAPH <{Graphs.CURATED}> {{ ?x a uasa:SecurityAgreement }} }}",
        )
    )
    # The fact base: 29 signed security agreements (27 states and the EU on the ministry's
    # list, plus Croatia) and the UK's 100-Year Partnership, a related document.
    assert len(security) == 29
    assert found == security | {ID + "agreement/gbr-2025-01-16"}


def test_fund_finds_the_trust_funds(real_client: FlaskClient) -> None:
    found = column(select(real_client, "SELECT DISTINCT ?x { ?x a uasa:Fund }"))
    trust = column(
        select(real_client, f"SELECT ?x {{ GRAPH <{Graphs.CURATED}> {{ ?x a uasa:TrustFund }} }}")
    )
    assert {ID + "framework/cap-trust-fund", ID + "framework/nsatu-trust-fund"} <= trust
    assert found == trust | {ID + "framework/epf"}


def test_inferred_triples_live_only_in_the_derived_graph(real_client: FlaskClient) -> None:
    # The curated graph still asserts one type per agreement …
    assert not ask(
        real_client,
        f"ASK {{ GRAPH <{Graphs.CURATED}> {{ ?x a uasa:SecurityAgreement , uasa:Agreement }} }}",
    )
    # … the supertype is in the derived graph …
    assert ask(
        real_client,
        f"ASK {{ GRAPH <{Graphs.DERIVED}> {{ ?x a uasa:Agreement }} "
        f"GRAPH <{Graphs.CURATED}> {{ ?x a uasa:SecurityAgreement }} }}",
    )
    # … and nothing in the derived graph repeats a triple of another graph.
    assert not ask(
        real_client,
        f"ASK {{ GRAPH <{Graphs.DERIVED}> {{ ?s ?p ?o }} "
        f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{Graphs.DERIVED}>) }}",
    )


def test_schema_domain_and_range_includes_entail_nothing(real_client: FlaskClient) -> None:
    # uasa:refersTo has schema:rangeIncludes uasa:Framework, org:Organization and uasa:Summit:
    # a party it points to must not become a Framework or a Summit.
    assert not ask(
        real_client,
        f"ASK {{ GRAPH <{Graphs.DERIVED}> {{ ?x a ?c }} VALUES ?c {{ uasa:Framework uasa:Summit }} "
        f"GRAPH <{Graphs.CURATED}> {{ ?x a uasa:State }} }}",
    )
