"""Ontology, concept schemes and curated data: terms defined, labels bilingual, shapes met."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    XSD,
    DefinedNamespace,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

import uasa  # noqa: E402
from uasa.ingest.validate import validate  # noqa: E402

UASA = "https://w3id.org/uasa/def#"
CONCEPT = "https://w3id.org/uasa/concept/"
ID = "https://w3id.org/uasa/id/"
ONTOLOGY = URIRef("https://w3id.org/uasa/def")
# Reused vocabularies whose term lists rdflib ships (closed namespaces: unknown terms are absent).
CLOSED: tuple[type[DefinedNamespace], ...] = (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    XSD,
)
# Link targets (owl:sameAs): items of open registries, not vocabularies.
OPEN_NAMESPACES = ("http://www.wikidata.org/entity/", "https://sws.geonames.org/")

# Every ontology document: uasa.ttl, alignments.ttl and any module added beside them.
ONTOLOGY_FILES = sorted((ROOT / "ontology").glob("*.ttl"))
MAIN_FILE = ROOT / "ontology" / "uasa.ttl"
VERSION = uasa.__version__  # one place: uasa/__init__.py, read by setuptools too
VANN = "http://purl.org/vocab/vann/"
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
CONCEPT_FILES = sorted((ROOT / "ontology" / "concepts").glob("*.ttl"))
DATA_FILES = sorted((ROOT / "data").rglob("*.ttl"))


def parse(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def tbox() -> Graph:
    return parse(ONTOLOGY_FILES + CONCEPT_FILES)


@pytest.fixture(scope="module")
def data() -> Graph:
    return parse(DATA_FILES)


@pytest.fixture(scope="module")
def everything(tbox: Graph, data: Graph) -> Graph:
    graph = Graph()
    for triple in tbox:
        graph.add(triple)
    for triple in data:
        graph.add(triple)
    return graph


def iris_used(graph: Graph) -> set[URIRef]:
    used: set[URIRef] = set()
    for s, p, o in graph:
        used.update(t for t in (s, p, o) if isinstance(t, URIRef))
        if isinstance(o, Literal) and o.datatype is not None:
            used.add(o.datatype)
    return used


def test_data_files_exist() -> None:
    assert (ROOT / "data" / "agreements" / "gbr-2024-01-12.ttl").exists()
    assert DATA_FILES


def test_every_uasa_and_concept_term_used_in_data_is_defined(tbox: Graph, data: Graph) -> None:
    defined = {s for s in tbox.subjects(RDF.type, None) if isinstance(s, URIRef)}
    undefined = sorted(
        str(t)
        for t in iris_used(data)
        if (str(t).startswith(UASA) or str(t).startswith(CONCEPT)) and t not in defined
    )
    assert not undefined, f"not defined in ontology/ or ontology/concepts/: {undefined}"


def test_every_reused_term_in_data_exists_in_its_vocabulary(data: Graph) -> None:
    unknown = []
    for term in iris_used(data):
        iri = str(term)
        if iri.startswith((UASA, CONCEPT, ID, *OPEN_NAMESPACES)):
            continue
        vocab = next((ns for ns in CLOSED if iri.startswith(str(ns))), None)
        if vocab is None:
            # Anything else must be a web address used as a value (schema:url, foaf:homepage).
            in_value_position = any(
                p in (SDO.url, FOAF.homepage) for p in data.predicates(None, term)
            )
            if not in_value_position:
                unknown.append(iri)
        elif term not in vocab:
            unknown.append(iri)
    assert not unknown, f"terms from unknown vocabularies or misspelt: {sorted(unknown)}"


def test_every_ontology_term_is_documented(tbox: Graph) -> None:
    problems = []
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in tbox.subjects(RDF.type, kind):
            if not str(term).startswith(UASA):
                continue
            langs = {lbl.language for lbl in tbox.objects(term, RDFS.label)}
            if not {"en", "uk"} <= langs:
                problems.append(f"{term}: labels {langs}")
            if not any(d.language == "en" for d in tbox.objects(term, SKOS.definition)):
                problems.append(f"{term}: no English definition")
            if (term, RDFS.isDefinedBy, ONTOLOGY) not in tbox:
                problems.append(f"{term}: no rdfs:isDefinedBy")
    assert not problems, "\n".join(problems)


def uasa_terms(graph: Graph) -> set[URIRef]:
    return {
        term
        for kind in TERM_KINDS
        for term in graph.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and str(term).startswith(UASA)
    }


def test_every_term_has_one_comment_in_english_and_one_in_ukrainian() -> None:
    # Per file, so that whoever adds terms in a new module is told which file lacks what.
    problems = []
    for path in ONTOLOGY_FILES:
        graph = parse([path])
        for term in sorted(uasa_terms(graph)):
            langs = sorted(str(c.language) for c in graph.objects(term, RDFS.comment))
            if langs != ["en", "uk"]:
                problems.append(f"{path.name}: {term}: rdfs:comment languages {langs}")
    assert not problems, (
        "every class and property needs exactly one rdfs:comment @en and one @uk (what it means "
        "and how it is used):\n" + "\n".join(problems)
    )


def test_the_comments_are_not_the_definitions(tbox: Graph) -> None:
    # A comment says how a term is used; copying the definition adds nothing.
    copied = [
        str(term)
        for term in uasa_terms(tbox)
        if set(tbox.objects(term, RDFS.comment)) & set(tbox.objects(term, SKOS.definition))
    ]
    assert not copied, copied


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_one_owl_ontology_per_document(path: Path) -> None:
    headers = list(parse([path]).subjects(RDF.type, OWL.Ontology))
    assert len(headers) == 1, (
        f"{path.name} declares {len(headers)} owl:Ontology; every file in ontology/ is one "
        "ontology document with exactly one header (a module gets its own IRI under "
        "https://w3id.org/uasa/def/ and is imported by uasa.ttl)"
    )


def test_every_module_is_imported_by_the_main_ontology() -> None:
    headers = {p.name: set(parse([p]).subjects(RDF.type, OWL.Ontology)) for p in ONTOLOGY_FILES}
    iris = [iri for found in headers.values() for iri in found]
    assert len(iris) == len(set(iris)), f"two documents declare the same ontology: {headers}"
    assert headers[MAIN_FILE.name] == {ONTOLOGY}
    imported = set(parse([MAIN_FILE]).objects(ONTOLOGY, OWL.imports))
    missing = {
        name: found
        for name, found in headers.items()
        if name != MAIN_FILE.name and found - imported
    }
    assert not missing, f"not in the owl:imports of {ONTOLOGY} (ontology/uasa.ttl): {missing}"
    # Imports run one way: a module does not import the main ontology back.
    cycles = [p.name for p in ONTOLOGY_FILES if (None, OWL.imports, ONTOLOGY) in parse([p])]
    assert not cycles, cycles


def _agent_named(graph: Graph, agent: object) -> bool:
    kinds = set(graph.objects(agent, RDF.type))
    return (
        isinstance(agent, URIRef)
        and bool(kinds & {FOAF.Person, FOAF.Organization})
        and graph.value(agent, FOAF.name) is not None
    )


def test_ontology_header(tbox: Graph) -> None:
    main = parse([MAIN_FILE])
    assert main.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY}/{VERSION}")
    assert str(main.value(ONTOLOGY, OWL.versionInfo)) == VERSION
    assert main.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(main.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix"))) == "uasa"
    assert str(main.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri"))) == UASA
    for prop in (DCTERMS.title, DCTERMS.description, RDFS.comment):
        langs = sorted(str(v.language) for v in main.objects(ONTOLOGY, prop))
        assert langs == ["en", "uk"], (prop, langs)
    # Creators, contributors and the publisher are named agents with IRIs, not blank nodes.
    for prop in (DCTERMS.creator, DCTERMS.contributor, DCTERMS.publisher):
        agents = list(main.objects(ONTOLOGY, prop))
        assert agents, f"no {prop}"
        for agent in agents:
            assert _agent_named(main, agent), f"{prop} {agent}: needs an IRI, a foaf type, a name"
    dates = {}
    for prop in (DCTERMS.created, DCTERMS.issued, DCTERMS.modified):
        value = main.value(ONTOLOGY, prop)
        assert isinstance(value, Literal) and value.datatype == XSD.date, (prop, value)
        dates[prop] = value.toPython()
    assert dates[DCTERMS.issued] <= dates[DCTERMS.modified]
    # The whole tbox (all modules) still names one main ontology with these values.
    assert set(tbox.objects(ONTOLOGY, OWL.versionIRI)) == {URIRef(f"{ONTOLOGY}/{VERSION}")}


@pytest.mark.parametrize(
    "path", [p for p in ONTOLOGY_FILES if p != MAIN_FILE], ids=lambda p: p.name
)
def test_module_header(path: Path) -> None:
    graph = parse([path])
    headers = list(graph.subjects(RDF.type, OWL.Ontology))
    assert len(headers) == 1, f"{path.name}: {len(headers)} owl:Ontology headers"
    module = headers[0]
    assert str(module).startswith(f"{ONTOLOGY}/"), module
    assert str(graph.value(module, OWL.versionInfo)) == VERSION
    assert graph.value(module, DCTERMS.license) is not None
    assert (module, DCTERMS.isPartOf, ONTOLOGY) in graph
    for prop in (DCTERMS.title, DCTERMS.description):
        assert sorted(str(v.language) for v in graph.objects(module, prop)) == ["en", "uk"]
    for prop in (DCTERMS.creator, DCTERMS.publisher):
        assert list(graph.objects(module, prop)), f"{path.name}: no {prop}"


def test_no_equivalent_class_to_wikidata(everything: Graph) -> None:
    bad = [
        (s, o)
        for s, o in everything.subject_objects(OWL.equivalentClass)
        if "wikidata.org" in str(o) or "wikidata.org" in str(s)
    ]
    assert not bad


def test_every_labelled_thing_has_english_and_ukrainian_labels(everything: Graph) -> None:
    problems = []
    for prop in (RDFS.label, SKOS.prefLabel):
        for subject in set(everything.subjects(prop, None)):
            langs = [lbl.language for lbl in everything.objects(subject, prop)]
            if sorted(langs) != ["en", "uk"]:
                problems.append(f"{subject} {prop}: {langs}")
    assert not problems, "\n".join(problems)


def test_concept_schemes(tbox: Graph) -> None:
    categories = list(tbox.subjects(SKOS.inScheme, URIRef(CONCEPT + "provision-category")))
    assert len(categories) >= 15
    for scheme in ("legal-nature", "amount-qualifier", "office-kind", "milestone-kind"):
        assert (URIRef(CONCEPT + scheme), RDF.type, SKOS.ConceptScheme) in tbox
    for qualifier in ("exact", "at-least", "up-to", "approximately"):
        assert (URIRef(f"{CONCEPT}amount-qualifier/{qualifier}"), RDF.type, SKOS.Concept) in tbox


SLUG = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


def test_instance_iris_follow_the_scheme(data: Graph) -> None:
    bad = []
    for subject in set(data.subjects()):
        iri = str(subject)
        if not iri.startswith(ID):
            continue
        kind, _, slug = iri[len(ID) :].partition("/")
        if not re.fullmatch(r"[a-z]+", kind) or not SLUG.match(slug):
            bad.append(iri)
    assert not bad, bad


def test_agreement_slug_is_partner_code_and_signing_date(data: Graph) -> None:
    uasa = URIRef(UASA + "signingDate")
    partner = URIRef(UASA + "partner")
    for agreement, date in data.subject_objects(uasa):
        party = data.value(agreement, partner)
        code = data.value(party, URIRef(UASA + "isoAlpha3"))
        prefix = str(code).lower() if code is not None else str(party).rsplit("/", 1)[-1]
        assert str(agreement) == f"{ID}agreement/{prefix}-{date}", agreement


def test_money_is_decimal_never_float(data: Graph) -> None:
    for value in data.objects(None, SDO.value):
        assert isinstance(value, Literal) and value.datatype == XSD.decimal, value


def test_ontology_and_data_conform_to_shapes(everything: Graph) -> None:
    report = validate(everything)
    assert report.conforms, report.summary()


def _hermit_consistent(graph: Graph, tmp_path: Path) -> bool:
    owlready2 = pytest.importorskip("owlready2")
    if shutil.which("java") is None:
        pytest.skip("HermiT needs Java")
    # The documents are merged already: their owl:imports would send owlready2 to the web.
    merged = Graph()
    ontologies = set(graph.subjects(RDF.type, OWL.Ontology))
    for s, p, o in graph:
        if p == OWL.imports:
            assert o in ontologies, f"{s} imports {o}, which is not among the merged documents"
            continue
        merged.add((s, p, o))
    path = tmp_path / "merged.nt"
    merged.serialize(destination=path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    try:
        with onto:
            # xsd:date and xsd:gYear are outside the OWL 2 datatype map; HermiT treats them as
            # opaque instead of refusing the whole ontology.
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
    except owlready2.OwlReadyInconsistentOntologyError:
        return False
    return True


def test_owl_dl_consistency_with_hermit(everything: Graph, tmp_path: Path) -> None:
    assert _hermit_consistent(everything, tmp_path)


def test_hermit_detects_an_inconsistency(everything: Graph, tmp_path: Path) -> None:
    # Negative control: an agreement that is also a source violates owl:AllDisjointClasses.
    broken = Graph()
    for triple in everything:
        broken.add(triple)
    broken.add((URIRef(ID + "agreement/gbr-2024-01-12"), RDF.type, URIRef(UASA + "Source")))
    assert not _hermit_consistent(broken, tmp_path)
