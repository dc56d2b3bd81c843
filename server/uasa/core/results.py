"""Typed shortcuts over pyoxigraph: a SELECT's rows, a CONSTRUCT's triples, bytes out.

`Store.query` returns one of three result types and `serialize` returns bytes only when given
no output; these say which one the caller expects, and fail loudly if the query disagrees.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyoxigraph import Quad, QuerySolutions, QueryTriples, RdfFormat, Store, Triple, serialize


def solutions(db: Store, query: str, **options: Any) -> QuerySolutions:
    result = db.query(query, **options)
    if not isinstance(result, QuerySolutions):
        raise TypeError(f"expected a SELECT query: {query[:80]!r}")
    return result


def triples(db: Store, query: str, **options: Any) -> QueryTriples:
    result = db.query(query, **options)
    if not isinstance(result, QueryTriples):
        raise TypeError(f"expected a CONSTRUCT or DESCRIBE query: {query[:80]!r}")
    return result


def to_bytes(
    statements: Iterable[Triple] | Iterable[Quad], fmt: RdfFormat, **options: Any
) -> bytes:
    """`pyoxigraph.serialize` into memory (it returns None only when given an output)."""
    body = serialize(statements, None, fmt, **options)
    assert body is not None
    return body
