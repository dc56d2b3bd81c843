"""The browsing pages: landing page, search, timeline, commitments and the graph-view JSON.

Every page is server-rendered HTML that reads well without scripts; small scripts in
`static/` enhance it (sortable tables, the cytoscape graph). Data comes from SELECTs run
through the query workers, with user input bound by ``substitutions=``, never spliced into
the text. Results that do not depend on user input are cached for the life of the app, which
serves one build, and keyed by the build's content hash to be safe.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from pyoxigraph import Literal, NamedNode

import uasa
from uasa.core.iris import BASE, DEF
from uasa.core.settings import Settings
from uasa.query.executor import QueryError, QueryExecutor, select
from uasa.web.routes import assets, linked_data
from uasa.web.routes.pages import LANGS, choose_lang, local_name
from uasa.web.support.errors import text_error
from uasa.web.support.ui import UI

blueprint = Blueprint("explore", __name__)

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
SEARCH_LIMIT = 100
NETWORK_LIMIT = 400


LABELS = (
    PREFIXES
    + """
SELECT ?s ?p ?l WHERE {
  VALUES ?p { rdfs:label skos:prefLabel dct:title schema:name foaf:name }
  ?s ?p ?l .
}"""
)
LABEL_RANK = {
    "http://www.w3.org/2000/01/rdf-schema#label": 0,
    "http://www.w3.org/2004/02/skos/core#prefLabel": 0,
}
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

SEARCH = (
    PREFIXES
    + """
SELECT ?q ?s ?label ?type WHERE {
  ?s rdfs:label|skos:prefLabel|dct:title|schema:name|foaf:name ?label .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "https://w3id.org/uasa/"))
  FILTER(CONTAINS(LCASE(STR(?label)), LCASE(?q)))
  OPTIONAL { ?s a ?type }
}
LIMIT 1000"""
)

TIMELINE = (
    PREFIXES
    + """
SELECT ?lang ?item ?kind ?when ?partner ?agreement ?mkind ?description
WHERE {
  {
    ?item a uasa:SecurityAgreement ; uasa:signingDate ?when .
    OPTIONAL { ?item uasa:partner ?partner }
    BIND("signing" AS ?kind) BIND(?item AS ?agreement)
  } UNION {
    ?item a ?mc ; dct:date ?when .
    VALUES ?mc { uasa:NegotiationMilestone uasa:Milestone }
    OPTIONAL { ?item uasa:negotiatingPartner ?partner }
    OPTIONAL { ?item uasa:milestoneOf ?agreement }
    OPTIONAL { ?item uasa:milestoneKind ?mkind }
    OPTIONAL { ?item dct:description ?description FILTER(LANG(?description) IN (?lang, "en")) }
    BIND("milestone" AS ?kind)
  }"""
    + """
}"""
)

COMMITMENTS = (
    PREFIXES
    + """
SELECT ?lang ?c ?agreement ?obligor ?category ?value ?currency ?qualifier ?basis ?start ?end
       ?period ?purpose
WHERE {
  ?c a uasa:Commitment ; uasa:commitmentOf ?agreement .
  OPTIONAL { ?c uasa:obligor ?obligor }
  OPTIONAL { ?c dct:subject ?category }
  OPTIONAL { ?c uasa:amount ?amount . ?amount schema:value ?value .
             OPTIONAL { ?amount schema:currency ?currency } }
  OPTIONAL { ?c uasa:amountQualifier ?qualifier }
  OPTIONAL { ?c uasa:amountBasis ?basis }
  OPTIONAL { ?c uasa:periodStart ?start }
  OPTIONAL { ?c uasa:periodEnd ?end }
  OPTIONAL { ?c uasa:periodLabel ?period }
  OPTIONAL { ?c uasa:purpose ?purpose FILTER(LANG(?purpose) IN (?lang, "en", "")) }"""
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


def _settings() -> Settings:
    return current_app.config["UASA"]  # type: ignore[no-any-return]


def _run(query: str, **subs: Any) -> list[dict[str, Any]]:
    executor: QueryExecutor = current_app.extensions["uasa.executor"]
    return select(executor, query, _settings().query_timeout, substitutions=subs)


def cached(key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """Memoise per build: the app serves one build, but key by its hash to be explicit."""
    store = current_app.extensions["uasa.store"]
    cache: dict[tuple[Any, ...], Any] = current_app.extensions.setdefault("uasa.ui-cache", {})
    full = (store.manifest.get("content_hash"), *key)
    if full not in cache:
        cache[full] = compute()
    return cache[full]


def val(row: dict[str, Any], var: str) -> str | None:
    cell = row.get(var)
    return cell["value"] if cell else None


def href(iri: str | None) -> str | None:
    return linked_data.page_path(iri) if iri else None


def lang_href(lang: str) -> str:
    """This URL with ``lang`` switched and the other parameters (a search term) kept."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*args, ("lang", lang)])  # relative: the path stays as it is


def render(template: str, lang: str, **context: Any) -> ResponseReturnValue:
    body = render_template(
        template,
        lang=lang,
        t=UI[lang],
        other_lang="uk" if lang == "en" else "en",
        lang_href=lang_href("uk" if lang == "en" else "en"),
        **context,
    )
    response = current_app.make_response(body)
    response.content_type = "text/html; charset=utf-8"
    response.content_language = [lang]
    response.vary.add("Accept-Language")
    return response


def format_amount(value: str | None) -> str:
    if value is None:
        return ""
    try:
        return f"{Decimal(value):,f}"
    except InvalidOperation:
        return value


# -- data ----------------------------------------------------------------------------------


def labels(iris: Iterable[str | None], lang: str) -> dict[str, str]:
    """The best label of each IRI: rdfs:label/skos:prefLabel before titles and names, then
    ``lang``, English, no language, any. Fetched after the main query, in batches, so the main
    query has no OPTIONAL label joins to multiply its rows."""
    wanted = sorted({i for i in iris if i})
    best: dict[str, tuple[tuple[int, int], str]] = {}
    lang_rank = {lang: 0, "en": 1, "": 2}
    for start in range(0, len(wanted), LABEL_BATCH):
        # These IRIs come from the store's own answers and are re-serialised by NamedNode,
        # which rejects anything that is not an IRI: user input never reaches this text.
        values = " ".join(str(NamedNode(i)) for i in wanted[start : start + LABEL_BATCH])
        query = LABELS.replace("  ?s ?p ?l .", f"  VALUES ?s {{ {values} }}\n  ?s ?p ?l .")
        for row in _run(query):
            label = row["l"]
            if label["type"] != "literal":
                continue
            rank = (
                LABEL_RANK.get(row["p"]["value"], 1),
                lang_rank.get(label.get("xml:lang", ""), 3),
            )
            iri = row["s"]["value"]
            if iri not in best or rank < best[iri][0]:
                best[iri] = (rank, label["value"])
    return {iri: text for iri, (_, text) in best.items()}


def counts() -> dict[str, int]:
    def compute() -> dict[str, int]:
        row = _run(COUNTS)[0]
        result = {k: int(val(row, k) or 0) for k in ("agreements", "partners", "provisions")}
        result["sources"] = int(val(row, "sources") or 0)
        triples = current_app.extensions["uasa.store"].triples
        result["triples"] = triples if triples is not None else int(val(_run(TRIPLES)[0], "n"))
        return result

    return cached(("counts",), compute)  # type: ignore[no-any-return]


def timeline(lang: str) -> list[dict[str, Any]]:
    def compute() -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        rows = _run(TIMELINE, lang=Literal(lang))
        names = labels(
            (val(r, v) for r in rows for v in ("item", "partner", "agreement", "mkind")), lang
        )
        for row in rows:
            item = val(row, "item")
            if item in seen:  # extra rows from several labels or types
                continue
            seen[item] = {
                "iri": item,
                "href": href(item),
                "kind": val(row, "kind"),
                "date": val(row, "when") or "",
                "label": names.get(item) or local_name(item),
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
            }
        # Dates may be xsd:date, gYearMonth or gYear: as strings they sort chronologically.
        return sorted(seen.values(), key=lambda e: (e["date"], e["kind"] != "milestone"))

    return cached(("timeline", lang), compute)  # type: ignore[no-any-return]


def commitments(lang: str) -> list[dict[str, Any]]:
    def compute() -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        found = _run(COMMITMENTS, lang=Literal(lang))
        names = labels(
            (
                val(r, v)
                for r in found
                for v in ("agreement", "obligor", "category", "qualifier", "basis")
            ),
            lang,
        )
        for row in found:
            c = val(row, "c")
            entry = rows.setdefault(
                c,
                {
                    "iri": c,
                    "href": href(c),
                    "agreement": names.get(val(row, "agreement") or ""),
                    "agreement_href": href(val(row, "agreement")),
                    "obligor": names.get(val(row, "obligor") or ""),
                    "obligor_href": href(val(row, "obligor")),
                    "categories": [],
                    "value": val(row, "value"),
                    "amount": format_amount(val(row, "value")),
                    "currency": val(row, "currency") or "",
                    "qualifier": names.get(val(row, "qualifier") or "") or "",
                    "basis": names.get(val(row, "basis") or "") or "",
                    "start": val(row, "start") or "",
                    "end": val(row, "end") or "",
                    "period": val(row, "period") or "",
                    "purpose": val(row, "purpose") or "",
                },
            )
            category = names.get(val(row, "category") or "")
            if category and category not in entry["categories"]:
                entry["categories"].append(category)
        return sorted(rows.values(), key=lambda r: (r["start"], r["agreement"] or ""))

    return cached(("commitments", lang), compute)  # type: ignore[no-any-return]


def search(q: str, lang: str) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for row in _run(SEARCH, q=Literal(q)):
        iri = val(row, "s")
        if iri is None or href(iri) is None:
            continue
        entry = found.setdefault(iri, {"iri": iri, "href": href(iri), "labels": {}, "types": set()})
        label = row["label"]
        entry["labels"][label.get("xml:lang", "")] = label["value"]
        if val(row, "type"):
            entry["types"].add(val(row, "type"))
    needle = q.casefold()
    results = []
    for entry in found.values():
        labels = entry["labels"]
        shown = labels.get(lang) or labels.get("en") or next(iter(labels.values()))
        matched = next((v for v in labels.values() if needle in v.casefold()), shown)
        kind = kind_of(entry["types"])
        results.append(
            {
                "href": entry["href"],
                "iri": entry["iri"],
                "label": shown,
                "matched": matched if matched != shown else None,
                "kind": kind,
                "rank": (
                    0 if matched.casefold() == needle else 1,
                    0 if matched.casefold().startswith(needle) else 1,
                    KIND_RANK.get(kind, len(KINDS)),
                    shown.casefold(),
                ),
            }
        )
    results.sort(key=lambda r: r["rank"])
    return results[:SEARCH_LIMIT]


def network(iri: str, lang: str) -> dict[str, Any]:
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


# -- routes --------------------------------------------------------------------------------


@blueprint.app_context_processor
def helpers() -> dict[str, Any]:
    """For every template: asset availability, so pages load scripts only when installed."""
    return {
        "asset_available": assets.available,
        "ui_lang_href": lang_href,
        "party_timeline": party_timeline,
    }


@blueprint.get("/")
def landing() -> ResponseReturnValue:
    lang = choose_lang()
    try:
        numbers = counts()
    except QueryError as exc:
        return text_error(exc.status, exc.message)
    manifest = current_app.extensions["uasa.store"].manifest
    gallery: dict[str, list[dict[str, Any]]] = {}
    cat = current_app.extensions.get("uasa.catalogue")
    for q in cat or ():
        entry = {
            "name": q.name,
            "title": q.summary.get(lang) or q.summary.get("en") or q.name,
            "description": q.description,
            "editor": f"{request.script_root}/sparql?{urlencode({'query': q.body.strip()})}",
            "run": f"{request.script_root}/queries/{q.name}",
        }
        for tag in q.tags or ("other",):
            gallery.setdefault(tag, []).append(entry)
    return render(
        "home.html",
        lang,
        page={"title": "uasa"},
        counts=numbers,
        built=manifest.get("built"),
        content_hash=manifest.get("content_hash"),
        version=uasa.__version__,
        gallery=sorted(gallery.items()),
    )


@blueprint.get("/search")
def search_page() -> ResponseReturnValue:
    lang = choose_lang()
    q = " ".join(request.args.get("q", "").split())  # collapse whitespace
    if len(q) > MAX_QUERY_CHARS:
        return text_error(400, f"The search term is longer than {MAX_QUERY_CHARS} characters.")
    try:
        results = search(q, lang) if q else []
    except QueryError as exc:
        return text_error(exc.status, exc.message)
    return render("search.html", lang, page={"title": UI[lang]["search"]}, q=q, results=results)


@blueprint.get("/timeline")
def timeline_page() -> ResponseReturnValue:
    lang = choose_lang()
    try:
        events = timeline(lang)
    except QueryError as exc:
        return text_error(exc.status, exc.message)
    return render("timeline.html", lang, page={"title": UI[lang]["timeline"]}, events=events)


@blueprint.get("/commitments")
def commitments_page() -> ResponseReturnValue:
    lang = choose_lang()
    try:
        rows = commitments(lang)
    except QueryError as exc:
        return text_error(exc.status, exc.message)
    return render("commitments.html", lang, page={"title": UI[lang]["commitments"]}, rows=rows)


NETWORK_PATH = re.compile(r"(?P<path>.+)\.json")


@blueprint.get("/network/<path:rest>")
def network_json(rest: str) -> ResponseReturnValue:
    """The graph view's data: ``/network/id/agreement/gbr-2024-01-12.json``."""
    m = NETWORK_PATH.fullmatch(rest)
    path = linked_data.resource_path(m["path"]) if m else None
    if path is None:
        return text_error(
            404, "Use /network/<resource path>.json, e.g. /network/id/party/gbr.json."
        )
    lang = request.args.get("lang") if request.args.get("lang") in LANGS else "en"
    try:
        iri = linked_data.find_iri(path)
        if iri is None or not iri.startswith(BASE) or iri.startswith(DEF):
            return text_error(404, f"No resource at /{path}.")
        response = jsonify(network(iri, lang))
    except QueryError as exc:
        return text_error(exc.status, exc.message)
    response.vary.add("Accept-Language")
    return response


def party_timeline(iri: str, lang: str) -> list[dict[str, Any]]:
    """The timeline entries of one partner, for its resource page (empty for other pages)."""
    try:
        return [e for e in timeline(lang) if e["partner"] == iri]
    except QueryError:
        return []  # the page itself still renders; the timeline is an extra
