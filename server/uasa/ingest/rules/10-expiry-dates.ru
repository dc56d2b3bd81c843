# Expiry date = signing date + the duration in years stated by the agreement's duration clause.
# Only a fixed-term duration gives a date; clauses that end on NATO accession or notice are kept
# as clause kinds in the curated data, not turned into dates here.
# A signing on 29 February would have no anniversary; it then expires on 28 February.
PREFIX uasa: <https://w3id.org/uasa/def#>
PREFIX xsd:  <http://www.w3.org/2001/XMLSchema#>

INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> { ?agreement uasa:expiryDate ?expiry }
}
WHERE {
  GRAPH <https://w3id.org/uasa/graph/curated> {
    ?agreement uasa:signingDate ?signed .
    ?clause a uasa:DurationClause ;
      uasa:provisionOf ?agreement ;
      uasa:durationYears ?years .
    # A term the source hedges ("expected to be valid for 10 years") or gives only from a
    # draft is no basis for a computed expiry date.
    FILTER NOT EXISTS { ?clause uasa:claimStatus ?caveat }
  }
  FILTER(datatype(?signed) = xsd:date)
  BIND(COALESCE(
         ?signed + STRDT(CONCAT("P", STR(?years), "Y"), xsd:yearMonthDuration),
         STRDT(CONCAT(STR(YEAR(?signed) + ?years), "-02-28"), xsd:date)) AS ?expiry)
}
;
# The derivation itself, described once there is something it derived.
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> {
    <https://w3id.org/uasa/id/derivation/expiry-dates> a uasa:Derivation ;
      <http://www.w3.org/2000/01/rdf-schema#label> "Expiry dates"@en , "Дати закінчення строку дії"@uk ;
      <http://purl.org/dc/terms/description> "uasa:expiryDate = signing date + uasa:durationYears of the agreement's duration clause (server/uasa/ingest/rules/10-expiry-dates.ru)."@en .
  }
}
WHERE {
  FILTER EXISTS { GRAPH <https://w3id.org/uasa/graph/derived> { ?a uasa:expiryDate ?d } }
}

