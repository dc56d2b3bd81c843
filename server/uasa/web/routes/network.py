"""`/network`: the whole series drawn as one force-directed graph (cytoscape-fcose), with the
same links as a table underneath; `/network.json` is the graph's data."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from uasa import __version__
from uasa.core.dataset import LICENSE, notice
from uasa.web.pages.series_network import series
from uasa.web.support.i18n import LANGS, choose_lang, render
from uasa.web.support.ui import UI

blueprint = Blueprint("network", __name__)


@blueprint.get("/network")
def network_page() -> ResponseReturnValue:
    lang = choose_lang()
    rows = series(lang).rows
    return render("network.html", lang, page={"title": UI[lang]["network_title"]}, rows=rows)


@blueprint.get("/network.json")
def network_data() -> ResponseReturnValue:
    """Cytoscape.js JSON as Cytoscape desktop's reader takes it (File > Import > Network from
    File, `.cyjs`): `{"data": …, "elements": {"nodes": […], "edges": […]}}`."""
    lang = request.args.get("lang") if request.args.get("lang") in LANGS else "en"
    document = {
        "format_version": "1.0",
        "generated_by": f"uasa-{__version__}",
        "target_cytoscapejs_version": "~3.3",
        "data": {
            "name": "uasa: the series of security agreements",
            "license": LICENSE,
            "description": notice(),
        },
        "elements": series(lang or "en").elements,
    }
    response = jsonify(document)
    response.vary.add("Accept-Language")
    return response
