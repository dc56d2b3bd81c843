"""`/agreements`: the security agreements as one faceted table, and the same rows as CSV/JSON.

Modelled on datasette's table views: every combination of facets is a plain URL of GET
parameters (``/agreements?year=2024&category=training``), each facet shows its values with
how many of the rows shown have them, and ``/agreements.csv`` / ``/agreements.json`` with the
same parameters return exactly the rows the page shows.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from uasa.core.errors import UasaError
from uasa.web.support import agreements as table
from uasa.web.support import formats
from uasa.web.support.collation import sort_key
from uasa.web.support.i18n import choose_lang, render
from uasa.web.support.ui import PLURALS, UI

blueprint = Blueprint("agreements", __name__)


def _args() -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.args.items(multi=True)]


def _url(path: str, args: list[tuple[str, str]]) -> str:
    query = urlencode(args)
    return f"{request.script_root}{path}" + (f"?{query}" if query else "")


def _selection() -> tuple[dict[str, list[str]], list[dict[str, Any]], list[dict[str, Any]], str]:
    lang = choose_lang()
    everything = table.rows(lang)
    chosen = table.selected(request.args.to_dict(flat=False))
    return chosen, everything, table.apply(everything, chosen), lang


def _facet_label(facet: str, value: str, everything: list[dict[str, Any]], lang: str) -> str:
    t = UI[lang]
    if facet == "month":
        return formats.month(value, lang)
    if facet == "kind":
        return t.get(f"kind_{value}", value)
    if facet in ("nato", "eu"):
        return t.get(f"answer_{value}", value)
    return table.facet_label(everything, facet, value) or value


@blueprint.get("/agreements")
def agreements_page() -> ResponseReturnValue:
    chosen, everything, shown, lang = _selection()
    args = _args()
    facets = []
    for facet, items in table.facets(shown, everything).items():
        values = []
        for item in items:
            on = item["value"] in chosen.get(facet, [])
            pair = (facet, item["value"])
            values.append(
                {
                    "label": _facet_label(facet, item["value"], everything, lang),
                    "count": formats.number(item["count"], lang),
                    "selected": on,
                    "href": _url(
                        "/agreements", [a for a in args if a != pair] if on else [*args, pair]
                    ),
                }
            )
        facets.append({"name": facet, "values": values})
    active = [
        {
            "facet": facet,
            "label": _facet_label(facet, value, everything, lang),
            "href": _url("/agreements", [a for a in args if a != (facet, value)]),
        }
        for facet, values in chosen.items()
        for value in values
    ]
    t = UI[lang]
    return render(
        "agreements.html",
        lang,
        page={"title": t["agreements_title"]},
        rows=shown,
        total=len(everything),
        shown_text=formats.counted(len(shown), PLURALS[lang]["agreement"], lang),
        plurals=PLURALS[lang],
        facets=facets,
        active=active,
        clear_href=_url("/agreements", [a for a in args if a[0] not in table.FACETS]),
        csv_href=_url("/agreements.csv", args),
        json_href=_url("/agreements.json", args),
        matrix_href=_url("/agreements/matrix", args),
        sparql_href=_url("/sparql", [("query", TABLE_SPARQL.replace("{lang}", lang))]),
        fmt=formats,
        filter_href=lambda facet, value: _url(
            "/agreements", [*args, (facet, value)] if (facet, value) not in args else args
        ),
    )


@blueprint.get("/agreements/matrix")
def agreements_matrix() -> ResponseReturnValue:
    """Agreement by provision category: which agreement has provisions of which category, the
    rows the table's filters leave (the same GET parameters)."""
    chosen, everything, shown, lang = _selection()
    categories = sorted(
        {c["id"]: c for row in everything for c in row["categories"]}.values(),
        key=lambda c: sort_key(c["label"]),
    )
    rows = [{"row": row, "has": {c["id"] for c in row["categories"]}} for row in shown]
    return render(
        "agreements_matrix.html",
        lang,
        page={"title": UI[lang]["matrix_title"]},
        categories=categories,
        rows=rows,
        table_href=_url("/agreements", _args()),
        filtered=bool(chosen),
    )


@blueprint.get("/agreements.json")
def agreements_json() -> ResponseReturnValue:
    chosen, everything, shown, _ = _selection()
    response = jsonify(
        {"filters": chosen, "total": len(everything), "count": len(shown), "rows": shown}
    )
    response.vary.add("Accept-Language")
    return response


@blueprint.get("/agreements.csv")
def agreements_csv() -> ResponseReturnValue:
    bom = request.args.get("bom", "0")
    if bom not in ("0", "1"):
        raise UasaError(400, f"bom={bom!r}: give bom=1 (a byte order mark first) or bom=0")
    _, _, shown, lang = _selection()
    out = io.StringIO()
    if bom == "1":  # Excel on Windows reads UTF-8 only after a byte order mark
        out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=list(table.flat(shown[0]) if shown else FIELDS))
    writer.writeheader()
    for row in shown:
        writer.writerow(table.flat(row))
    response = current_app.make_response(out.getvalue())
    response.content_type = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="agreements.csv"'
    response.content_language = [lang]
    response.vary.add("Accept-Language")
    return response


# The table's main columns as one query, for the editor ("this table in SPARQL"): what a
# table user expects beside the CSV, to change and rerun. The page's filters are not in it.
TABLE_SPARQL = """PREFIX uasa: <https://w3id.org/uasa/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?agreement ?label ?date ?partnerLabel ?placeLabel ?years WHERE {
  ?agreement a uasa:SecurityAgreement ; rdfs:label ?label .
  FILTER(LANG(?label) = "{lang}")
  OPTIONAL { ?agreement uasa:signingDate ?date }
  OPTIONAL { ?agreement uasa:partner/rdfs:label ?partnerLabel
             FILTER(LANG(?partnerLabel) = "{lang}") }
  OPTIONAL { ?agreement uasa:signingPlace/rdfs:label ?placeLabel
             FILTER(LANG(?placeLabel) = "{lang}") }
  OPTIONAL { ?clause a uasa:DurationClause ; uasa:provisionOf ?agreement ;
             uasa:durationYears ?years }
}
ORDER BY ?date ?label"""

FIELDS = [
    "agreement",
    "label",
    "signing_date",
    "partner",
    "partner_label",
    "partner_kind",
    "nato_member",
    "eu_member",
    "place",
    "country",
    "signatories",
    "duration_years",
    "expiry_date",
    "provision_categories",
    "provision_category_labels",
    "frameworks",
    "money",
]
