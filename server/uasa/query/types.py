"""The types every query runner shares: a request, a result, an error, the runner protocol.

A leaf module: the worker process, the pool, the remote store, the cache and the web layer all
import it, and it imports nothing of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from uasa.core.errors import UasaError

Kind = Literal["results", "graph"]


@dataclass(frozen=True)
class QueryRequest:
    """Everything a worker needs to run one query; picklable."""

    query: str
    base_iri: str | None = None
    use_default_graph_as_union: bool = False
    default_graph: list[str] | None = None
    named_graphs: list[str] | None = None
    substitutions: dict[str, Any] = field(default_factory=dict)
    results_media_type: str | None = None  # chosen format for SELECT/ASK, None = not acceptable
    graph_media_type: str | None = None  # chosen format for CONSTRUCT/DESCRIBE


@dataclass(frozen=True)
class QueryResult:
    kind: Kind  # "results" or "graph"
    media_type: str
    body: bytes


class QueryError(UasaError):
    """A query that cannot be answered (bad syntax, time limit, too large, store down)."""


class Executor(Protocol):
    """What runs queries: the local worker pool, the remote store, or the cache in front."""

    def execute(self, request: QueryRequest, timeout: float) -> QueryResult: ...

    def close(self) -> None: ...


def result_too_large(limit: int) -> QueryError:
    return QueryError(
        413,
        f"The result is larger than the limit of {limit} bytes (UASA_MAX_RESULT_BYTES), so none "
        f"of it was sent (results are never truncated). Page through it: add ORDER BY, LIMIT "
        f"and OFFSET to the query (or ?limit=&offset= on a saved query), or download a dump "
        f"from /dumps/.",
        reason="too_large",
    )


def memory_exceeded(limit_mib: int | None = None) -> QueryError:
    size = f" of {limit_mib} MiB" if limit_mib else ""
    return QueryError(
        503,
        f"Query stopped: it needed more than the memory limit{size} for one query "
        f"(UASA_QUERY_MEMORY). Narrow it down (fewer rows before ORDER BY or GROUP BY) or add "
        f"a LIMIT.",
        reason="memory",
    )
