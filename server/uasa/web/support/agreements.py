"""The agreements table behind `/agreements`: one row per security agreement, with facets.

The rows come from a few SELECTs without user input (cached per build and language, like the
other overview tables); filtering and facet counts are done here on those rows, so a request's
parameters never reach a query text. Money stays in its own currency: amounts are summed per
agreement only within one currency, period, basis and qualifier, never converted or added
across currencies, periods or exact and inexact amounts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pyoxigraph import Literal

from uasa.web.support import commitments, overview
from uasa.web.support.collation import sort_key
from uasa.web.support.labels import local_name
from uasa.web.support.overview import val

ROWS = (
    overview.PREFIXES
    + """
SELECT ?a ?date ?partner ?kind ?place ?country ?years ?expiry WHERE {
  ?a a uasa:SecurityAgreement .
  OPTIONAL { ?a uasa:signingDate ?date }
  OPTIONAL { ?a uasa:partner ?partner .
             OPTIONAL { ?partner a ?kind
                        VALUES ?kind { uasa:State uasa:InternationalOrganisation } } }
  OPTIONAL { ?a uasa:signingPlace ?place .
             OPTIONAL { ?place schema:containedInPlace*/uasa:inState ?country } }
  # A hedged term ("expected to be valid for 10 years") is no term for the table or its expiry.
  OPTIONAL { ?clause a uasa:DurationClause ; uasa:provisionOf ?a ; uasa:durationYears ?years
             FILTER NOT EXISTS { ?clause uasa:claimStatus ?caveat } }
  OPTIONAL { ?a uasa:expiryDate ?expiry }
}"""
)

MEMBERSHIPS = (
    overview.PREFIXES
    + """
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?a ?org WHERE {
  ?a a uasa:SecurityAgreement ; uasa:partner ?partner .
  ?m org:member ?partner ; org:organization ?org .
  VALUES ?org { <https://w3id.org/uasa/id/party/nato> <https://w3id.org/uasa/id/party/eu> }
}"""
)

SIGNATURES = (
    overview.PREFIXES
    + """
SELECT ?lang ?a ?sig ?person ?office ?behalf WHERE {
  ?sig uasa:signatureOf ?a . ?a a uasa:SecurityAgreement .
  OPTIONAL { ?sig uasa:signatory ?person }
  OPTIONAL { ?sig uasa:onBehalfOf ?behalf }
  OPTIONAL { ?sig uasa:officeTitle ?office FILTER(LANG(?office) IN (?lang, "en")) }
}"""
)

CATEGORIES = (
    overview.PREFIXES
    + """
SELECT DISTINCT ?a ?cat WHERE {
  ?p uasa:provisionOf ?a ; dct:subject ?cat . ?a a uasa:SecurityAgreement .
}"""
)

FRAMEWORKS = (
    overview.PREFIXES
    + """
SELECT DISTINCT ?a ?f WHERE {
  ?a a uasa:SecurityAgreement ; uasa:implements|uasa:refersTo ?f .
}"""
)

# The agreement's own money, as commitment-totals-by-currency.rq counts it: a part of a larger
# commitment of an agreement, and a contribution to another party's fund, are left out; amounts
# are added only within one currency, period, basis and qualifier (commitments.money_key).
MONEY = (
    overview.PREFIXES
    + """
SELECT ?a ?c ?value ?currency ?basis ?qualifier ?start ?end WHERE {
  ?c a uasa:Commitment ; uasa:commitmentOf ?a ;
     uasa:amount [ schema:value ?value ; schema:currency ?currency ] .
  ?a a uasa:SecurityAgreement .
  FILTER NOT EXISTS {
    ?c uasa:partOfCommitment ?whole . ?whole uasa:commitmentOf/a uasa:SecurityAgreement .
  }
  FILTER NOT EXISTS { ?c uasa:contributesTo ?fund }
  OPTIONAL { ?c uasa:amountBasis ?basis }
  OPTIONAL { ?c uasa:amountQualifier ?qualifier }
  OPTIONAL { ?c uasa:periodStart ?start }
  OPTIONAL { ?c uasa:periodEnd ?end }
}"""
)

NATO = "https://w3id.org/uasa/id/party/nato"
EU = "https://w3id.org/uasa/id/party/eu"
EXACT = "https://w3id.org/uasa/concept/amount-qualifier/exact"

# Facet name → how a row's values for it are read. Every facet is a GET parameter; a parameter
# may repeat, and a row must then have every value asked for (as datasette's filters combine).
FACETS = ("year", "month", "kind", "nato", "eu", "country", "category", "framework")
MONTH = re.compile(r"\d{4}-\d{2}")


def rows(lang: str) -> list[dict[str, Any]]:
    """Every security agreement, in signing order, with what the table and its facets show."""

    def compute() -> list[dict[str, Any]]:
        run = overview._run
        base = run(ROWS)
        members = run(MEMBERSHIPS)
        sigs = run(SIGNATURES, lang=Literal(lang))
        cats = run(CATEGORIES)
        frames = run(FRAMEWORKS)
        money = run(MONEY)
        names = overview.labels(
            [
                *(val(r, v) for r in base for v in ("a", "partner", "place", "country")),
                *(val(r, v) for r in sigs for v in ("person", "behalf")),
                *(val(r, "cat") for r in cats),
                *(val(r, "f") for r in frames),
                *(val(r, v) for r in money for v in ("basis", "qualifier")),
            ],
            lang,
        )

        def ref(iri: str | None) -> dict[str, Any] | None:
            return overview.linked(iri, names)

        table: dict[str, dict[str, Any]] = {}
        for r in base:
            a = val(r, "a") or ""
            row = table.get(a)
            if row is None:
                date = val(r, "date") or ""
                row = table[a] = {
                    **(ref(a) or {}),
                    "date": date,
                    "year": date[:4],
                    "month": date[:7] if MONTH.fullmatch(date[:7]) else "",
                    "partner": ref(val(r, "partner")),
                    "kind": "",
                    "place": ref(val(r, "place")),
                    "country": ref(val(r, "country")),
                    "years": val(r, "years") or "",
                    "expiry": val(r, "expiry") or "",
                    "nato": "no",
                    "eu": "no",
                    "signatures": [],
                    "categories": [],
                    "frameworks": [],
                    "money": [],
                }
            kind = val(r, "kind")
            if kind:
                row["kind"] = "state" if kind.endswith("State") else "organisation"
        for r in members:
            row = table.get(val(r, "a") or "")
            if row is not None:
                row["nato" if val(r, "org") == NATO else "eu"] = "yes"
        by_sig: dict[str, dict[str, Any]] = {}
        for r in sigs:
            row, sig = table.get(val(r, "a") or ""), val(r, "sig") or ""
            if row is None:
                continue
            office_lang = r.get("office", {}).get("xml:lang")
            entry = by_sig.get(sig)
            if entry is None:
                entry = by_sig[sig] = {
                    "person": ref(val(r, "person")),
                    "office": val(r, "office") or "",
                    "behalf": ref(val(r, "behalf")),
                    "lang": office_lang,
                }
                row["signatures"].append(entry)
            elif office_lang == lang and entry["lang"] != lang:  # the page language first
                entry["office"], entry["lang"] = val(r, "office") or "", office_lang
        for key, found, var in (("categories", cats, "cat"), ("frameworks", frames, "f")):
            for r in found:
                row, item = table.get(val(r, "a") or ""), ref(val(r, var))
                if row is not None and item and item["id"] not in {x["id"] for x in row[key]}:
                    row[key].append(item)
        sums: dict[str, dict[tuple[str, ...], dict[str, Any]]] = defaultdict(dict)
        seen_money: set[str] = set()
        for r in money:
            a, c = val(r, "a") or "", val(r, "c") or ""
            if a not in table or c in seen_money:
                continue
            seen_money.add(c)
            try:
                amount = Decimal(val(r, "value") or "")
            except InvalidOperation:
                continue
            basis, qualifier = val(r, "basis") or "", val(r, "qualifier") or ""
            start, end = val(r, "start") or "", val(r, "end") or ""
            money_key = commitments.money_key(
                {
                    "currency": val(r, "currency") or "",
                    "start": start,
                    "end": end,
                    "basis": {"id": local_name(basis)} if basis else None,
                    "qualifier_id": local_name(qualifier) if qualifier else commitments.UNSTATED,
                }
            )
            entry = sums[a].setdefault(
                money_key,
                {
                    "currency": money_key[0],
                    "period": money_key[1],
                    "kind": commitments.kind(money_key[2], start, end),
                    "basis": names.get(basis, "") if basis else "",
                    "qualifier": names.get(qualifier, "") if qualifier else "",
                    "exact": qualifier == EXACT,
                    "total": Decimal(0),
                    "commitments": 0,
                },
            )
            entry["total"] += amount
            entry["commitments"] += 1
        for a, per_key in sums.items():
            table[a]["money"] = [
                {**m, "total": str(m["total"])} for _, m in sorted(per_key.items())
            ]
        for row in table.values():
            row["signatures"].sort(key=lambda s: (s["person"] or {}).get("label", ""))
            row["categories"].sort(key=lambda c: c["label"].casefold())
            row["frameworks"].sort(key=lambda c: c["label"].casefold())
        return sorted(table.values(), key=lambda r: (r["date"], r["label"].casefold()))

    return overview.cached(("agreements", lang), compute)


def facet_values(row: Mapping[str, Any], facet: str) -> list[str]:
    """The values a row has for a facet, as they appear in URLs (ids, years, yes/no)."""
    if facet in ("year", "month", "kind", "nato", "eu"):
        return [row[facet]] if row[facet] else []
    if facet == "country":
        return [row["country"]["id"]] if row["country"] else []
    return [item["id"] for item in row[facet + "s" if facet != "category" else "categories"]]


def facet_label(rows: Iterable[Mapping[str, Any]], facet: str, value: str) -> str | None:
    """The label shown for a facet value that is an id (a country, category, framework)."""
    key = {"country": "country", "category": "categories", "framework": "frameworks"}.get(facet)
    if key is None:
        return None
    for row in rows:
        items = row[key] if isinstance(row[key], list) else [row[key]]
        for item in items:
            if item and item["id"] == value:
                return str(item["label"])
    return None


def selected(args: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The facet filters of a request; repeated values of one facet must all hold."""
    return overview.facet_filters(args, FACETS)


def apply(all_rows: list[dict[str, Any]], chosen: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    return [
        row
        for row in all_rows
        if all(set(values) <= set(facet_values(row, facet)) for facet, values in chosen.items())
    ]


def facets(shown: list[dict[str, Any]], all_rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Each facet's values among the rows shown, with how many of those rows have them."""
    result: dict[str, list[Any]] = {}
    for facet in FACETS:
        counts: dict[str, int] = defaultdict(int)
        for row in shown:
            for value in facet_values(row, facet):
                counts[value] += 1
        items: list[dict[str, Any]] = [
            {"value": v, "count": n, "label": facet_label(all_rows, facet, v) or v}
            for v, n in counts.items()
        ]
        if facet in ("year", "month"):
            items.sort(key=lambda i: i["value"])
        else:
            items.sort(key=lambda i: (-i["count"], sort_key(i["label"])))
        result[facet] = items
    return result


def flat(row: Mapping[str, Any]) -> dict[str, str]:
    """One CSV row: lists joined with "; ", money as "CUR amount" per currency and basis."""

    def label(item: Mapping[str, Any] | None) -> str:
        return str(item["label"]) if item else ""

    def iri(item: Mapping[str, Any] | None) -> str:
        return str(item["iri"]) if item else ""

    return {
        "agreement": row["iri"],
        "label": row["label"],
        "signing_date": row["date"],
        "partner": iri(row["partner"]),
        "partner_label": label(row["partner"]),
        "partner_kind": row["kind"],
        "nato_member": row["nato"],
        "eu_member": row["eu"],
        "place": label(row["place"]),
        "country": label(row["country"]),
        "signatories": "; ".join(
            label(s["person"]) + (f" ({s['office']})" if s["office"] else "")
            for s in row["signatures"]
        ),
        "duration_years": row["years"],
        "expiry_date": row["expiry"],
        "provision_categories": "; ".join(c["id"] for c in row["categories"]),
        "provision_category_labels": "; ".join(c["label"] for c in row["categories"]),
        "frameworks": "; ".join(f["id"] for f in row["frameworks"]),
        "money": "; ".join(
            f"{m['currency']} {m['total']} ("
            + ", ".join(x for x in (m["period"], m["basis"], m["qualifier"]) if x)
            + ")"
            for m in row["money"]
        ),
    }
