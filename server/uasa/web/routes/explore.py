"""The browsing pages: landing page, search, timeline, commitments and the graph-view JSON.

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
from uasa.web.support import context, formats, overview, search
from uasa.web.support.i18n import LANGS, choose_lang, render
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
    lang = choose_lang()
    events = overview.timeline(lang)
    return render("timeline.html", lang, page={"title": UI[lang]["timeline"]}, events=events)


@blueprint.get("/commitments")
def commitments_page() -> ResponseReturnValue:
    lang = choose_lang()
    rows = overview.commitments(lang)
    return render("commitments.html", lang, page={"title": UI[lang]["commitments"]}, rows=rows)


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
