"""The commitments table behind `/commitments`: one row per commitment, grouped by currency.

Money is never converted and never sorted or added across currencies: the rows are shown in
one table per currency (NOK 75bn never sorts above EUR 40bn), each with subtotals per period,
amount basis and qualifier: only amounts of the same period, basis and qualifier are added, so
a multi-year total is never counted in each of its years, a single year's amount is never added
to a programme of several years that may contain it, and an "at least" is never added to an
exact amount. The subtotals count the way ``queries/commitment-totals-by-currency.rq`` counts: a
commitment that is part of a larger commitment of an agreement, a contribution to another
party's fund, and the organisations' own framework budgets are shown but not added; aid already
delivered is not a commitment and is not in this table.

The rows come from one SELECT without user input, cached per build and language; facets
(partner, currency, year, qualifier) filter those rows here, so request parameters never reach
a query text. ``/commitments.csv`` with the same parameters returns exactly the rows shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pyoxigraph import Literal

from uasa.web.support import overview
from uasa.web.support.collation import sort_key
from uasa.web.support.labels import local_name
from uasa.web.support.overview import href, val

ROWS = (
    overview.PREFIXES
    + """
SELECT ?lang ?c ?of ?isAgreement ?obligor ?partner ?category ?value ?currency ?qualifier ?basis
       ?start ?end ?period ?purpose ?source ?url ?publisher ?counted ?whole ?fund
WHERE {
  ?c a uasa:Commitment ; uasa:commitmentOf ?of .
  BIND(EXISTS { ?of a uasa:SecurityAgreement } AS ?isAgreement)
  OPTIONAL { ?of uasa:partner ?partner }
  OPTIONAL { ?c uasa:obligor ?obligor }
  OPTIONAL { ?c dct:subject ?category }
  OPTIONAL { ?c uasa:amount ?amount . ?amount schema:value ?value .
             OPTIONAL { ?amount schema:currency ?currency } }
  OPTIONAL { ?c uasa:amountQualifier ?qualifier }
  OPTIONAL { ?c uasa:amountBasis ?basis }
  OPTIONAL { ?c uasa:periodStart ?start }
  OPTIONAL { ?c uasa:periodEnd ?end }
  OPTIONAL { ?c uasa:periodLabel ?period }
  OPTIONAL { ?c uasa:purpose ?purpose FILTER(LANG(?purpose) IN (?lang, "en", "")) }
  OPTIONAL { ?c prov:wasDerivedFrom ?source .
             OPTIONAL { ?source schema:url ?url }
             OPTIONAL { ?source dct:publisher ?publisher } }
  OPTIONAL { ?c uasa:partOfCommitment ?whole . ?whole uasa:commitmentOf/a uasa:SecurityAgreement }
  OPTIONAL { ?c uasa:contributesTo ?fund }
}"""
)

FACETS = ("partner", "currency", "year", "qualifier")
SORTS = ("amount", "-amount", "partner", "date")
UNSTATED = "unstated"


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value is not None else None
    except InvalidOperation:
        return None


def _years(start: str, end: str) -> list[str]:
    """The years a period covers, as the saved query places a commitment in a year: from its
    start year to its end year (an open end: the start year only, as no later year is stated).
    A period with no start year is in no year."""
    if not start[:4].isdigit():
        return []
    first = int(start[:4])
    last = int(end[:4]) if end[:4].isdigit() else first
    return [str(y) for y in range(first, max(first, last) + 1)]


def period_key(start: str, end: str) -> str:
    """The period as the saved queries write it: "2024", "2023-2027", "2024-" (open end),
    "-2026" (no start) or "unstated". Amounts are added only within one period."""
    first, last = start[:4], end[:4]
    if first:
        return first if last == first else f"{first}\u2013{last}"
    return f"\u2013{last}" if last else UNSTATED


def kind(basis_id: str, start: str, end: str) -> str:
    """What an amount is in time: "year" (one year's amount), "per-year" (each year of the
    period), "period-total" (one total for several years) or "unstated" (no period)."""
    if basis_id == "per-year":
        return "per-year"
    if not start and not end:
        return UNSTATED
    return "year" if start[:4] and start[:4] == end[:4] else "period-total"


def money_key(row: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """The only amounts ever added together share currency, period, basis and qualifier."""
    basis = row["basis"]["id"] if row["basis"] else UNSTATED
    return (row["currency"], period_key(row["start"], row["end"]), basis, row["qualifier_id"])


def rows(lang: str) -> list[dict[str, Any]]:
    """Every commitment, with what the table, its facets and its subtotals need."""

    def compute() -> list[dict[str, Any]]:
        found = overview._run(ROWS, lang=Literal(lang))
        names = overview.labels(
            (
                val(r, v)
                for r in found
                for v in ("of", "obligor", "partner", "category", "qualifier", "basis", "publisher")
            ),
            lang,
        )

        def ref(iri: str | None) -> dict[str, Any] | None:
            return overview.linked(iri, names)

        table: dict[str, dict[str, Any]] = {}
        for r in found:
            c = val(r, "c") or ""
            row = table.get(c)
            if row is None:
                value = val(r, "value")
                start, end = val(r, "start") or "", val(r, "end") or ""
                period = val(r, "period") or ""
                is_agreement = val(r, "isAgreement") == "true"
                whole, fund = val(r, "whole"), val(r, "fund")
                qualifier = ref(val(r, "qualifier"))
                party = ref(val(r, "obligor")) or ref(val(r, "partner"))
                row = table[c] = {
                    "iri": c,
                    "id": local_name(c),
                    "href": href(c),
                    "of": ref(val(r, "of")),
                    "agreement": is_agreement,
                    "partner": party,
                    "categories": [],
                    "value": value or "",
                    "currency": val(r, "currency") or "",
                    "qualifier": qualifier,
                    "qualifier_id": qualifier["id"] if qualifier else UNSTATED,
                    "basis": ref(val(r, "basis")),
                    "start": start,
                    "end": end,
                    "period": period,
                    "no_period": bool(value) and not (start or end or period),
                    "years": _years(start, end),
                    "period_key": period_key(start, end),
                    "kind": kind(
                        local_name(val(r, "basis") or "") if val(r, "basis") else UNSTATED,
                        start,
                        end,
                    ),
                    "purpose": val(r, "purpose") or "",
                    "purpose_lang": (r.get("purpose") or {}).get("xml:lang") or "",
                    "sources": [],
                    # Why an amount shown is not added to its currency's subtotal, if it is not.
                    "not_counted": (
                        "framework"
                        if not is_agreement
                        else "part"
                        if whole
                        else "contribution"
                        if fund
                        else ""
                    )
                    if value
                    else "",
                    "whole": ref(whole or fund),
                }
            elif (
                val(r, "purpose")
                and (r.get("purpose") or {}).get("xml:lang") == lang
                and row["purpose_lang"] != lang
            ):
                row["purpose"], row["purpose_lang"] = val(r, "purpose") or "", lang
            category = ref(val(r, "category"))
            if category and category["id"] not in {x["id"] for x in row["categories"]}:
                row["categories"].append(category)
            source = val(r, "source")
            if source and source not in {s["iri"] for s in row["sources"]}:
                url = val(r, "url")
                publisher = names.get(val(r, "publisher") or "")
                row["sources"].append(
                    {
                        "iri": source,
                        "href": href(source),
                        "url": url or "",
                        "label": publisher or (url or source).split("/")[2 if url else -1],
                    }
                )
        for row in table.values():
            row["categories"].sort(key=lambda x: x["label"].casefold())
            row["sources"].sort(key=lambda s: s["label"].casefold())
        return sorted(
            table.values(),
            key=lambda r: (r["start"], (r["partner"] or {}).get("label", ""), r["id"]),
        )

    found: list[dict[str, Any]] = overview.cached(("commitments-table", lang), compute)
    return found


def facet_values(row: Mapping[str, Any], facet: str) -> list[str]:
    """A row's values for a facet, as they appear in URLs."""
    if facet == "partner":
        return [row["partner"]["id"]] if row["partner"] else []
    if facet == "currency":
        return [row["currency"]] if row["currency"] else []
    if facet == "year":
        return list(row["years"])
    return [row["qualifier_id"]] if row["value"] else []


def selected(args: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The facet filters of a request; several values of one facet are alternatives."""
    return overview.facet_filters(args, FACETS)


def apply(all_rows: list[dict[str, Any]], chosen: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    return [
        row
        for row in all_rows
        if all(set(values) & set(facet_values(row, facet)) for facet, values in chosen.items())
    ]


def facets(
    shown: list[dict[str, Any]], all_rows: list[dict[str, Any]], chosen: Mapping[str, list[str]]
) -> dict[str, list[dict[str, Any]]]:
    """Each facet's values with how many rows would be shown with that value chosen (the
    other facets' filters kept), so a count is what a click gives."""
    result: dict[str, list[dict[str, Any]]] = {}
    for facet in FACETS:
        others = {f: v for f, v in chosen.items() if f != facet}
        counts: dict[str, int] = defaultdict(int)
        labels: dict[str, str] = {}
        for row in apply(all_rows, others):
            for value in facet_values(row, facet):
                counts[value] += 1
                if facet == "partner":
                    labels[value] = row["partner"]["label"]
                elif facet == "qualifier" and row["qualifier"]:
                    labels[value] = row["qualifier"]["label"]
        items: list[dict[str, Any]] = [
            {"value": v, "count": n, "label": labels.get(v, v)} for v, n in counts.items()
        ]
        if facet in ("year", "currency"):
            items.sort(key=lambda i: i["value"])
        else:
            items.sort(key=lambda i: (-i["count"], sort_key(i["label"])))
        result[facet] = items
    return result


def _sort_key(sort: str) -> Any:
    if sort in ("amount", "-amount"):
        return lambda r: _decimal(r["value"]) or Decimal(0)
    if sort == "partner":
        return lambda r: ((r["partner"] or {}).get("label", "").casefold(), r["start"])
    return lambda r: (r["start"] or "9999", (r["partner"] or {}).get("label", ""))


def grouped(
    shown: list[dict[str, Any]], sort: str, years: list[str] | None = None
) -> list[dict[str, Any]]:
    """The rows shown, one group per currency (alphabetical; rows with no amount last), sorted
    within the group only, with the group's subtotals per period, basis and qualifier. With
    years chosen, each row and subtotal says whether it is money of those years (a single-year
    or per-year amount) or the total of a longer period that includes them."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in shown:
        groups[row["currency"] if row["value"] else ""].append(row)

    def scope(row: Mapping[str, Any]) -> str:
        if not years:
            return ""
        return "period-total" if row["kind"] == "period-total" else "year"

    out = []
    for currency in sorted(groups, key=lambda c: (c == "", c)):
        members = sorted(groups[currency], key=_sort_key(sort), reverse=sort == "-amount")
        subtotals: dict[tuple[str, ...], dict[str, Any]] = {}
        for row in members:
            row["scope"] = scope(row) if row["value"] else ""
            amount = _decimal(row["value"])
            if amount is None or row["not_counted"]:
                continue
            _, period, basis, qualifier = money_key(row)
            entry = subtotals.setdefault(
                (row["scope"], period, basis, qualifier),
                {
                    "period": period,
                    "scope": row["scope"],
                    "kind": row["kind"],
                    "basis": row["basis"],
                    "basis_id": basis,
                    "qualifier": row["qualifier"],
                    "qualifier_id": qualifier,
                    "total": Decimal(0),
                    "commitments": 0,
                },
            )
            entry["total"] += amount
            entry["commitments"] += 1
        out.append(
            {
                "currency": currency,
                "rows": members,
                "subtotals": [
                    {**s, "total": str(s["total"])} for _, s in sorted(subtotals.items())
                ],
            }
        )
    return out


def ordered(shown: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """The rows in the order the page shows them (for the CSV)."""
    return [row for group in grouped(shown, sort) for row in group["rows"]]


def flat(row: Mapping[str, Any]) -> dict[str, str]:
    """One CSV row."""

    def label(item: Mapping[str, Any] | None) -> str:
        return str(item["label"]) if item else ""

    return {
        "commitment": row["iri"],
        "of": row["of"]["iri"] if row["of"] else "",
        "of_label": label(row["of"]),
        "partner": label(row["partner"]),
        "categories": "; ".join(c["label"] for c in row["categories"]),
        "amount": row["value"],
        "currency": row["currency"],
        "qualifier": label(row["qualifier"]),
        "basis": label(row["basis"]),
        "period_start": row["start"],
        "period_end": row["end"],
        "period": row["period"],
        "period_kind": row.get("kind", ""),
        "no_period": "yes" if row["no_period"] else "",
        "added_to_subtotal": ("no" if row["not_counted"] else "yes") if row["value"] else "",
        "purpose": row["purpose"],
        "sources": "; ".join(s["url"] or s["iri"] for s in row["sources"]),
    }


FIELDS = list(
    flat(
        {
            "iri": "",
            "of": None,
            "partner": None,
            "categories": [],
            "value": "",
            "currency": "",
            "qualifier": None,
            "basis": None,
            "start": "",
            "end": "",
            "period": "",
            "kind": "",
            "no_period": False,
            "not_counted": "",
            "purpose": "",
            "sources": [],
        }
    )
)
