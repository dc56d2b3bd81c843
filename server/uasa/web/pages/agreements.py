"""`/agreements`: one row per security agreement, as a faceted table (`pages.table`).

Modelled on datasette's table views: every combination of facets is a plain URL of GET
parameters (``/agreements?year=2024&category=training``), a repeated parameter must all hold
(as datasette's filters combine), each facet shows its values with how many of the rows shown
have them, and ``/agreements.csv`` / ``.json`` with the same parameters return exactly the rows
the page shows. Money stays in its own currency: amounts are summed per agreement only within
one currency, period, basis and qualifier, never converted or added across currencies, periods
or exact and inexact amounts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from pyoxigraph import Literal

from uasa.core.iris import CONCEPT, DEF, EU, NATO, PREFIXES, sparql_prefixes
from uasa.web.pages import commitments
from uasa.web.pages.table import (
    Column,
    FacetedTable,
    Links,
    PageLink,
    Row,
    TableView,
    field_facet,
    link_facet,
)
from uasa.web.support import formats, lookup, sparql
from uasa.web.support.collation import sort_key
from uasa.web.support.labels import local_name
from uasa.web.support.lookup import val
from uasa.web.support.ui import UI

EXACT = CONCEPT + "amount-qualifier/exact"
MONTH = re.compile(r"\d{4}-\d{2}")
Names = dict[str, str]


def _translated(prefix: str) -> Callable[[str, str, str], str]:
    """A facet's shown text: the translation of ``<prefix><value>``, else the value."""
    return lambda value, label, lang: UI[lang].get(f"{prefix}{value}", value)


FACETS = (
    field_facet("year", by_value=True),
    field_facet("month", by_value=True, shown=lambda value, _, lang: formats.month(value, lang)),
    field_facet("kind", shown=_translated("kind_")),
    field_facet("nato", shown=_translated("answer_")),
    field_facet("eu", shown=_translated("answer_")),
    link_facet("country"),
)

COLUMNS: tuple[Column | Links, ...] = (
    Column("agreement", "agreement"),
    Column("partner", "partner"),
    Column("date", "date", numeric=True),
    Column("place", "place"),
    Column("signatures", "signatures"),
    Column("duration", "duration", numeric=True),
    Links(
        "categories",
        path="^uasa:provisionOf/dct:subject",
        facet="category",
        title="categories",
        csv_ids="provision_categories",
        csv_labels="provision_category_labels",
    ),
    Links(
        "frameworks",
        path="uasa:implements|uasa:refersTo",
        facet="framework",
        title="frameworks",
        csv_ids="frameworks",
        shown=False,
    ),
    Column("money", "money"),
)
LINKS = tuple(c for c in COLUMNS if isinstance(c, Links))


def rows(lang: str) -> list[Row]:
    """Every security agreement, in signing order, with what the table and its facets show."""
    return TABLE.rows(lang)


def _build(lang: str) -> list[Row]:
    run = lookup.run
    base = run(sparql.query("agreement-rows"))
    members = run(sparql.query("agreement-memberships"))
    sigs = run(sparql.query("agreement-signatures"), lang=Literal(lang))
    money = run(sparql.query("agreement-money"))
    names = lookup.labels(
        [
            *(val(r, v) for r in base for v in ("a", "partner", "place", "country")),
            *(val(r, v) for r in sigs for v in ("person", "behalf")),
            *(val(r, v) for r in money for v in ("basis", "qualifier")),
        ],
        lang,
    )
    table = _base_rows(base, names)
    for r in members:
        row = table.get(val(r, "a") or "")
        if row is not None and val(r, "org") in (NATO, EU):
            row["nato" if val(r, "org") == NATO else "eu"] = "yes"
    _add_signatures(table, sigs, names, lang)
    _add_money(table, money, names)
    for row in table.values():
        row["signatures"].sort(key=lambda s: sort_key((s["person"] or {}).get("label", ""), lang))
    return sorted(table.values(), key=lambda r: (r["date"], sort_key(r["label"], lang)))


def _base_rows(base: list[Row], names: Names) -> dict[str, Row]:
    """One row per agreement from the main query (several result rows may share one)."""
    table: dict[str, Row] = {}
    for r in base:
        a = val(r, "a") or ""
        row = table.get(a)
        if row is None:
            date = val(r, "date") or ""
            row = table[a] = {
                **(lookup.linked(a, names) or {}),
                "date": date,
                "year": date[:4],
                "month": date[:7] if MONTH.fullmatch(date[:7]) else "",
                "partner": lookup.linked(val(r, "partner"), names),
                "kind": "",
                "place": lookup.linked(val(r, "place"), names),
                "country": lookup.linked(val(r, "country"), names),
                "years": val(r, "years") or "",
                "expiry": val(r, "expiry") or "",
                "nato": "no",
                "eu": "no",
                "signatures": [],
                "money": [],
            }
        kind = val(r, "kind")
        if kind:
            row["kind"] = "state" if kind.endswith("State") else "organisation"
    return table


def _add_signatures(table: dict[str, Row], sigs: list[Row], names: Names, lang: str) -> None:
    """Each agreement's signatures, the office in the page's language where it has one."""
    by_sig: dict[str, dict[str, Any]] = {}
    for r in sigs:
        row, sig = table.get(val(r, "a") or ""), val(r, "sig") or ""
        if row is None:
            continue
        office_lang = r.get("office", {}).get("xml:lang")
        entry = by_sig.get(sig)
        if entry is None:
            entry = by_sig[sig] = {
                "person": lookup.linked(val(r, "person"), names),
                "office": val(r, "office") or "",
                "behalf": lookup.linked(val(r, "behalf"), names),
                "lang": office_lang,
            }
            row["signatures"].append(entry)
        elif office_lang == lang and entry["lang"] != lang:  # the page language first
            entry["office"], entry["lang"] = val(r, "office") or "", office_lang


def _add_money(table: dict[str, Row], money: list[Row], names: Names) -> None:
    """Each agreement's money, summed per currency, period, basis and qualifier."""
    sums: dict[str, dict[tuple[str, ...], dict[str, Any]]] = defaultdict(dict)
    seen: set[str] = set()
    for r in money:
        a, c = val(r, "a") or "", val(r, "c") or ""
        if a not in table or c in seen:
            continue
        seen.add(c)
        try:
            amount = Decimal(val(r, "value") or "")
        except InvalidOperation:
            continue
        basis, qualifier = val(r, "basis") or "", val(r, "qualifier") or ""
        start, end = val(r, "start") or "", val(r, "end") or ""
        key = commitments.money_key(
            {
                "currency": val(r, "currency") or "",
                "start": start,
                "end": end,
                "basis": {"id": local_name(basis)} if basis else None,
                "qualifier_id": local_name(qualifier) if qualifier else commitments.UNSTATED,
            }
        )
        entry = sums[a].setdefault(
            key,
            {
                "currency": key[0],
                "period": key[1],
                "kind": commitments.kind(key[2], start, end),
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
        table[a]["money"] = [{**m, "total": str(m["total"])} for _, m in sorted(per_key.items())]


def flat(row: Row) -> dict[str, str]:
    """One CSV row: lists joined with "; ", money as "CUR amount" per currency and basis."""

    def label(item: Row | None) -> str:
        return str(item["label"]) if item else ""

    return {
        "agreement": row["iri"],
        "label": row["label"],
        "signing_date": row["date"],
        "partner": str(row["partner"]["iri"]) if row["partner"] else "",
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
        # The `Links` columns here, before the money, where the CSV has always had them.
        **{k: v for column in LINKS for k, v in column.flat(row).items()},
        "money": "; ".join(
            f"{m['currency']} {m['total']} ("
            + ", ".join(x for x in (m["period"], m["basis"], m["qualifier"]) if x)
            + ")"
            for m in row["money"]
        ),
    }


_BLANK = {"iri": "", "label": "", "date": "", "kind": "", "nato": "", "eu": "", "years": ""}
FIELDS = tuple(
    flat(
        {
            **_BLANK,
            **{"expiry": "", "partner": None, "place": None, "country": None, "signatures": []},
            **{column.key: [] for column in LINKS},
            "money": [],
        }
    )
)

TABLE = FacetedTable(
    name="agreements",
    row_class=DEF + "SecurityAgreement",
    facets=FACETS,
    columns=COLUMNS,
    build=_build,
    flat=flat,
    fields=FIELDS,
    title="agreements_title",
    intro=("agreements_intro",),
    noun="agreement",
    page_links=(
        PageLink("matrix-link", "matrix_title", lambda view, lang: _matrix_href(view)),
        PageLink("table-sparql", "table_sparql", lambda view, lang: _sparql_href(view, lang)),
    ),
    row_data=lambda row: {"agreement": row["id"]},
)


def _matrix_href(view: TableView) -> str:
    return view.hrefs.to(view.hrefs.args, "/agreements/matrix")


def _sparql_href(view: TableView, lang: str) -> str:
    """The editor with the table's query ("this table in SPARQL")."""
    return f"{view.hrefs.root}/sparql?" + urlencode({"query": editor_query(lang)})


@dataclass(frozen=True)
class MatrixRow:
    row: Row
    has: set[str]  # the ids of its provision categories


def matrix(shown: list[Row], everything: list[Row], lang: str) -> tuple[list[Row], list[MatrixRow]]:
    """Agreement by provision category: every category any agreement has (alphabetical), and
    which of them each agreement shown has."""
    categories = sorted(
        {c["id"]: c for row in everything for c in row["categories"]}.values(),
        key=lambda c: sort_key(c["label"], lang),
    )
    return categories, [MatrixRow(row, {c["id"] for c in row["categories"]}) for row in shown]


def editor_query(lang: str) -> str:
    """The table's main columns as one query, for the editor ("this table in SPARQL"): what a
    table user expects beside the CSV, to change and rerun. The page's filters are not in it.
    It declares only the prefixes it uses, so it reads as a user would write it."""
    body = sparql.query("agreements-editor").removeprefix(sparql_prefixes())
    used = set(re.findall(r"\b([a-z]+):\w", body))
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p in used)
    return (prefixes + body).replace("{lang}", lang).rstrip("\n")
