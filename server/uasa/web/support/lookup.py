"""What every page model needs from the store: run a SELECT, keep its answer per build, read a
cell, link an IRI to its page, and the best label of many IRIs at once.

User input is bound by ``substitutions=``, never spliced into a query's text. Answers that do
not depend on user input are kept per build, keyed by the build's content hash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import current_app, request
from pyoxigraph import NamedNode

from uasa.core import labels as labels_rule
from uasa.query.rows import select
from uasa.web.support import context, sparql
from uasa.web.support.labels import local_name
from uasa.web.support.paths import page_path

Row = dict[str, Any]  # one SPARQL JSON results binding: variable → {"type", "value", …}

LABEL_BATCH = 200
LABEL_VALUES = "VALUES ?s { }"  # in labels.rq, where `best_labels` puts a batch of IRIs

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


def kind_of(types: Iterable[str]) -> str:
    names = {local_name(t) for t in types}
    for kind, classes in KINDS:
        if names.intersection(classes):
            return kind
    return "other"


def run(query: str, **subs: Any) -> list[Row]:
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


def val(row: Row, var: str) -> str | None:
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
    return {iri: c[2] for iri, c in best_labels(iris, lang).items()}


def best_labels(iris: Iterable[str | None], lang: str) -> dict[str, labels_rule.Candidate]:
    """As `labels`, each with its property and language (to mark a label in another one)."""
    wanted = sorted({i for i in iris if i})
    found: dict[str, list[labels_rule.Candidate]] = {}
    for start in range(0, len(wanted), LABEL_BATCH):
        # These IRIs come from the store's own answers and are re-serialised by NamedNode,
        # which rejects anything that is not an IRI: user input never reaches this text.
        values = " ".join(str(NamedNode(i)) for i in wanted[start : start + LABEL_BATCH])
        query = sparql.query("labels").replace(LABEL_VALUES, f"VALUES ?s {{ {values} }}", 1)
        for row in run(query):
            label = row["l"]
            if label["type"] == "literal":
                candidate = (row["p"]["value"], label.get("xml:lang"), label["value"])
                found.setdefault(row["s"]["value"], []).append(candidate)
    chosen = {iri: labels_rule.best(candidates, lang) for iri, candidates in found.items()}
    return {iri: c for iri, c in chosen.items() if c is not None}
