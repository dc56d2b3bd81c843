"""The SPARQL 1.1 Protocol endpoint at `/sparql` (alias `/query`), read-only.

Query via GET, POST form-encoded or POST direct; dataset from `default-graph-uri` /
`named-graph-uri` (which override FROM, as the protocol says); results negotiated from
Accept or SPARQLWrapper's `format` / `output` / `results` parameters. A bare GET returns
the service description. Updates get 403 and SERVICE gets 400 before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from pyoxigraph import DefaultGraph, Quad, RdfFormat, Triple, serialize

from uasa.core import negotiation as conneg
from uasa.core.errors import UasaError
from uasa.core.iris import FORMATS_NS, SD, VOID
from uasa.core.settings import Settings
from uasa.core.store_layout import BuiltStore
from uasa.query import guard as query_guard
from uasa.query.types import QueryRequest
from uasa.web.pages import editor, service_description
from uasa.web.support import context
from uasa.web.support.i18n import choose_lang, lang_href
from uasa.web.support.navigation import wants_editor
from uasa.web.support.run import READ_ONLY, run_query
from uasa.web.support.ui import UI

blueprint = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
FORMAT_PARAMS = ("format", "output", "results")  # SPARQLWrapper sends all three


class Refusal(UasaError):
    """A protocol request refused before anything runs (update, SERVICE, bad body, no query)."""


@dataclass
class Protocol:
    """What the client asked for, read from the URL and the body."""

    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format_override: str | None = None


def _read() -> Protocol:
    args = request.args
    if "update" in args:
        raise Refusal(403, READ_ONLY)
    values = args
    if request.method in {"GET", "HEAD"}:  # HEAD: the GET's status and headers (RFC 9110)
        queries = args.getlist("query")
    else:
        mimetype = request.mimetype
        if mimetype == FORM:
            if "update" in request.form:
                raise Refusal(403, READ_ONLY)
            queries = request.form.getlist("query")
            values = request.values  # dataset parameters may sit in the URL or the body
        elif mimetype == DIRECT:
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in {"utf-8", "utf8"}:
                raise Refusal(415, f"Unsupported charset {charset!r}: send the query as UTF-8.")
            try:
                queries = [request.get_data(cache=False).decode("utf-8")]
            except UnicodeDecodeError as exc:
                raise Refusal(400, f"The query body is not valid UTF-8: {exc}") from None
            queries += args.getlist("query")
        elif mimetype == UPDATE:
            raise Refusal(403, READ_ONLY)
        elif not mimetype:
            raise Refusal(415, f"A POST needs a Content-Type: {FORM} or {DIRECT}.")
        else:
            raise Refusal(415, f"Unsupported Content-Type {mimetype!r}: use {FORM} or {DIRECT}.")
        if not queries:
            raise Refusal(400, "The request has no query.")
    if len(queries) > 1:
        raise Refusal(400, "The request has more than one query; send exactly one.")
    override = next((values[p] for p in FORMAT_PARAMS if values.get(p)), None)
    return Protocol(
        query=queries[0] if queries else None,
        default_graphs=values.getlist("default-graph-uri"),
        named_graphs=values.getlist("named-graph-uri"),
        format_override=override,
    )


def _choose(kind: conneg.Kind, override: str | None, accept: str | None) -> conneg.Format | None:
    if override:
        chosen = conneg.by_name(override, kind)
        if chosen is not None:
            return chosen
    return conneg.negotiate(accept, kind, graph_query=kind == "graph")


def plan(proto: Protocol, settings: Settings, accept: str | None) -> QueryRequest:
    """The query to run for a protocol request (the fast path in uasa.web.fastpath too);
    raises :class:`Refusal` for an update, SERVICE, or no acceptable format."""
    query = proto.query or ""
    verdict = query_guard.inspect(query, frozenset(settings.service_allow.split()))
    if verdict.is_update:
        raise Refusal(403, READ_ONLY)
    if verdict.service:
        raise Refusal(400, verdict.service)
    results = _choose("results", proto.format_override, accept)
    graph = _choose("graph", proto.format_override, accept)
    if results is None and graph is None:
        raise Refusal(
            406,
            f"None of the requested media types can be served. Available: "
            f"{conneg.offered_types()}.",
            headers={"Vary": "Accept"},
        )
    protocol_dataset = bool(proto.default_graphs or proto.named_graphs)
    return QueryRequest(
        query=query,
        base_iri=settings.public_base,
        # The union would hide FROM clauses, so it applies only when the query names no dataset.
        use_default_graph_as_union=(
            settings.union_default_graph and not protocol_dataset and not verdict.has_dataset_clause
        ),
        default_graph=proto.default_graphs if protocol_dataset else None,
        named_graphs=proto.named_graphs if protocol_dataset else None,
        results_media_type=results.media_type if results else None,
        graph_media_type=graph.media_type if graph else None,
    )


@blueprint.route("/sparql", methods=["GET", "POST"])
@blueprint.route("/query", methods=["GET", "POST"])
def endpoint() -> ResponseReturnValue:
    if wants_editor():  # a browser navigating here gets the query editor
        return _editor_page()
    settings = context.settings()
    proto = _read()
    if proto.query is None:
        return _service_description(context.built(), settings)
    return run_query(plan(proto, settings, request.headers.get("Accept")))


def _editor_page() -> ResponseReturnValue:
    lang = choose_lang()
    endpoint = f"{request.host_url.rstrip('/')}{request.script_root}/sparql"
    model = editor.page(
        lang, request.args.get("query"), request.args.get("example"), endpoint, request.script_root
    )
    other = "uk" if lang == "en" else "en"
    body = render_template(
        "editor.html",
        lang=lang,
        t=UI[lang],
        other_lang=other,
        lang_href=lang_href(other),
        page=model,
        query=model.query,
        endpoint=model.endpoint,
        examples=model.examples,
        config=model.config,
    )
    response = current_app.make_response(body)
    response.content_type = "text/html; charset=utf-8"
    response.content_language = [lang]
    response.vary.update(["Accept", "Accept-Language", "Sec-Fetch-Dest"])
    return response


def _service_description(built: BuiltStore, settings: Settings) -> ResponseReturnValue:
    """The service description, in the RDF format asked for (`pages.service_description`)."""
    override = next(
        (request.values[p] for p in ("format", "output") if request.values.get(p)), None
    )
    fmt = (conneg.by_name(override, "graph") if override else None) or conneg.negotiate(
        request.headers.get("Accept"), "graph"
    )
    if fmt is None:
        raise UasaError(
            406,
            f"The service description is RDF; available: {conneg.offered_types('graph')}.",
            headers={"Vary": "Accept"},
        )
    endpoint = request.base_url
    statements: list[Triple] | list[Quad] = service_description.triples(endpoint, built, settings)
    if fmt.rdf() in {RdfFormat.N_QUADS, RdfFormat.TRIG}:
        statements = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in statements]
    body = serialize(
        statements, format=fmt.rdf(), prefixes={"sd": SD, "void": VOID, "formats": FORMATS_NS}
    )
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    # Stable bytes for a build and URL (labelled blank nodes): a validator for conditional GET,
    # the same way as VoID's.
    response.add_etag()
    return response.make_conditional(request)
