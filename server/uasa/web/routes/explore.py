"""The browsing pages: landing page, search, timeline, commitments and the graph-view JSON.

Every page is server-rendered HTML that reads well without scripts; small scripts in
`static/` enhance it (sortable tables, the cytoscape graph). Their models are in
`uasa.web.pages` (`overview`, `search`, `timeline`).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, redirect, request
from flask.typing import ResponseReturnValue

import uasa
from uasa.core.errors import UasaError
from uasa.core.iris import BASE, DEF
from uasa.web.pages import dataset_info, overview, search, timeline
from uasa.web.support import commitments as commitment_table
from uasa.web.support import context, formats
from uasa.web.support.i18n import LANGS, choose_lang, render
from uasa.web.support.paths import find_iri, resource_path
from uasa.web.support.ui import UI

blueprint = Blueprint("explore", __name__)


@blueprint.get("/")
def landing() -> ResponseReturnValue:
    lang = choose_lang()
    manifest = context.built().manifest
    response = render(
        "home.html",
        lang,
        page={"title": "uasa"},
        counts=overview.counts(),
        built=manifest.get("built"),
        content_hash=manifest.get("content_hash"),
        version=uasa.__version__,
        gallery=overview.gallery(lang),
        dataset_markup=dataset_info.script_json(
            dataset_info.schema_dataset(request.url_root, manifest)
        ),
    )
    # A harvester finds the dataset's description from the landing page (VoID, RFC 8288).
    response.headers["Link"] = (
        f'<{request.script_root}/.well-known/void>; rel="describedby"; type="text/turtle"'
    )
    return response


@blueprint.get("/search")
def search_page() -> ResponseReturnValue:
    lang = choose_lang()
    q = " ".join(request.args.get("q", "").split())  # collapse whitespace
    if len(q) > overview.MAX_QUERY_CHARS:
        limit = overview.MAX_QUERY_CHARS
        raise UasaError(400, f"The search term is longer than {limit} characters.")
    when = formats.period(q) if q else None
    if when is not None:  # "June 2024", "червень 2024", "2025": the agreements of that time
        year, month = when
        args = [("month", month) if month else ("year", year)]
        if "lang" in request.args:
            args.append(("lang", lang))
        return redirect(f"{request.script_root}/agreements?{urlencode(args)}", code=303)
    results = search.search(q, lang) if q else []
    return render(
        "search.html",
        lang,
        page={"title": f"{q} · {UI[lang]['search']}" if q else UI[lang]["search"]},
        q=q,
        results=results,
        groups=search.grouped(results),
    )


@blueprint.get("/timeline")
def timeline_page() -> ResponseReturnValue:
    """Events by year (`pages.timeline`)."""
    lang = choose_lang()
    model = timeline.page(lang, _args(), lambda args: _url("/timeline", args))
    return render(
        "timeline.html",
        lang,
        page=model,
        years=model.years,
        count=model.count,
        jump=model.jump,
        show=model.show,
        groups=timeline.GROUPS,
        partners=model.partners,
        partner=model.partner,
        all_years=model.all_years,
        older_first=model.older_first,
        all_href=model.all_href,
        recent_href=model.recent_href,
    )


def _args() -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.args.items(multi=True)]


def _url(path: str, args: list[tuple[str, str]]) -> str:
    query = urlencode(args)
    return f"{request.script_root}{path}" + (f"?{query}" if query else "")


def _commitment_selection() -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    lang = choose_lang()
    everything = commitment_table.rows(lang)
    chosen = commitment_table.selected(request.args.to_dict(flat=False))
    sort = request.args.get("sort", "date")
    if sort not in commitment_table.SORTS:
        sort = "date"
    return (
        everything,
        commitment_table.apply(everything, chosen),
        {
            "lang": lang,
            "chosen": chosen,
            "sort": sort,
        },
    )


@blueprint.get("/commitments")
def commitments_page() -> ResponseReturnValue:
    """One table per currency; facets, sorting and the CSV are plain GET parameters."""
    everything, shown, how = _commitment_selection()
    lang, chosen, sort = how["lang"], how["chosen"], how["sort"]
    t = UI[lang]
    args = _args()
    facets: list[dict[str, Any]] = []
    for facet, items in commitment_table.facets(shown, everything, chosen).items():
        values = []
        for item in items:
            pair = (facet, item["value"])
            on = item["value"] in chosen.get(facet, [])
            label = item["label"]
            if facet == "qualifier" and item["value"] == commitment_table.UNSTATED:
                label = t["unstated"]
            values.append(
                {
                    "label": label,
                    "count": formats.number(item["count"], lang),
                    "selected": on,
                    "href": _url(
                        "/commitments", [a for a in args if a != pair] if on else [*args, pair]
                    ),
                }
            )
        facets.append({"name": facet, "values": values})
    shown_labels = {
        (f["name"], v["href"]): v["label"] for f in facets for v in f["values"] if v["selected"]
    }
    active = [
        {
            "facet": facet,
            "label": next(
                (
                    label
                    for (name, href), label in shown_labels.items()
                    if name == facet and href == _url("/commitments", without)
                ),
                value,
            ),
            "href": _url("/commitments", without),
        }
        for facet, values in chosen.items()
        for value in values
        for without in [[a for a in args if a != (facet, value)]]
    ]
    sorts = [
        {
            "value": s,
            "label": t[f"sort_{s.lstrip('-')}{'_desc' if s.startswith('-') else ''}"],
            "selected": s == sort,
            "href": _url("/commitments", [a for a in args if a[0] != "sort"] + [("sort", s)]),
        }
        for s in commitment_table.SORTS
    ]
    return render(
        "commitments.html",
        lang,
        page={"title": t["commitments"]},
        groups=commitment_table.grouped(shown, sort, chosen.get("year")),
        shown=len(shown),
        total=len(everything),
        facets=facets,
        active=active,
        sorts=sorts,
        sort=sort,
        clear_href=_url("/commitments", [a for a in args if a[0] not in commitment_table.FACETS]),
        csv_href=_url("/commitments.csv", args),
    )


@blueprint.get("/commitments.csv")
def commitments_csv() -> ResponseReturnValue:
    """Exactly the rows the page with the same parameters shows, in the same order."""
    _, shown, how = _commitment_selection()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=commitment_table.FIELDS)
    writer.writeheader()
    for row in commitment_table.ordered(shown, how["sort"]):
        writer.writerow(commitment_table.flat(row))
    response = current_app.make_response(out.getvalue())
    response.content_type = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="commitments.csv"'
    response.content_language = [how["lang"]]
    response.vary.add("Accept-Language")
    return response


NETWORK_PATH = re.compile(r"(?P<path>.+)\.json")


@blueprint.get("/network/<path:rest>")
def network_json(rest: str) -> ResponseReturnValue:
    """The graph view's data: ``/network/id/agreement/gbr-2024-01-12.json``."""
    m = NETWORK_PATH.fullmatch(rest)
    path = resource_path(m["path"]) if m else None
    if path is None:
        raise UasaError(404, "Use /network/<resource path>.json, e.g. /network/id/party/gbr.json.")
    lang = request.args.get("lang") if request.args.get("lang") in LANGS else "en"
    iri = find_iri(path)
    if iri is None or not iri.startswith(BASE) or iri.startswith(DEF):
        raise UasaError(404, f"No resource at /{path}.")
    response = jsonify(overview.neighbourhood(iri, lang or "en"))
    response.vary.add("Accept-Language")
    return response
