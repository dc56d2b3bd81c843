"""IRIs used in code, as constants so that a typo fails loudly instead of matching nothing."""

from __future__ import annotations

BASE = "https://w3id.org/uasa/"
DEF = BASE + "def#"
ONTOLOGY = BASE + "def"
ID = BASE + "id/"
CONCEPT = BASE + "concept/"
GRAPH = BASE + "graph/"
DATASET = BASE + "dataset"
ALIGNMENTS = BASE + "def/alignments"
SHAPES_DOC = BASE + "shapes"


class Graphs:
    """The named graphs, one per module (docs/architecture.md, "Named graphs")."""

    ONTOLOGY = GRAPH + "ontology"
    ALIGNMENTS = GRAPH + "alignments"
    CONCEPTS = GRAPH + "concepts"
    SHAPES = GRAPH + "shapes"
    CURATED = GRAPH + "curated"
    DERIVED = GRAPH + "derived"
    META = GRAPH + "meta"


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
SH = "http://www.w3.org/ns/shacl#"
DCAT = "http://www.w3.org/ns/dcat#"

# The prefixes every page query (web/pages/*.rq) and generated SPARQL starts with: the
# vocabulary is named once, here.
PREFIXES: dict[str, str] = {
    "uasa": DEF,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "dct": DCT,
    "schema": SCHEMA,
    "foaf": FOAF,
    "prov": PROV,
    "org": ORG,
    "void": VOID,
    "sd": SD,
    "dcat": DCAT,
    "sh": SH,
}


def sparql_prefixes() -> str:
    """The PREFIX block for `PREFIXES`, one line each."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


# Parties that pages treat specially (the NATO and EU membership facets).
NATO = ID + "party/nato"
EU = ID + "party/eu"

# A resource's own label, in the order pages and exports prefer them.
LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel")
# Properties that make their subject a part of their object: a signature, provision,
# commitment, milestone or claim belongs to what it points at, and is shown on its page.
OWNING_PROPERTIES = (
    DEF + "signatureOf",
    DEF + "provisionOf",
    DEF + "commitmentOf",
    DEF + "reportedAlongside",
    DEF + "milestoneOf",
    DEF + "claimSubject",
    DEF + "adherent",
    ORG + "member",
)
