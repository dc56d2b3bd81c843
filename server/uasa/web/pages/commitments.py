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
a query text. ``/commitments.csv`` and ``.json`` with the same parameters return exactly the rows
shown; the page is ``templates/table_page.html``, its tables per currency the spec's
``body_macro`` (``currency_groups`` in ``templates/table.html``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pyoxigraph import Literal

from uasa.core.iris import DEF
from uasa.web.pages.table import (
    Column,
    Facet,
    FacetedTable,
    Row,
    Selection,
    Sort,
    field_facet,
    link_facet,
)
from uasa.web.support import lookup, sparql
from uasa.web.support.collation import sort_key
from uasa.web.support.labels import local_name
from uasa.web.support.lookup import href, val
from uasa.web.support.ui import UI

UNSTATED = "unstated"
Names = dict[str, str]


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


def _build(lang: str) -> list[Row]:
    """Every commitment, with what the table, its facets and its subtotals need."""
    found = lookup.run(sparql.query("commitment-rows"), lang=Literal(lang))
    names = lookup.labels(
        (
            val(r, v)
            for r in found
            for v in ("of", "obligor", "partner", "category", "qualifier", "basis", "publisher")
        ),
        lang,
    )
    table: dict[str, Row] = {}
    for r in found:
        c = val(r, "c") or ""
        row = table.get(c)
        if row is None:
            row = table[c] = _new_row(c, r, names)
        elif (
            val(r, "purpose")
            and (r.get("purpose") or {}).get("xml:lang") == lang
            and row["purpose_lang"] != lang
        ):
            row["purpose"], row["purpose_lang"] = val(r, "purpose") or "", lang
        category = lookup.linked(val(r, "category"), names)
        if category and category["id"] not in {x["id"] for x in row["categories"]}:
            row["categories"].append(category)
        _add_source(row, r, names)
    for row in table.values():
        row["categories"].sort(key=lambda x: sort_key(x["label"], lang))
        row["sources"].sort(key=lambda s: sort_key(s["label"], lang))
    return sorted(
        table.values(),
        key=lambda r: (r["start"], sort_key(_partner(r), lang), r["id"]),
    )


def _new_row(c: str, r: Row, names: Names) -> Row:
    """A commitment's row from its first result row."""

    def ref(iri: str | None) -> dict[str, Any] | None:
        return lookup.linked(iri, names)

    value = val(r, "value")
    start, end = val(r, "start") or "", val(r, "end") or ""
    period = val(r, "period") or ""
    is_agreement = val(r, "isAgreement") == "true"
    whole, fund = val(r, "whole"), val(r, "fund")
    qualifier = ref(val(r, "qualifier"))
    basis = val(r, "basis")
    return {
        "iri": c,
        "id": local_name(c),
        "href": href(c),
        "of": ref(val(r, "of")),
        "agreement": is_agreement,
        "partner": ref(val(r, "obligor")) or ref(val(r, "partner")),
        "categories": [],
        "value": value or "",
        "currency": val(r, "currency") or "",
        "qualifier": qualifier,
        "qualifier_id": qualifier["id"] if qualifier else UNSTATED,
        "basis": ref(basis),
        "start": start,
        "end": end,
        "period": period,
        "no_period": bool(value) and not (start or end or period),
        "years": _years(start, end),
        "period_key": period_key(start, end),
        "kind": kind(local_name(basis) if basis else UNSTATED, start, end),
        "purpose": val(r, "purpose") or "",
        "purpose_lang": (r.get("purpose") or {}).get("xml:lang") or "",
        "sources": [],
        # Why an amount shown is not added to its currency's subtotal, if it is not.
        "not_counted": (
            (
                "framework"
                if not is_agreement
                else "part"
                if whole
                else "contribution"
                if fund
                else ""
            )
            if value
            else ""
        ),
        "whole": ref(whole or fund),
    }


def _add_source(row: Row, r: Row, names: Names) -> None:
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


def _amount(row: Row) -> Decimal:
    return _decimal(row["value"]) or Decimal(0)


def _partner(row: Row) -> str:
    return str((row["partner"] or {}).get("label", ""))


FACETS = (
    link_facet("partner", title="cfacet_partner"),
    field_facet("currency", by_value=True, title="cfacet_currency"),
    Facet("year", lambda r: list(r["years"]), by_value=True, title="cfacet_year"),
    Facet(
        "qualifier",
        lambda r: [r["qualifier_id"]] if r["value"] else [],
        label=lambda r, value: r["qualifier"]["label"] if r["qualifier"] else None,
        shown=lambda value, label, lang: UI[lang]["unstated"] if value == UNSTATED else label,
        title="cfacet_qualifier",
    ),
)

COLUMNS = (
    Column("partner", "c_partner"),
    Column("commitment_of", "c_of"),
    Column("amount", "c_amount", head_class="num"),
    Column("qualifier", "c_qualifier"),
    Column("basis", "c_basis"),
    Column("period", "c_period"),
    Column("category", "c_categories"),
    Column("purpose", "c_purpose"),
    Column("source", "c_sources"),
)

SORTS = (
    Sort("amount", lambda r, _: _amount(r), "sort_amount"),
    Sort("-amount", lambda r, _: _amount(r), "sort_amount_desc", reverse=True),
    Sort("partner", lambda r, lang: (sort_key(_partner(r), lang), r["start"]), "sort_partner"),
    Sort("date", lambda r, lang: (r["start"] or "9999", sort_key(_partner(r), lang)), "sort_date"),
)


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


_BLANK = {"iri": "", "value": "", "currency": "", "start": "", "end": "", "period": "", "kind": ""}
FIELDS = tuple(
    flat(
        {
            **_BLANK,
            **{"of": None, "partner": None, "qualifier": None, "basis": None},
            **{"categories": [], "sources": [], "purpose": ""},
            **{"no_period": False, "not_counted": ""},
        }
    )
)

TABLE = FacetedTable(
    name="commitments",
    row_class=DEF + "Commitment",
    facets=FACETS,
    columns=COLUMNS,
    build=_build,
    flat=flat,
    fields=FIELDS,
    combine="any",
    counts="click",
    sorts=SORTS,
    default_sort="date",
    group=lambda row: row["currency"] if row["value"] else "",
    title="commitments",
    intro=("commitments_intro", "subtotal_intro"),
    shown_text="commitments_shown",
    body_macro="currency_groups",
    body=lambda selection: grouped(selection),
)


@dataclass(frozen=True)
class Group:
    """One currency's table (currency "": the commitments with no amount)."""

    currency: str
    rows: list[Row]
    subtotals: list[dict[str, Any]]


def grouped(selection: Selection) -> list[Group]:
    """The rows shown, one group per currency (alphabetical; rows with no amount last), sorted
    within the group only, with the group's subtotals per period, basis and qualifier. With
    years chosen, each row and subtotal says whether it is money of those years (a single-year
    or per-year amount) or the total of a longer period that includes them."""
    years = selection.chosen.get("year")
    out = []
    for currency, members in selection.groups():
        subtotals: dict[tuple[str, ...], dict[str, Any]] = {}
        for row in members:
            row["scope"] = _scope(row, years) if row["value"] else ""
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
        totals = [{**s, "total": str(s["total"])} for _, s in sorted(subtotals.items())]
        out.append(Group(currency, members, totals))
    return out


def _scope(row: Row, years: list[str] | None) -> str:
    if not years:
        return ""
    return "period-total" if row["kind"] == "period-total" else "year"
