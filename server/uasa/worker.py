"""The query worker process: opens the store read-only and answers one query at a time.

Kept free of Flask and rdflib imports so that a worker starts fast.
"""

from __future__ import annotations

import signal
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Variable,
)

if TYPE_CHECKING:
    from uasa.executor import QueryRequest

Reply = tuple[Any, ...]


def run(store: Store, req: QueryRequest) -> Reply:
    """Run one request; every outcome becomes a reply tuple, never an exception."""
    options: dict[str, Any] = {
        "base_iri": req.base_iri,
        "use_default_graph_as_union": req.use_default_graph_as_union,
    }
    try:
        if req.default_graph is not None:
            options["default_graph"] = [NamedNode(g) for g in req.default_graph]
        if req.named_graphs is not None:
            options["named_graphs"] = [NamedNode(g) for g in req.named_graphs]
    except ValueError as exc:
        return ("error", 400, f"Invalid graph IRI in the request: {exc}")
    if req.substitutions:
        options["substitutions"] = {Variable(k): v for k, v in req.substitutions.items()}
    try:
        result = store.query(req.query, **options)
        if isinstance(result, QuerySolutions | QueryBoolean):
            kind, media = "results", req.results_media_type
            fmt: Any = QueryResultsFormat.from_media_type(media) if media else None
        else:
            kind, media = "graph", req.graph_media_type
            fmt = RdfFormat.from_media_type(media) if media else None
        if fmt is None:
            return ("error", 406, f"No acceptable format for this {_form(kind)} result.")
        body = result.serialize(format=fmt)
    except SyntaxError as exc:
        return ("error", 400, f"Query syntax error: {exc}")
    except OSError as exc:
        return ("error", 500, f"The store could not answer: {exc}")
    except (ValueError, TypeError, RuntimeError) as exc:
        return ("error", 400, f"The query could not be evaluated: {exc}")
    return ("ok", kind, media, body)


def _form(kind: str) -> str:
    return "SELECT/ASK" if kind == "results" else "CONSTRUCT/DESCRIBE"


def serve(store_path: str, conn: Connection) -> None:
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = Store.read_only(store_path)
    except OSError as exc:
        conn.send(("failed", f"cannot open store {store_path}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run(store, req))
