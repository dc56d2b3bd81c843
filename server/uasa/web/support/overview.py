"""The SELECTs behind the browsing pages: counts, search, timeline, commitments, and the
neighbourhood graph of a resource.

Data comes from SELECTs run through the query workers, with user input bound by
``substitutions=``, never spliced into the text. Results that do not depend on user input are
cached per build, keyed by the build's content hash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import current_app, request
from pyoxigraph import Literal, NamedNode

from uasa.core import labels as labels_rule
from uasa.query.rows import select
from uasa.query.types import QueryError
from uasa.web.support import context, formats
from uasa.web.support.labels import local_name
from uasa.web.support.paths import page_path
from uasa.web.support.ui import UI

PREFIXES = """PREFIX uasa: <https://w3id.org/uasa/def#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

MAX_QUERY_CHARS = 200  # a search term longer than this is a mistake, not a label
NETWORK_LIMIT = 400


LABELS_QUERY = (
    PREFIXES
    + """
SELECT ?s ?p ?l WHERE {
  VALUES ?p { rdfs:label skos:prefLabel dct:title schema:name foaf:name }
  ?s ?p ?l .
}"""
)
LABEL_BATCH = 200


COUNTS = (
    PREFIXES
    + """
SELECT
  (COUNT(DISTINCT ?agreement) AS ?agreements)
  (COUNT(DISTINCT ?partner) AS ?partners)
  (COUNT(DISTINCT ?provision) AS ?provisions)
  (COUNT(DISTINCT ?source) AS ?sources)
WHERE {
  { ?agreement a uasa:SecurityAgreement . OPTIONAL { ?agreement uasa:partner ?partner } }
  UNION { ?provision a ?pc . ?pc rdfs:subClassOf* uasa:Provision }
  UNION { ?source a uasa:Source }
}"""
)
TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

TIMELINE = (
    PREFIXES
    + """
SELECT ?lang ?item ?kind ?group ?when ?partner ?agreement ?mkind ?description
WHERE {
  {
    ?item a uasa:SecurityAgreement ; uasa:signingDate ?when .
    OPTIONAL { ?item uasa:partner ?partner }
    BIND("signing" AS ?kind) BIND("signing" AS ?group) BIND(?item AS ?agreement)
  } UNION {
    ?item a ?mc ; dct:date ?when .
    VALUES ?mc { uasa:NegotiationMilestone uasa:Milestone }
    OPTIONAL { ?item uasa:negotiatingPartner ?partner }
    OPTIONAL { ?item uasa:milestoneOf ?agreement }
    OPTIONAL { ?item uasa:milestoneKind ?mkind }
    OPTIONAL { ?item dct:description ?description FILTER(LANG(?description) IN (?lang, "en")) }
    BIND("milestone" AS ?kind)
    # A negotiation milestone: with one partner, or of the agreements' whole series; every
    # other milestone is an event in the life of a framework or body.
    BIND(IF(EXISTS { ?item a uasa:NegotiationMilestone }
            || EXISTS { ?item uasa:milestoneOf/a uasa:AgreementSeries }
            || EXISTS { ?item uasa:milestoneOf/a uasa:SecurityAgreement },
            "negotiation", "framework") AS ?group)
  }"""
    + """
}"""
)

NETWORK = (
    PREFIXES
    + """
SELECT ?this ?dir ?p ?n ?type ?thisType WHERE {
  { ?this ?p ?n . BIND("out" AS ?dir) } UNION { ?n ?p ?this . BIND("in" AS ?dir) }
  FILTER(isIRI(?n) && ?p != rdf:type && ?n != ?this
         && STRSTARTS(STR(?n), "https://w3id.org/uasa/"))
  OPTIONAL { ?n a ?type }
  OPTIONAL { ?this a ?thisType }"""
    + """
}
LIMIT 2000"""
)

# Node kinds for the graph view and search, most specific first; colours live in the CSS/JS.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("agreement", ("SecurityAgreement", "Agreement")),
    ("party", ("State", "InternationalOrganisation", "Organization", "Party")),
    ("person", ("Person",)),
    ("signature", ("Signature",)),
    ("provision", ("DurationClause", "Provision")),
    ("commitment", ("Commitment",)),
    ("milestone", ("NegotiationMilestone", "Milestone")),
    (
        "framework",
        (
            "Declaration",
            "Programme",
            "Pledge",
            "Fund",
            "TrustFund",
            "Command",
            "Council",
            "Centre",
            "ContactGroup",
            "Summit",
            "AgreementSeries",
        ),
    ),
    ("place", ("Place",)),
    ("source", ("Source",)),
    ("claim", ("Claim",)),
    ("concept", ("Concept", "ConceptScheme")),
    ("term", ("Class", "ObjectProperty", "DatatypeProperty")),
)
KIND_RANK = {kind: i for i, (kind, _) in enumerate(KINDS)}


def kind_of(types: set[str]) -> str:
    names = {local_name(t) for t in types}
    for kind, classes in KINDS:
        if names.intersection(classes):
            return kind
    return "other"


# -- helpers -------------------------------------------------------------------------------


def _run(query: str, **subs: Any) -> list[dict[str, Any]]:
    return select(context.executor(), query, context.settings().query_timeout, substitutions=subs)


def cached(key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """Memoise per build. What is kept holds links made from the request's prefix
    (``request.script_root``), so the prefix is part of the key; nothing kept may depend on
    any other part of the request (the host or scheme: write relative links)."""
    cache: dict[tuple[Any, ...], Any] = current_app.extensions.setdefault("uasa.ui-cache", {})
    full = (context.build_hash(), request.script_root, *key)
    if full not in cache:
        cache[full] = compute()
    return cache[full]


def val(row: dict[str, Any], var: str) -> str | None:
    cell = row.get(var)
    return cell["value"] if cell else None


def href(iri: str | None) -> str | None:
    return page_path(iri) if iri else None


def facet_filters(args: Mapping[str, list[str]], facets: Iterable[str]) -> dict[str, list[str]]:
    """A table's facet filters from the query string: known facets only, values trimmed,
    blanks and duplicates dropped (how they combine is the table's business)."""
    chosen: dict[str, list[str]] = {}
    for facet in facets:
        values = [v.strip() for v in args.get(facet, []) if v.strip()]
        if values:
            chosen[facet] = list(dict.fromkeys(values))
    return chosen


def linked(iri: str | None, names: dict[str, str]) -> dict[str, Any] | None:
    """An IRI as the tables show it: its label (or local name) and its local page."""
    if not iri:
        return None
    return {
        "iri": iri,
        "id": local_name(iri),
        "label": names.get(iri) or local_name(iri),
        "href": href(iri),
    }


def labels(iris: Iterable[str | None], lang: str) -> dict[str, str]:
    """The best label of each IRI: rdfs:label/skos:prefLabel before titles and names, then
    ``lang``, English, no language, any. Fetched after the main query, in batches, so the main
    query has no OPTIONAL label joins to multiply its rows."""
    wanted = sorted({i for i in iris if i})
    found: dict[str, list[labels_rule.Candidate]] = {}
    for start in range(0, len(wanted), LABEL_BATCH):
        # These IRIs come from the store's own answers and are re-serialised by NamedNode,
        # which rejects anything that is not an IRI: user input never reaches this text.
        values = " ".join(str(NamedNode(i)) for i in wanted[start : start + LABEL_BATCH])
        query = LABELS_QUERY.replace("  ?s ?p ?l .", f"  VALUES ?s {{ {values} }}\n  ?s ?p ?l .")
        for row in _run(query):
            label = row["l"]
            if label["type"] == "literal":
                candidate = (row["p"]["value"], label.get("xml:lang"), label["value"])
                found.setdefault(row["s"]["value"], []).append(candidate)
    chosen = {iri: labels_rule.best(candidates, lang) for iri, candidates in found.items()}
    return {iri: c[2] for iri, c in chosen.items() if c is not None}


def counts() -> dict[str, int]:
    def compute() -> dict[str, int]:
        row = _run(COUNTS)[0]
        result = {k: int(val(row, k) or 0) for k in ("agreements", "partners", "provisions")}
        result["sources"] = int(val(row, "sources") or 0)
        triples = context.built().triples
        result["triples"] = triples if triples is not None else int(val(_run(TRIPLES)[0], "n") or 0)
        return result

    counted: dict[str, int] = cached(("counts",), compute)
    return counted


def composed_label(row: dict[str, Any], names: dict[str, str], lang: str) -> str:
    """A human label for a dated event that has none: its kind, its partner (or what it is a
    milestone of) and its date, in the page language: "Talks launched: Lithuania, 10 January
    2024". Never the IRI's slug."""
    t = UI.get(lang, UI["en"])
    date = formats.when(val(row, "when"), lang)
    partner = names.get(val(row, "partner") or "")
    if val(row, "kind") == "signing":
        return t["tl_signed"].format(partner=partner or "?", date=date).strip(", ")
    kind = names.get(val(row, "mkind") or "") or t["milestone"]
    what = partner or names.get(val(row, "agreement") or "") or ""
    if not what:
        return f"{kind}, {date}" if date else kind
    return t["tl_label_of"].format(kind=kind, what=what, date=date).rstrip(", ")


def timeline(lang: str) -> list[dict[str, Any]]:
    def compute() -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        rows = _run(TIMELINE, lang=Literal(lang))
        names = labels(
            (val(r, v) for r in rows for v in ("item", "partner", "agreement", "mkind")), lang
        )
        for row in rows:
            item = val(row, "item")
            if item is None:
                continue
            if item in seen:  # extra rows: several types, or the description in both languages
                described = (row.get("description") or {}).get("xml:lang", "")
                if described == lang and seen[item]["description_lang"] != lang:
                    seen[item]["description"] = val(row, "description")
                    seen[item]["description_lang"] = described
                continue
            seen[item] = {
                "iri": item,
                "href": href(item),
                "kind": val(row, "kind"),
                "group": val(row, "group"),
                "date": val(row, "when") or "",
                "year": (val(row, "when") or "")[:4],
                "label": names.get(item) or composed_label(row, names, lang),
                "partner": val(row, "partner"),
                "partner_label": names.get(val(row, "partner") or ""),
                "partner_href": href(val(row, "partner")),
                "milestone_kind": names.get(val(row, "mkind") or ""),
                "agreement_label": names.get(val(row, "agreement") or "")
                if val(row, "agreement") != item
                else None,
                "agreement_href": href(val(row, "agreement"))
                if val(row, "agreement") != item
                else None,
                "description": val(row, "description"),
                "description_lang": (row.get("description") or {}).get("xml:lang", ""),
            }
        # Dates may be xsd:date, gYearMonth or gYear: as strings they sort chronologically.
        return sorted(seen.values(), key=lambda e: (e["date"], e["kind"] != "milestone"))

    events: list[dict[str, Any]] = cached(("timeline", lang), compute)
    return events


def neighbourhood(iri: str, lang: str) -> dict[str, Any]:
    """The resource and its direct neighbours in the uasa namespace, as cytoscape elements."""
    rows = _run(NETWORK, this=NamedNode(iri))
    names = labels([iri, *(val(r, v) for r in rows for v in ("n", "p"))], lang)
    this_types = {v for r in rows if (v := val(r, "thisType"))}
    this_label = names.get(iri) or local_name(iri)
    nodes: dict[str, dict[str, Any]] = {
        iri: {"id": iri, "label": this_label, "types": this_types, "href": href(iri)}
    }
    edges: dict[tuple[str, str, str], str] = {}
    for r in rows:
        n, p = val(r, "n"), val(r, "p")
        if n is None or p is None:
            continue
        node = nodes.setdefault(
            n,
            {"id": n, "label": names.get(n) or local_name(n), "types": set(), "href": href(n)},
        )
        if val(r, "type"):
            node["types"].add(val(r, "type"))
        source, target = (iri, n) if val(r, "dir") == "out" else (n, iri)
        edges.setdefault((source, p, target), names.get(p) or local_name(p))
        if len(nodes) >= NETWORK_LIMIT:
            break
    return {
        "root": iri,
        "nodes": [
            {
                "data": {
                    "id": node["id"],
                    "label": node["label"],
                    "kind": kind_of(node["types"]),
                    "href": node["href"],
                    "root": node["id"] == iri,
                }
            }
            for node in nodes.values()
        ],
        "edges": [
            {"data": {"id": f"e{i}", "source": s, "target": t, "label": label, "property": p}}
            for i, ((s, p, t), label) in enumerate(edges.items())
        ],
    }


def party_timeline(iri: str, lang: str) -> list[dict[str, Any]]:
    """The timeline entries of one partner, for its resource page (empty for other pages)."""
    try:
        return [e for e in timeline(lang) if e["partner"] == iri]
    except QueryError:
        return []  # the page itself still renders; the timeline is an extra
