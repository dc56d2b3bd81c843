# RDFS entailments of the ontology over the curated data, materialised into the derived graph so
# that `?x a uasa:Agreement` also finds the security agreements and `?x a uasa:Fund` the trust funds.
# Input: the curated graph (instances) and the axioms of the ontology graph (uasa.ttl) and of the
# alignments graph (alignments.ttl, which uasa.ttl imports), copied first into one scratch graph
# so that a chain crossing the two (uasa:SecurityAgreement ⊑ uasa:Agreement in one,
# ⊑ norm:International_Agreement in the other) is followed; the scratch graph is dropped at the
# end. Only triples about curated resources that no graph holds yet are added.
#   - rdfs:subPropertyOf closure (rdfs7): every sub-property in the ontology, alignments included
#     (uasa:partner → uasa:party, uasa:signingDate → eli:date_document);
#   - rdfs:subClassOf closure (rdfs9): every subclass axiom, alignments included
#     (uasa:SecurityAgreement → uasa:Agreement → prov:Entity, norm:International_Agreement;
#     uasa:Declaration → norm:Soft_Law);
#   - rdfs:domain and rdfs:range (rdfs2, rdfs3) only of the ontology's own properties
#     (rdfs:isDefinedBy <https://w3id.org/uasa/def>), and ranges only for IRI or blank-node values:
#     a datatype range (xsd:date …) says nothing about a resource. schema:domainIncludes and
#     schema:rangeIncludes are hints and entail nothing.
# Not inferred: rdf:type rdfs:Resource and the other axiomatic RDFS triples, anything about the
# ontology's own terms, OWL semantics (owl:sameAs, inverse, transitive or functional properties,
# equivalence), skos:broader closure, and the axioms of vocabularies the ontology does not load
# (e.g. org:FormalOrganization ⊑ org:Organization). tests/test_entailment.py checks this file
# against owlrl's RDFS closure.
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

DROP SILENT GRAPH <https://w3id.org/uasa/graph/rdfs-axioms>
;
INSERT { GRAPH <https://w3id.org/uasa/graph/rdfs-axioms> { ?s ?axiom ?o } }
WHERE {
  VALUES ?g { <https://w3id.org/uasa/graph/ontology> <https://w3id.org/uasa/graph/alignments> }
  VALUES ?axiom { rdfs:subClassOf rdfs:subPropertyOf rdfs:domain rdfs:range rdfs:isDefinedBy }
  GRAPH ?g { ?s ?axiom ?o }
}
;
INSERT { GRAPH <https://w3id.org/uasa/graph/derived> { ?x ?super ?y } }
WHERE {
  GRAPH <https://w3id.org/uasa/graph/rdfs-axioms> { ?p rdfs:subPropertyOf+ ?super }
  FILTER(isIRI(?p) && isIRI(?super))
  GRAPH <https://w3id.org/uasa/graph/curated> { ?x ?p ?y }
  FILTER NOT EXISTS { GRAPH ?g { ?x ?super ?y } }
}
;
INSERT { GRAPH <https://w3id.org/uasa/graph/derived> { ?x a ?super } }
WHERE {
  # The ontology's patterns come first, so that a big store is only looked up for the classes
  # and properties that have axioms.
  {
    GRAPH <https://w3id.org/uasa/graph/rdfs-axioms> { ?class rdfs:subClassOf+ ?super }
    GRAPH <https://w3id.org/uasa/graph/curated> { ?x a ?class }
  } UNION {
    GRAPH <https://w3id.org/uasa/graph/rdfs-axioms> {
      ?p rdfs:isDefinedBy <https://w3id.org/uasa/def> ; rdfs:domain ?class .
      ?q rdfs:subPropertyOf* ?p .
      ?class rdfs:subClassOf* ?super .
    }
    GRAPH <https://w3id.org/uasa/graph/curated> { ?x ?q ?value }
  } UNION {
    GRAPH <https://w3id.org/uasa/graph/rdfs-axioms> {
      ?p rdfs:isDefinedBy <https://w3id.org/uasa/def> ; rdfs:range ?class .
      ?q rdfs:subPropertyOf* ?p .
      ?class rdfs:subClassOf* ?super .
    }
    GRAPH <https://w3id.org/uasa/graph/curated> { ?subject ?q ?x }
    FILTER(!isLiteral(?x))
    FILTER EXISTS { GRAPH <https://w3id.org/uasa/graph/curated> { ?x ?anyProperty ?anyValue } }
  }
  FILTER(isIRI(?class) && isIRI(?super))
  FILTER NOT EXISTS { GRAPH ?g { ?x a ?super } }
}
;
# The derivation itself, described once there is something it derived.
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> {
    <https://w3id.org/uasa/id/derivation/rdfs-entailment> a <https://w3id.org/uasa/def#Derivation> ;
      rdfs:label "RDFS entailments"@en , "Висновки RDFS"@uk ;
      <http://purl.org/dc/terms/description> "Types and statements that follow from the ontology's rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain and rdfs:range over the curated data; nothing else (server/uasa/ingest/rules/05-rdfs-entailment.ru)."@en .
  }
}
WHERE {
  FILTER EXISTS { GRAPH <https://w3id.org/uasa/graph/derived> { ?s ?p ?o } }
}
;
DROP SILENT GRAPH <https://w3id.org/uasa/graph/rdfs-axioms>
