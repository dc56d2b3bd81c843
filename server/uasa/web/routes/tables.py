"""The faceted tables: for every table spec in the ``uasa.web.pages`` package (each module
defining a module-level ``TABLE: FacetedTable``, found by `pages.table.spec_modules` with pkgutil),
``/<name>`` (``templates/table_page.html``), ``/<name>.csv`` and ``/<name>.json``; and the
agreements' matrix. A new table page is its spec module and its ``.rq``: no route, no template.
The tables themselves are page models (`pages.table` and the specs); these routes read the
request, ask the model and render."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from uasa.web.pages import agreements
from uasa.web.pages.table import FacetedTable, Selection, TablePage, spec_modules
from uasa.web.support.i18n import choose_lang, render
from uasa.web.support.ui import PLURALS, UI

blueprint = Blueprint("tables", __name__)


def _select(table: FacetedTable) -> Selection:
    return table.select(list(request.args.items(multi=True)), choose_lang())


def _page(table: FacetedTable) -> ResponseReturnValue:
    """The table with its facets; filters and sorting are plain GET parameters."""
    selection = _select(table)
    page, lang = TablePage.of(selection, request.script_root), selection.lang
    return render(
        "table_page.html",
        lang,
        page.text,
        page={"title": page.title},
        table=table,
        model=page,
        view=page.view,
        plurals=PLURALS[lang],
    )


def _csv(table: FacetedTable) -> ResponseReturnValue:
    """Exactly the rows the page with the same parameters shows, in the same order; ``bom=1``
    puts a byte order mark first (for Excel)."""
    selection = _select(table)
    response = current_app.make_response(selection.csv(request.args.get("bom", "0")))
    response.content_type = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{table.name}.csv"'
    response.content_language = [selection.lang]
    response.vary.add("Accept-Language")
    return response


def _json(table: FacetedTable) -> ResponseReturnValue:
    """The rows the page shows, with the filters and the counts."""
    response = jsonify(_select(table).json())
    response.vary.add("Accept-Language")
    return response


def _register(module: ModuleType) -> None:
    """The table's three routes; each request reads the module's ``TABLE`` (a test may put
    another spec in its place)."""
    views: dict[str, tuple[str, Callable[[FacetedTable], ResponseReturnValue]]] = {
        "page": ("", _page),
        "csv": (".csv", _csv),
        "json": (".json", _json),
    }
    name = module.TABLE.name
    for kind, (suffix, view) in views.items():

        def bound(
            view: Callable[[FacetedTable], ResponseReturnValue] = view,
        ) -> ResponseReturnValue:
            table: FacetedTable = module.TABLE
            return view(table)

        bound.__doc__ = view.__doc__
        blueprint.add_url_rule(f"/{name}{suffix}", f"{name}_{kind}", bound)


for _module in spec_modules():
    _register(_module)


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
