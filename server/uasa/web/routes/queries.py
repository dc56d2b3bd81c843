"""`/queries`: the saved-query catalogue, each query runnable by name with typed parameters.

`/queries/<name>?param=value` runs a query through the same workers, limits and formats as
`/sparql`; the format comes from a suffix (`.csv`, `.ttl` …), a `format=` parameter or Accept.
`/queries/<name>.rq` is the query text, `/openapi.json` the OpenAPI description.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from uasa.core import negotiation as conneg
from uasa.core.errors import UasaError
from uasa.query import openapi
from uasa.query.catalogue import Catalogue, SavedQuery
from uasa.query.params import ParamError, bind
from uasa.web.pages import saved_query
from uasa.web.support import context
from uasa.web.support.i18n import choose_lang, render
from uasa.web.support.navigation import editor_href, run_href, wants_page
from uasa.web.support.run import run_query
from uasa.web.support.ui import UI

blueprint = Blueprint("queries", __name__)

SPARQL_QUERY = "application/sparql-query; charset=utf-8"
PAGING = ("limit", "offset")


def catalogue() -> Catalogue:
    return context.catalogue()


def _links(q: SavedQuery) -> dict[str, str]:
    return {
        "run": run_href(q),
        "text": url_for("queries.run", name=f"{q.name}.rq"),
        "editor": editor_href(q.body),
    }


def _describe(q: SavedQuery) -> dict[str, Any]:
    return {
        "name": q.name,
        "iri": q.iri,
        "summary": dict(q.summary),
        "description": q.description,
        "tags": list(q.tags),
        "form": q.form,
        "pageable": q.pageable,
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "default": p.default,
                "example": p.example,
                "description": p.description,
                "expected": p.expected(),
                **({"enum": list(p.enum)} if p.enum else {}),
            }
            for p in q.params
        ],
        "formats": [f.suffix for f in conneg.formats(q.kind)],
        "links": _links(q),
    }


@blueprint.get("/queries")
@blueprint.get("/queries.json")
def listing() -> ResponseReturnValue:
    if request.path.endswith(".json"):
        wanted: conneg.Format | None = conneg.negotiate(None, "document")
    else:
        wanted = conneg.negotiate(request.headers.get("Accept"), "document", html="first")
    if wanted is None:
        raise UasaError(
            406,
            "The catalogue is available as text/html or application/json.",
            headers={"Vary": "Accept"},
        )
    items = [_describe(q) for q in catalogue()]
    if wanted is not conneg.HTML:
        response = jsonify({"queries": items, "openapi": url_for("queries.openapi_document")})
    else:
        lang = choose_lang()
        response = render("queries.html", lang, page={"title": UI[lang]["sq_title"]}, queries=items)
    response.vary.add("Accept")
    return response


@blueprint.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    return jsonify(openapi.document(catalogue(), request.url_root.rstrip("/")))


def _single_values() -> dict[str, str]:
    """The query string; an empty value counts as not given (an HTML form's blank field),
    except for `limit` and `offset`, which no form sends and which must be numbers."""
    values: dict[str, str] = {}
    for key, all_items in request.args.lists():
        items = [v for v in all_items if v != "" or key in PAGING]
        if not items:
            continue
        if len(items) > 1:
            raise ParamError(f"parameter {key!r} is given {len(items)} times; give it once")
        values[key] = items[0]
    return values


def _count(values: dict[str, str], key: str) -> int | None:
    raw = values.pop(key, None)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) > openapi.MAX_PAGING:
        raise ParamError(
            f"parameter {key!r}: {raw!r} is not valid "
            f"(expected an integer >= 0 and <= {openapi.MAX_PAGING})"
        )
    return int(raw)


def _page_links(limit: int, offset: int) -> str:
    def link(new_offset: int, rel: str) -> str:
        args = [(k, v) for k, v in request.args.items(multi=True) if k not in PAGING]
        args += [("limit", str(limit)), ("offset", str(new_offset))]
        return f'<{request.base_url}?{urlencode(args)}>; rel="{rel}"'

    # Without counting the results we cannot know the last page, so `next` is always
    # offered; a page shorter than `limit` (or empty) is the end.
    links = [link(0, "first")]
    if offset > 0:
        links.append(link(max(0, offset - limit), "prev"))
    links.append(link(offset + limit, "next"))
    return ", ".join(links)


def _saved_query_page(q: SavedQuery, values: dict[str, str]) -> Response:
    """The query's page for a reader's browser (`pages.saved_query`)."""
    lang = choose_lang()
    model = saved_query.page(q, values, lang, request.script_root)
    response = render(
        "saved_query_results.html",
        lang,
        page=model,
        q=q,
        values=values,
        error=model.error,
        results=model.results,
        links=model.links,
        editor_href=editor_href(q.body),
        max_rows=saved_query.MAX_ROWS,
    )
    if model.error is not None:
        response.status_code = 400
    response.vary.update(["Accept", "Sec-Fetch-Dest"])
    return response


@blueprint.get("/queries/<name>")
def run(name: str) -> ResponseReturnValue:
    name, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    q = catalogue().get(name)
    if q is None:
        raise UasaError(404, f"No saved query named {name!r}. The catalogue is at /queries.")
    if suffix == "rq":
        return Response(q.text, content_type=SPARQL_QUERY)
    if not suffix and wants_page(q):
        try:
            shown = _single_values()
        except ParamError as exc:
            raise UasaError(400, str(exc)) from None
        shown.pop("lang", None)  # the page's language switch, never a query parameter
        return _saved_query_page(q, shown)
    settings = context.settings()
    try:
        values = _single_values()
        override = values.pop("format", None) or suffix
        limit, offset = _count(values, "limit"), _count(values, "offset")
        if (limit is not None or offset) and not q.pageable:
            raise ParamError(
                f"query {q.name!r} cannot be paged (it has its own LIMIT, OFFSET or VALUES, "
                "or is an ASK)"
            )
        substitutions = bind(q.params, values)
    except ParamError as exc:
        raise UasaError(400, str(exc)) from None
    if override:
        fmt = conneg.by_name(override, q.kind)
        if fmt is None:
            offered = ", ".join(f.suffix for f in conneg.formats(q.kind))
            status = 404 if dot else 400
            raise UasaError(
                status, f"Query {q.name!r} has no format {override!r}; it offers {offered}."
            )
    else:
        fmt = conneg.negotiate(request.headers.get("Accept"), q.kind, graph_query=q.kind == "graph")
        if fmt is None:
            raise UasaError(
                406,
                "None of the requested media types can be served. Available: "
                f"{conneg.offered_types(q.kind)}.",
                headers={"Vary": "Accept"},
            )
    req = q.request(
        substitutions,
        limit=limit,
        offset=offset,
        union_default_graph=settings.union_default_graph,
        base_iri=settings.public_base,
        results_media_type=fmt.media_type if fmt.kind == "results" else None,
        graph_media_type=fmt.media_type if fmt.kind == "graph" else None,
    )
    response = run_query(req)
    if response.status_code == 200 and limit is not None:
        response.headers["Link"] = _page_links(limit, offset or 0)
    return response
