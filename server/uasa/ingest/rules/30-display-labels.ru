# Display labels (rdfs:label @en and @uk) for the nodes the curation leaves unlabelled because
# they are statements about other things: signatures, milestones, claims, provisions,
# commitments, memberships, adherences, participations and sources. Each label is composed from the node's own parts (the
# labels of the person, party, agreement, concept or property it links to, its date, amount or
# publisher), so it says nothing the data does not; pages show it instead of the IRI's slug.
# Only nodes with no rdfs:label in the language get one, so a curated label always wins.
# Dates are written in the label's language: "12 January 2024", "12 січня 2024 р.". Ukrainian
# names are not inflected (no genitive of a person's name can be composed reliably), so the
# Ukrainian labels use a neutral pattern: "Підпис: Ріші Сунак (Велика Британія), 12 січня 2024 р.".
# A source with no dct:title gets "publisher, date" (a display name, not a claim about its title).
# Step 1 writes each date's two spellings into a scratch graph that the last step drops; the
# steps after it join on the date literal itself (uasa:date), which Oxigraph evaluates as a join:
# a key computed with BIND inside the OPTIONAL made it scan every date for every node (20-80 s
# per step on a million triples).
PREFIX uasa:   <https://w3id.org/uasa/def#>
PREFIX rdfs:   <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos:   <http://www.w3.org/2004/02/skos/core#>
PREFIX dct:    <http://purl.org/dc/terms/>
PREFIX org:    <http://www.w3.org/ns/org#>
PREFIX foaf:   <http://xmlns.com/foaf/0.1/>
PREFIX schema: <https://schema.org/>
PREFIX xsd:    <http://www.w3.org/2001/XMLSchema#>

# 1. Every date literal of the data, spelt in English and Ukrainian.
INSERT {
  GRAPH <urn:uasa:build:dates> { ?key uasa:date ?d ; uasa:en ?en ; uasa:uk ?uk }
}
WHERE {
  {
    SELECT DISTINCT ?d WHERE {
      GRAPH ?g { ?s ?p ?d }
      FILTER(isLiteral(?d) && datatype(?d) IN (xsd:date, xsd:gYearMonth, xsd:gYear))
    }
  }
  BIND(STR(?d) AS ?text)
  BIND(SUBSTR(?text, 1, 4) AS ?year)
  OPTIONAL {
    VALUES (?mm ?monthEn ?monthUkGen ?monthUkNom) {
      ("01" "January" "січня" "січень") ("02" "February" "лютого" "лютий")
      ("03" "March" "березня" "березень") ("04" "April" "квітня" "квітень")
      ("05" "May" "травня" "травень") ("06" "June" "червня" "червень")
      ("07" "July" "липня" "липень") ("08" "August" "серпня" "серпень")
      ("09" "September" "вересня" "вересень") ("10" "October" "жовтня" "жовтень")
      ("11" "November" "листопада" "листопад") ("12" "December" "грудня" "грудень")
    }
    FILTER(datatype(?d) != xsd:gYear && SUBSTR(?text, 6, 2) = ?mm)
  }
  BIND(IF(datatype(?d) = xsd:date, STR(xsd:integer(SUBSTR(?text, 9, 2))), "") AS ?day)
  BIND(IF(datatype(?d) = xsd:date, CONCAT(?day, " ", ?monthEn, " ", ?year),
       IF(datatype(?d) = xsd:gYearMonth, CONCAT(?monthEn, " ", ?year), ?year)) AS ?en)
  BIND(IF(datatype(?d) = xsd:date, CONCAT(?day, " ", ?monthUkGen, " ", ?year, " р."),
       IF(datatype(?d) = xsd:gYearMonth, CONCAT(?monthUkNom, " ", ?year, " р."),
          CONCAT(?year, " р."))) AS ?uk)
  BIND(IRI(CONCAT("urn:uasa:date:", ?text)) AS ?key)
}
;
# 2. Signatures: "Signature of Rishi Sunak (United Kingdom), 12 January 2024".
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> { ?s rdfs:label ?en , ?uk }
}
WHERE {
  {
    SELECT ?s (MIN(?personEn) AS ?pe) (MIN(?personUk) AS ?pu) (MIN(?partyEn) AS ?ae)
           (MIN(?partyUk) AS ?au) (MIN(?dateEn) AS ?de) (MIN(?dateUk) AS ?du)
    WHERE {
      GRAPH <https://w3id.org/uasa/graph/curated> { ?s a uasa:Signature ; uasa:signatory ?person }
      FILTER NOT EXISTS { GRAPH ?lg { ?s rdfs:label ?any } }
      GRAPH ?g1 { ?person rdfs:label ?personEn FILTER(LANG(?personEn) = "en") }
      GRAPH ?g2 { ?person rdfs:label ?personUk FILTER(LANG(?personUk) = "uk") }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:onBehalfOf ?party }
        GRAPH ?g3 { ?party rdfs:label ?partyEn FILTER(LANG(?partyEn) = "en") }
        GRAPH ?g4 { ?party rdfs:label ?partyUk FILTER(LANG(?partyUk) = "uk") }
      }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s dct:date ?date }
        GRAPH <urn:uasa:build:dates> { ?dk uasa:date ?date ; uasa:en ?dateEn ; uasa:uk ?dateUk }
      }
    } GROUP BY ?s
  }
  BIND(STRLANG(CONCAT("Signature of ", ?pe, IF(BOUND(?ae), CONCAT(" (", ?ae, ")"), ""),
                      IF(BOUND(?de), CONCAT(", ", ?de), "")), "en") AS ?en)
  BIND(STRLANG(CONCAT("Підпис: ", ?pu, IF(BOUND(?au), CONCAT(" (", ?au, ")"), ""),
                      IF(BOUND(?du), CONCAT(", ", ?du), "")), "uk") AS ?uk)
}
;
# 3. Milestones: "Talks launched: Canada, August 2023" (the negotiating partner, else what the
#    milestone belongs to: an agreement, a framework or the series).
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> { ?s rdfs:label ?en , ?uk }
}
WHERE {
  {
    SELECT ?s (MIN(?kindEn) AS ?ke) (MIN(?kindUk) AS ?ku) (MIN(?whoEn) AS ?we)
           (MIN(?whoUk) AS ?wu) (MIN(?dateEn) AS ?de) (MIN(?dateUk) AS ?du)
    WHERE {
      GRAPH <https://w3id.org/uasa/graph/curated> {
        ?s a ?class ; uasa:milestoneKind ?kind .
        VALUES ?class { uasa:Milestone uasa:NegotiationMilestone }
      }
      FILTER NOT EXISTS { GRAPH ?lg { ?s rdfs:label ?any } }
      GRAPH ?g1 { ?kind skos:prefLabel ?kindEn FILTER(LANG(?kindEn) = "en") }
      GRAPH ?g2 { ?kind skos:prefLabel ?kindUk FILTER(LANG(?kindUk) = "uk") }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> {
          { ?s uasa:negotiatingPartner ?who }
          UNION
          { ?s uasa:milestoneOf ?who FILTER NOT EXISTS { ?s uasa:negotiatingPartner ?other } }
        }
        GRAPH ?g3 { ?who rdfs:label ?whoEn FILTER(LANG(?whoEn) = "en") }
        GRAPH ?g4 { ?who rdfs:label ?whoUk FILTER(LANG(?whoUk) = "uk") }
      }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s dct:date ?date }
        GRAPH <urn:uasa:build:dates> { ?dk uasa:date ?date ; uasa:en ?dateEn ; uasa:uk ?dateUk }
      }
    } GROUP BY ?s
  }
  BIND(STRLANG(CONCAT(?ke, IF(BOUND(?we), CONCAT(": ", ?we), ""),
                      IF(BOUND(?de), CONCAT(", ", ?de), "")), "en") AS ?en)
  BIND(STRLANG(CONCAT(?ku, IF(BOUND(?wu), CONCAT(": ", ?wu), ""),
                      IF(BOUND(?du), CONCAT(", ", ?du), "")), "uk") AS ?uk)
}
;
# 4. Provisions (duration clauses too): "Intelligence sharing — UK–Ukraine security agreement (2024)".
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> { ?s rdfs:label ?en , ?uk }
}
WHERE {
  {
    SELECT ?s (GROUP_CONCAT(DISTINCT ?catEn; SEPARATOR=", ") AS ?ce)
           (GROUP_CONCAT(DISTINCT ?catUk; SEPARATOR=", ") AS ?cu)
           (MIN(?agrEn) AS ?ae) (MIN(?agrUk) AS ?au)
    WHERE {
      GRAPH <https://w3id.org/uasa/graph/curated> {
        ?s uasa:provisionOf ?agreement ; dct:subject ?cat .
      }
      FILTER NOT EXISTS { GRAPH ?lg { ?s rdfs:label ?any } }
      GRAPH ?g1 { ?cat skos:prefLabel ?catEn FILTER(LANG(?catEn) = "en") }
      GRAPH ?g2 { ?cat skos:prefLabel ?catUk FILTER(LANG(?catUk) = "uk") }
      GRAPH ?g3 { ?agreement rdfs:label ?agrEn FILTER(LANG(?agrEn) = "en") }
      GRAPH ?g4 { ?agreement rdfs:label ?agrUk FILTER(LANG(?agrUk) = "uk") }
    } GROUP BY ?s
  }
  BIND(STRLANG(CONCAT(?ce, " — ", ?ae), "en") AS ?en)
  BIND(STRLANG(CONCAT(?cu, " — ", ?au), "uk") AS ?uk)
}
;
# 5. Commitments and delivered aid: "Commitment (United Kingdom): Military assistance, GBP 2.5
#    billion, 2024/25", "Aid delivered (Lithuania): …" (aid already given is never called a commitment).
#    Amounts are shown in billions or millions, as the sources write them; never converted.
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> { ?s rdfs:label ?en , ?uk }
}
WHERE {
  {
    SELECT ?s (MIN(?obligorEn) AS ?oe) (MIN(?obligorUk) AS ?ou)
           (MIN(?catEn) AS ?ce) (MIN(?catUk) AS ?cu) (MIN(?value) AS ?v) (MIN(?currency) AS ?cur)
           (MIN(?periodText) AS ?period) (MIN(?periodNumbers) AS ?periodUk) (SAMPLE(?kind) AS ?k)
    WHERE {
      GRAPH <https://w3id.org/uasa/graph/curated> { ?s a ?kind ; uasa:obligor ?obligor }
      FILTER(?kind IN (uasa:Commitment, uasa:DeliveredAid))
      FILTER NOT EXISTS { GRAPH ?lg { ?s rdfs:label ?any } }
      GRAPH ?g1 { ?obligor rdfs:label ?obligorEn FILTER(LANG(?obligorEn) = "en") }
      GRAPH ?g2 { ?obligor rdfs:label ?obligorUk FILTER(LANG(?obligorUk) = "uk") }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s dct:subject ?cat }
        GRAPH ?g3 { ?cat skos:prefLabel ?catEn FILTER(LANG(?catEn) = "en") }
        GRAPH ?g4 { ?cat skos:prefLabel ?catUk FILTER(LANG(?catUk) = "uk") }
      }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> {
          ?s uasa:amount ?amount . ?amount schema:value ?value .
          OPTIONAL { ?amount schema:currency ?currency }
        }
      }
      # Three flat OPTIONALs: nested in one OPTIONAL group they took 50 s on a million triples.
      OPTIONAL { GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:periodLabel ?pl } }
      OPTIONAL { GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:periodStart ?ps } }
      OPTIONAL { GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:periodEnd ?pe } }
      BIND(COALESCE(STR(?pl),
                    IF(BOUND(?ps) && BOUND(?pe) && STR(?ps) != STR(?pe), CONCAT(STR(?ps), "–", STR(?pe)),
                       COALESCE(STR(?ps), STR(?pe)))) AS ?periodText)
      # The period's wording is English ("annually 2024-2028"); Ukrainian labels keep it only
      # when it is figures ("2024/25"), else the years it spans.
      BIND(IF(BOUND(?pl) && REGEX(STR(?pl), "^[0-9/–-]+$"), STR(?pl),
              IF(BOUND(?ps) && BOUND(?pe) && STR(?ps) != STR(?pe), CONCAT(STR(?ps), "–", STR(?pe)),
                 COALESCE(STR(?ps), STR(?pe)))) AS ?periodNumbers)
    } GROUP BY ?s
  }
  BIND(IF(!BOUND(?v), "",
       IF(?v >= 1000000000, STR(?v / 1000000000),
       IF(?v >= 1000000, STR(?v / 1000000), STR(?v)))) AS ?num)
  BIND(IF(!BOUND(?v), "", IF(?v >= 1000000000, " billion", IF(?v >= 1000000, " million", ""))) AS ?scaleEn)
  BIND(IF(!BOUND(?v), "", IF(?v >= 1000000000, " млрд", IF(?v >= 1000000, " млн", ""))) AS ?scaleUk)
  BIND(IF(BOUND(?v), CONCAT(IF(BOUND(?cur), CONCAT(?cur, " "), ""), ?num, ?scaleEn), "") AS ?amountEn)
  BIND(IF(BOUND(?v), CONCAT(REPLACE(?num, "\\.", ","), ?scaleUk, IF(BOUND(?cur), CONCAT(" ", ?cur), "")), "")
       AS ?amountUk)
  BIND(STRLANG(CONCAT(IF(?k = uasa:DeliveredAid, "Aid delivered (", "Commitment ("), ?oe, ")",
         IF(BOUND(?ce) || BOUND(?v) || BOUND(?period), ": ", ""),
         CONCAT(COALESCE(?ce, ""),
                IF(BOUND(?ce) && BOUND(?v), ", ", ""), ?amountEn,
                IF(BOUND(?period) && (BOUND(?ce) || BOUND(?v)), ", ", ""), COALESCE(?period, ""))),
       "en") AS ?en)
  BIND(STRLANG(CONCAT(IF(?k = uasa:DeliveredAid, "Надана допомога (", "Зобов'язання ("), ?ou, ")",
         IF(BOUND(?cu) || BOUND(?v) || BOUND(?periodUk), ": ", ""),
         CONCAT(COALESCE(?cu, ""),
                IF(BOUND(?cu) && BOUND(?v), ", ", ""), ?amountUk,
                IF(BOUND(?periodUk) && (BOUND(?cu) || BOUND(?v)), ", ", ""), COALESCE(?periodUk, ""))),
       "uk") AS ?uk)
}
;
# 6. Memberships: "Membership: Albania — NATO, since 2009" / "Членство: Албанія — НАТО, з 2009 р.".
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> { ?s rdfs:label ?en , ?uk }
}
WHERE {
  {
    SELECT ?s (MIN(?memberEn) AS ?me) (MIN(?memberUk) AS ?mu) (MIN(?orgEn) AS ?oe)
           (MIN(?orgUk) AS ?ou) (MIN(?dateEn) AS ?de) (MIN(?dateUk) AS ?du)
    WHERE {
      GRAPH <https://w3id.org/uasa/graph/curated> {
        ?s a org:Membership ; org:member ?member ; org:organization ?org .
      }
      FILTER NOT EXISTS { GRAPH ?lg { ?s rdfs:label ?any } }
      GRAPH ?g1 { ?member rdfs:label ?memberEn FILTER(LANG(?memberEn) = "en") }
      GRAPH ?g2 { ?member rdfs:label ?memberUk FILTER(LANG(?memberUk) = "uk") }
      GRAPH ?g3 { ?org rdfs:label ?orgEn FILTER(LANG(?orgEn) = "en") }
      GRAPH ?g4 { ?org rdfs:label ?orgUk FILTER(LANG(?orgUk) = "uk") }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:memberSince|schema:startDate ?date }
        GRAPH <urn:uasa:build:dates> { ?dk uasa:date ?date ; uasa:en ?dateEn ; uasa:uk ?dateUk }
      }
    } GROUP BY ?s
  }
  BIND(STRLANG(CONCAT("Membership: ", ?me, " — ", ?oe, IF(BOUND(?de), CONCAT(", since ", ?de), "")), "en") AS ?en)
  BIND(STRLANG(CONCAT("Членство: ", ?mu, " — ", ?ou, IF(BOUND(?du), CONCAT(", з ", ?du), "")), "uk") AS ?uk)
}
;
# 7. Sources: the title where one is known ("title — publisher, date"), else "publisher, date";
#    a source with neither publisher nor title (evidence that is not a page) uses its
#    description, cut at 80 characters.
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> { ?s rdfs:label ?en , ?uk }
}
WHERE {
  {
    SELECT ?s (MIN(?title) AS ?t) (MIN(?pubName) AS ?pub) (MIN(?dateEn) AS ?de)
           (MIN(?dateUk) AS ?du) (MIN(?descEn) AS ?desc)
    WHERE {
      GRAPH <https://w3id.org/uasa/graph/curated> { ?s a uasa:Source }
      FILTER NOT EXISTS { GRAPH ?lg { ?s rdfs:label ?any } }
      OPTIONAL { GRAPH <https://w3id.org/uasa/graph/curated> { ?s dct:title ?title } }
      OPTIONAL { GRAPH <https://w3id.org/uasa/graph/curated> { ?s dct:publisher/foaf:name ?pubName } }
      OPTIONAL { GRAPH <https://w3id.org/uasa/graph/curated> { ?s dct:description ?descEn FILTER(LANG(?descEn) = "en") } }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s dct:issued ?date }
        GRAPH <urn:uasa:build:dates> { ?dk uasa:date ?date ; uasa:en ?dateEn ; uasa:uk ?dateUk }
      }
    } GROUP BY ?s
  }
  FILTER(BOUND(?t) || BOUND(?pub) || BOUND(?desc))
  BIND(IF(BOUND(?pub), CONCAT(?pub, IF(BOUND(?de), CONCAT(", ", ?de), "")), ?de) AS ?byEn)
  BIND(IF(BOUND(?pub), CONCAT(?pub, IF(BOUND(?du), CONCAT(", ", ?du), "")), ?du) AS ?byUk)
  BIND(IF(STRLEN(STR(?desc)) > 80, CONCAT(SUBSTR(STR(?desc), 1, 79), "…"), STR(?desc)) AS ?short)
  BIND(STRLANG(IF(BOUND(?t), CONCAT(STR(?t), IF(BOUND(?byEn), CONCAT(" — ", ?byEn), "")),
               COALESCE(?byEn, ?short)), "en") AS ?en)
  BIND(STRLANG(IF(BOUND(?t), CONCAT(STR(?t), IF(BOUND(?byUk), CONCAT(" — ", ?byUk), "")),
               COALESCE(?byUk, ?short)), "uk") AS ?uk)
}
;
# 7b. Adherences to frameworks: "Adherence: Canada — G7 Joint Declaration …, 12 July 2023".
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> { ?s rdfs:label ?en , ?uk }
}
WHERE {
  {
    SELECT ?s (MIN(?whoEn) AS ?we) (MIN(?whoUk) AS ?wu) (MIN(?toEn) AS ?te) (MIN(?toUk) AS ?tu)
           (MIN(?dateEn) AS ?de) (MIN(?dateUk) AS ?du)
    WHERE {
      GRAPH <https://w3id.org/uasa/graph/curated> {
        ?s a uasa:Adherence ; uasa:adherent ?who ; uasa:adheredTo ?to .
      }
      FILTER NOT EXISTS { GRAPH ?lg { ?s rdfs:label ?any } }
      GRAPH ?g1 { ?who rdfs:label ?whoEn FILTER(LANG(?whoEn) = "en") }
      GRAPH ?g2 { ?who rdfs:label ?whoUk FILTER(LANG(?whoUk) = "uk") }
      GRAPH ?g3 { ?to rdfs:label ?toEn FILTER(LANG(?toEn) = "en") }
      GRAPH ?g4 { ?to rdfs:label ?toUk FILTER(LANG(?toUk) = "uk") }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s dct:date ?date }
        GRAPH <urn:uasa:build:dates> { ?dk uasa:date ?date ; uasa:en ?dateEn ; uasa:uk ?dateUk }
      }
    } GROUP BY ?s
  }
  BIND(STRLANG(CONCAT("Adherence: ", ?we, " — ", ?te, IF(BOUND(?de), CONCAT(", ", ?de), "")), "en") AS ?en)
  BIND(STRLANG(CONCAT("Приєднання: ", ?wu, " — ", ?tu, IF(BOUND(?du), CONCAT(", ", ?du), "")), "uk") AS ?uk)
}
;
# 7c. Participations in milestones: "Participation: Volodymyr Zelenskyy (Ukraine), principal".
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> { ?s rdfs:label ?en , ?uk }
}
WHERE {
  {
    SELECT ?s (MIN(?personEn) AS ?pe) (MIN(?personUk) AS ?pu) (MIN(?partyEn) AS ?ae)
           (MIN(?partyUk) AS ?au) (MIN(?roleEn) AS ?re) (MIN(?roleUk) AS ?ru)
    WHERE {
      GRAPH <https://w3id.org/uasa/graph/curated> {
        ?s a uasa:Participation ; uasa:participatingPerson ?person .
      }
      FILTER NOT EXISTS { GRAPH ?lg { ?s rdfs:label ?any } }
      GRAPH ?g1 { ?person rdfs:label ?personEn FILTER(LANG(?personEn) = "en") }
      GRAPH ?g2 { ?person rdfs:label ?personUk FILTER(LANG(?personUk) = "uk") }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:actingFor ?party }
        GRAPH ?g3 { ?party rdfs:label ?partyEn FILTER(LANG(?partyEn) = "en") }
        GRAPH ?g4 { ?party rdfs:label ?partyUk FILTER(LANG(?partyUk) = "uk") }
      }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:participantRole ?role }
        GRAPH ?g5 { ?role skos:prefLabel ?roleEn FILTER(LANG(?roleEn) = "en") }
        GRAPH ?g6 { ?role skos:prefLabel ?roleUk FILTER(LANG(?roleUk) = "uk") }
      }
    } GROUP BY ?s
  }
  BIND(STRLANG(CONCAT("Participation: ", ?pe, IF(BOUND(?ae), CONCAT(" (", ?ae, ")"), ""),
                      IF(BOUND(?re), CONCAT(", ", ?re), "")), "en") AS ?en)
  BIND(STRLANG(CONCAT("Участь: ", ?pu, IF(BOUND(?au), CONCAT(" (", ?au, ")"), ""),
                      IF(BOUND(?ru), CONCAT(", ", ?ru), "")), "uk") AS ?uk)
}
;
# 8. Claims, last (a claim may be about a commitment, labelled above): "Number of agreements
#    (Ukraine's bilateral security agreements): 23, as of
#    11 July 2024 — Babel". The value is a number, a year, a resource's label, or a text
#    (cut at 60 characters); a negated claim says "not".
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> { ?s rdfs:label ?en , ?uk }
}
WHERE {
  {
    SELECT ?s (MIN(?propEn) AS ?pe) (MIN(?propUk) AS ?pu) (MIN(?subjEn) AS ?se)
           (MIN(?subjUk) AS ?su) (MIN(?valEn) AS ?ve) (MIN(?valUk) AS ?vu)
           (MIN(?dateEn) AS ?de) (MIN(?dateUk) AS ?du) (MIN(?pubName) AS ?pub)
           (MAX(?neg) AS ?negated)
    WHERE {
      GRAPH <https://w3id.org/uasa/graph/curated> {
        ?s a uasa:Claim ; uasa:claimProperty ?prop ; uasa:claimSubject ?subj .
      }
      FILTER NOT EXISTS { GRAPH ?lg { ?s rdfs:label ?any } }
      GRAPH ?g1 { ?prop rdfs:label ?propEn FILTER(LANG(?propEn) = "en") }
      GRAPH ?g2 { ?prop rdfs:label ?propUk FILTER(LANG(?propUk) = "uk") }
      GRAPH ?g3 { ?subj rdfs:label ?subjEn FILTER(LANG(?subjEn) = "en") }
      GRAPH ?g4 { ?subj rdfs:label ?subjUk FILTER(LANG(?subjUk) = "uk") }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:claimedValue ?v }
        OPTIONAL { GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:claimedValue ?vUk FILTER(LANG(?vUk) = "uk") } }
        FILTER(LANG(?v) IN ("", "en"))
        BIND(IF(STRLEN(STR(?v)) > 60, CONCAT(SUBSTR(STR(?v), 1, 59), "…"), STR(?v)) AS ?valEn)
        # An English text is not repeated in the Ukrainian label (the value is then left out).
        BIND(COALESCE(IF(STRLEN(STR(?vUk)) > 60, CONCAT(SUBSTR(STR(?vUk), 1, 59), "…"), STR(?vUk)),
                      IF(LANG(?v) = "", ?valEn, ?none)) AS ?valUk)
      }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:claimedObject ?o }
        GRAPH ?g5 { ?o rdfs:label|skos:prefLabel ?valEn FILTER(LANG(?valEn) = "en") }
        GRAPH ?g6 { ?o rdfs:label|skos:prefLabel ?valUk FILTER(LANG(?valUk) = "uk") }
      }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:asOf ?date }
        GRAPH <urn:uasa:build:dates> { ?dk uasa:date ?date ; uasa:en ?dateEn ; uasa:uk ?dateUk }
      }
      OPTIONAL {
        GRAPH <https://w3id.org/uasa/graph/curated> {
          ?s <http://www.w3.org/ns/prov#wasDerivedFrom>/dct:publisher/foaf:name ?pubName
        }
      }
      OPTIONAL { GRAPH <https://w3id.org/uasa/graph/curated> { ?s uasa:negated ?n } }
      BIND(IF(BOUND(?n) && STR(?n) = "true", 1, 0) AS ?neg)
    } GROUP BY ?s
  }
  BIND(IF(?negated = 1, "not ", "") AS ?notEn)
  BIND(IF(?negated = 1, "не ", "") AS ?notUk)
  BIND(STRLANG(CONCAT(UCASE(SUBSTR(?pe, 1, 1)), SUBSTR(?pe, 2), " (", ?se, ")",
                      IF(BOUND(?ve), CONCAT(": ", ?notEn, ?ve), IF(?negated = 1, ": no", "")),
                      IF(BOUND(?de), CONCAT(", as of ", ?de), ""),
                      IF(BOUND(?pub), CONCAT(" — ", ?pub), "")), "en") AS ?en)
  BIND(STRLANG(CONCAT(UCASE(SUBSTR(?pu, 1, 1)), SUBSTR(?pu, 2), " (", ?su, ")",
                      IF(BOUND(?vu), CONCAT(": ", ?notUk, ?vu), IF(?negated = 1, ": ні", "")),
                      IF(BOUND(?du), CONCAT(", станом на ", ?du), ""),
                      IF(BOUND(?pub), CONCAT(" — ", ?pub), "")), "uk") AS ?uk)
}
;
# The derivation, described once there is something it labelled.
INSERT {
  GRAPH <https://w3id.org/uasa/graph/derived> {
    <https://w3id.org/uasa/id/derivation/display-labels> a uasa:Derivation ;
      rdfs:label "Display labels"@en , "Відображувані назви"@uk ;
      dct:description "rdfs:label @en and @uk of signatures, milestones, claims, provisions, commitments, memberships, adherences, participations and sources, composed from the labels, dates, amounts and publishers they link to (server/uasa/ingest/rules/30-display-labels.ru). A display name, not a fact about the world: a source's label is not its title."@en ,
        "rdfs:label @en і @uk підписів, подій, тверджень, положень, зобов'язань, членств, приєднань, участі та джерел, складені з назв, дат, сум і видавців, на які вони посилаються (server/uasa/ingest/rules/30-display-labels.ru). Це назва для показу, а не факт про світ: назва джерела не є його заголовком."@uk .
  }
}
WHERE {
  FILTER EXISTS {
    GRAPH <https://w3id.org/uasa/graph/derived> { ?s rdfs:label ?l }
    GRAPH <https://w3id.org/uasa/graph/curated> { ?s a uasa:Source }
  }
}
;
DROP SILENT GRAPH <urn:uasa:build:dates>
