"""The browsing pages: landing page, search, timeline and the graph-view JSON.

Every page is server-rendered HTML that reads well without scripts; small scripts in
`static/` enhance it (sortable tables, the cytoscape graph). The SELECTs behind them are in
`uasa.web.support.overview`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, jsonify, redirect, request
from flask.typing import ResponseReturnValue

import uasa
from uasa.core.errors import UasaError
from uasa.core.iris import BASE, DEF
from uasa.web.pages import search
from uasa.web.support import context, dataset_info, formats, overview, saved_page
from uasa.web.support.collation import sort_key
from uasa.web.support.i18n import LANGS, choose_lang, render
from uasa.web.support.labels import local_name
from uasa.web.support.paths import find_iri, resource_path
from uasa.web.support.ui import UI

blueprint = Blueprint("explore", __name__)


@blueprint.get("/")
def landing() -> ResponseReturnValue:
    lang = choose_lang()
    numbers = overview.counts()
    manifest = context.built().manifest
    gallery: dict[str, list[dict[str, Any]]] = {}
    for q in context.catalogue():
        entry = {
            "name": q.name,
            "title": q.summary.get(lang) or q.summary.get("en") or q.name,
            "description": q.description,
            "editor": f"{request.script_root}/sparql?{urlencode({'query': q.body.strip()})}",
            "run": saved_page.run_href(q),
        }
        for tag in q.tags or ("other",):
            gallery.setdefault(tag, []).append(entry)
    response = render(
        "home.html",
        lang,
        page={"title": "uasa"},
        counts=numbers,
        built=manifest.get("built"),
        content_hash=manifest.get("content_hash"),
        version=uasa.__version__,
        gallery=sorted(gallery.items()),
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


TIMELINE_GROUPS = ("signing", "negotiation", "framework")
RECENT_FROM = "2024"  # the timeline opens on the agreements' years; older ones are a click away


@blueprint.get("/timeline")
def timeline_page() -> ResponseReturnValue:
    """Events by year. Filters are plain GET parameters: ``show`` (signing, negotiation,
    framework; repeatable), ``partner`` (a party's id) and ``years=all`` for the years before
    2024. Without parameters: every kind of event, 2024 on."""
    lang = choose_lang()
    t = UI[lang]
    events = overview.timeline(lang)
    show = [g for g in request.args.getlist("show") if g in TIMELINE_GROUPS] or list(
        TIMELINE_GROUPS
    )
    partners = {
        local_name(e["partner"]): e["partner_label"] or local_name(e["partner"])
        for e in events
        if e["partner"]
    }
    partner = request.args.get("partner", "")
    if partner not in partners:
        partner = ""
    all_years = request.args.get("years") == "all"
    chosen = [
        e
        for e in events
        if e["group"] in show and (not partner or local_name(e["partner"] or "") == partner)
    ]
    every_year = sorted({e["year"] for e in chosen if e["year"]})
    shown = [e for e in chosen if all_years or e["year"] >= RECENT_FROM]
    by_year: dict[str, list[dict[str, Any]]] = {}
    for e in shown:
        by_year.setdefault(e["year"], []).append(e)
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "years"]
    all_href = _url("/timeline", [*args, ("years", "all")])
    jump = [
        {
            "year": y,
            "href": f"#y{y}" if y in by_year else f"{all_href}#y{y}",
            "here": y in by_year,
        }
        for y in every_year
    ]
    older = [y for y in every_year if y < RECENT_FROM]
    return render(
        "timeline.html",
        lang,
        page={"title": t["timeline"]},
        years=sorted(by_year.items()),
        count=len(shown),
        jump=jump,
        show=show,
        groups=TIMELINE_GROUPS,
        partners=sorted(partners.items(), key=lambda p: sort_key(p[1])),
        partner=partner,
        all_years=all_years,
        older_first=older[0] if older else None,
        all_href=all_href,
        recent_href=_url("/timeline", args),
    )


def _url(path: str, args: list[tuple[str, str]]) -> str:
    query = urlencode(args)
    return f"{request.script_root}{path}" + (f"?{query}" if query else "")


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
