"""The query worker process: opens the store read-only and answers one query at a time.

Kept free of Flask and rdflib imports so that a worker starts fast.
"""

from __future__ import annotations

import io
import os
import resource
import signal
from multiprocessing.connection import Connection
from typing import Any

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Variable,
)

from uasa.query.types import (
    Kind,
    QueryError,
    QueryRequest,
    QueryResult,
    memory_exceeded,
    result_too_large,
)

Reply = QueryResult | QueryError


class ResultTooLarge(Exception):
    """Raised by :class:`_Bounded` to stop serializing a result that overran the limit."""


class _Bounded(io.BytesIO):
    """An in-memory buffer that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.limit:
            raise ResultTooLarge
        return super().write(data)


def run(store: Store, req: QueryRequest, max_result_bytes: int = 0) -> Reply:
    """Run one request; every outcome becomes a reply (a result or an error), never a raise.

    With ``max_result_bytes`` > 0 a result that would serialize larger is an error, never a
    truncated body: serializing stops as soon as it passes the limit.
    """
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
        return QueryError(400, f"Invalid graph IRI in the request: {exc}")
    if req.substitutions:
        options["substitutions"] = {Variable(k): v for k, v in req.substitutions.items()}
    try:
        result = store.query(req.query, **options)
        if isinstance(result, QuerySolutions | QueryBoolean):
            kind: Kind = "results"
            media = req.results_media_type
            fmt: Any = QueryResultsFormat.from_media_type(media) if media else None
        else:
            kind, media = "graph", req.graph_media_type
            fmt = RdfFormat.from_media_type(media) if media else None
        if fmt is None:
            return QueryError(406, f"No acceptable format for this {_form(kind)} result.")
        if max_result_bytes > 0:
            out = _Bounded(max_result_bytes)
            result.serialize(out, format=fmt)
            body = out.getvalue()
        else:
            body = result.serialize(format=fmt) or b""
    except ResultTooLarge:
        return result_too_large(max_result_bytes)
    except MemoryError:  # Python's side ran out; the store's side aborts the process instead
        return memory_exceeded()
    except SyntaxError as exc:
        return QueryError(400, f"Query syntax error: {exc}")
    except OSError as exc:
        return QueryError(500, f"The store could not answer: {exc}", reason="store")
    except (ValueError, RuntimeError) as exc:
        # pyoxigraph's evaluation errors (bad IRI, bad regex, type errors in the query's
        # functions) are the client's; a TypeError would be ours, and is left to crash loudly.
        return QueryError(400, f"The query could not be evaluated: {exc}")
    return QueryResult(kind, media or "", body)


def _form(kind: str) -> str:
    return "SELECT/ASK" if kind == "results" else "CONSTRUCT/DESCRIBE"


def _data_size() -> int:
    """Bytes of this process's data segment (what RLIMIT_DATA counts), from /proc."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def limit_memory(query_memory: int) -> None:
    """Let a query grow this process by at most ``query_memory`` bytes (0: no limit).

    RLIMIT_DATA counts private writable memory (the heap and anonymous maps, where query
    evaluation allocates) but not the store's file maps, so the limit is what the open
    store already holds plus the query's share. An allocation past it fails: Python raises
    MemoryError, the store's Rust code aborts the process, which the pool reports as the
    memory limit. No core file is written for that abort.
    """
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # That abort prints one line; a backtrace (RUST_BACKTRACE in the server's environment)
    # would add a hundred to the log for every query stopped.
    os.environ["RUST_BACKTRACE"] = "0"
    if query_memory > 0:
        limit = _data_size() + query_memory
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def answer_queries(
    store_path: str, conn: Connection, max_result_bytes: int = 0, query_memory: int = 0
) -> None:
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A closed pipe (BrokenPipeError is an OSError) means the HTTP worker that started us is
    # gone, killed or stopped: end quietly, there is nobody to answer.
    try:
        try:
            store = Store.read_only(store_path)
        except OSError as exc:
            conn.send(f"cannot open store {store_path}: {exc}")
            return
        limit_memory(query_memory)
        conn.send(None)  # ready
        while True:
            try:
                req = conn.recv()
            except EOFError:
                return
            conn.send(run(store, req, max_result_bytes))
    except OSError:
        return
