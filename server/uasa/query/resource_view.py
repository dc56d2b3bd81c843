"""What the server says about one resource: the SPARQL behind every RDF view (the HTML pages
add their own queries: `web/pages/*.rq`).

The RDF view of a resource holds its outgoing triples, the incoming triples naming
it, the nodes it owns with their own triples, and the labels of everything these link to. The
data keeps signatures, provisions, commitments, memberships and claims as separate resources
pointing *at* their owner (``uasa:signatureOf`` …), and money amounts as blank nodes, so
ownership is: blank nodes reachable from the resource or its parts (two levels deep, which
covers the data), and parts linked by an owning property. The data mints no IRIs under
another resource's IRI (`…/agreement/x#sig`), so no prefix scan is needed, which would read
the whole store on every request.
"""

from __future__ import annotations

from uasa.core.iris import OWNING_PROPERTIES

# What the view carries about every resource it links to: enough to label and cite it.
SUMMARY = (
    "rdfs:label",
    "skos:prefLabel",
    "dct:title",
    "schema:name",
    "foaf:name",
    "schema:url",
    "foaf:page",
)

PREFIXES = """\
PREFIX uasa: <https://w3id.org/uasa/def#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

_OWN = " ".join(f"<{p}>" for p in OWNING_PROPERTIES)
_SUMMARY_LIST = ", ".join(SUMMARY)

# ?this is bound with `substitutions=`; nothing is ever spliced into the text. No sub-SELECTs
# (Oxigraph refuses a substitution for a variable a sub-SELECT does not project) and no
# BIND(?this …), which Oxigraph evaluates before the substitution applies.
_OWNED = (  # patterns binding ?s to a node the resource owns
    f"?s ?own ?this . VALUES ?own {{ {_OWN} }}",
    "?this ?q1 ?s . FILTER(isBlank(?s))",
    "?this ?q1 ?b . FILTER(isBlank(?b)) ?b ?q2 ?s . FILTER(isBlank(?s))",
    f"?x ?own ?this . VALUES ?own {{ {_OWN} }} ?x ?q1 ?s . FILTER(isBlank(?s))",
)
_LINKED = (  # patterns binding ?s to something the resource or its parts mention
    "?this ?q1 ?s",
    "?s ?q1 ?this",
    "?this ?s ?q1",
    "?q1 ?s ?this",
    f"?x ?own ?this . VALUES ?own {{ {_OWN} }} ?x ?s ?q1",
    f"?x ?own ?this . VALUES ?own {{ {_OWN} }} ?x ?q1 ?s",
    "?this ?q1 ?b . FILTER(isBlank(?b)) ?b ?s ?q2",
    "?this ?q1 ?b . FILTER(isBlank(?b)) ?b ?q2 ?s",
)


# Each branch carries its own `?s ?p ?o`: joined once after the UNION, Oxigraph's planner
# scans every triple first (10x slower on the on-disk store).
_BRANCHES = (
    ["?this ?op ?oo", "?is ?ip ?this"]
    + [f"{pattern} . ?s ?p ?o" for pattern in _OWNED]
    + [
        f"{pattern} . FILTER(isIRI(?s)) ?s ?p ?o FILTER(?p IN ({_SUMMARY_LIST}))"
        for pattern in _LINKED
    ]
)


def _union(branches: list[str]) -> str:
    return "WHERE {\n  " + "\n  UNION ".join(f"{{ {b} }}" for b in branches) + "\n}\n"


# ?doc (the document's URL, bound by the /data route) states its primary topic; pages leave it
# unbound, and a template triple with an unbound variable is not emitted. A CONSTRUCT gives
# triples, so every syntax of the view (N-Quads and TriG too) has them in the default graph.
RESOURCE_VIEW = (
    PREFIXES
    + "CONSTRUCT { ?this ?op ?oo . ?is ?ip ?this . ?s ?p ?o . ?doc foaf:primaryTopic ?this }\n"
    + _union(_BRANCHES)
)

# Does the server know this IRI at all? (404 otherwise.)
EXISTS = "ASK { { ?this ?p ?o } UNION { ?s ?p ?this } UNION { GRAPH ?this { ?s ?p ?o } } }"

# A named graph's content, for /graph/<name> and /def (the ontology graph).
GRAPH_CONTENT = (
    "CONSTRUCT { ?s ?p ?o . ?doc <http://xmlns.com/foaf/0.1/primaryTopic> ?topic } "
    "WHERE { GRAPH ?this { ?s ?p ?o } }"
)


def describe_query(iri: str) -> str:
    """The query behind a page's "ask SPARQL" link; the IRI is checked by NamedNode first."""
    return f"DESCRIBE <{iri}>"
