"""The faceted tables: `/agreements` (with its matrix and JSON) and `/commitments`, each with
its CSV. The tables themselves are page models (`pages.table`, `pages.agreements`,
`pages.commitments`); these routes read the request, ask the model and render."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from uasa.web.pages import agreements, commitments
from uasa.web.pages.table import FacetedTable, Selection
from uasa.web.support import formats
from uasa.web.support.i18n import choose_lang, render
from uasa.web.support.ui import PLURALS, UI

blueprint = Blueprint("tables", __name__)


def _select(table: FacetedTable) -> Selection:
    return table.select(list(request.args.items(multi=True)), choose_lang())


def _csv(table: FacetedTable) -> ResponseReturnValue:
    """Exactly the rows the page with the same parameters shows, in the same order."""
    selection = _select(table)
    response = current_app.make_response(selection.csv(request.args.get("bom", "0")))
    response.content_type = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{table.name}.csv"'
    response.content_language = [selection.lang]
    response.vary.add("Accept-Language")
    return response


@blueprint.get("/agreements")
def agreements_page() -> ResponseReturnValue:
    selection = _select(agreements.TABLE)
    view = selection.view(request.script_root)
    lang = selection.lang
    editor = urlencode({"query": agreements.editor_query(lang)})
    return render(
        "agreements.html",
        lang,
        agreements.TABLE.text(lang),
        page={"title": UI[lang]["agreements_title"]},
        table=agreements.TABLE,
        view=view,
        rows=selection.shown,
        total=len(selection.everything),
        shown_text=formats.counted(len(selection.shown), PLURALS[lang]["agreement"], lang),
        plurals=PLURALS[lang],
        matrix_href=view.hrefs.to(view.hrefs.args, "/agreements/matrix"),
        sparql_href=f"{request.script_root}/sparql?{editor}",
        fmt=formats,
    )


@blueprint.get("/agreements/matrix")
def agreements_matrix() -> ResponseReturnValue:
    """Agreement by provision category, for the rows the table's filters leave (the same GET
    parameters)."""
    selection = _select(agreements.TABLE)
    categories, rows = agreements.matrix(selection.shown, selection.everything, selection.lang)
    return render(
        "agreements_matrix.html",
        selection.lang,
        page={"title": UI[selection.lang]["matrix_title"]},
        categories=categories,
        rows=rows,
        table_href=selection.hrefs(request.script_root).to(selection.args),
        filtered=bool(selection.chosen),
    )


@blueprint.get("/agreements.json")
def agreements_json() -> ResponseReturnValue:
    response = jsonify(_select(agreements.TABLE).json())
    response.vary.add("Accept-Language")
    return response


@blueprint.get("/agreements.csv")
def agreements_csv() -> ResponseReturnValue:
    return _csv(agreements.TABLE)


@blueprint.get("/commitments")
def commitments_page() -> ResponseReturnValue:
    """One table per currency; facets, sorting and the CSV are plain GET parameters."""
    selection = _select(commitments.TABLE)
    return render(
        "commitments.html",
        selection.lang,
        commitments.TABLE.text(selection.lang),
        page={"title": UI[selection.lang]["commitments"]},
        table=commitments.TABLE,
        view=selection.view(request.script_root),
        groups=commitments.grouped(selection),
        shown=len(selection.shown),
        total=len(selection.everything),
    )


@blueprint.get("/commitments.csv")
def commitments_csv() -> ResponseReturnValue:
    return _csv(commitments.TABLE)
