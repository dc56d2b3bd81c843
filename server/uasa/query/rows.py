"""Rows of a SELECT for the server's own pages, through the same runner as client queries."""

from __future__ import annotations

import json
from typing import Any

from uasa.query.types import Executor, QueryRequest


def select(
    executor: Executor,
    query: str,
    timeout: float,
    *,
    substitutions: dict[str, Any] | None = None,
    use_default_graph_as_union: bool = True,
) -> list[dict[str, Any]]:
    """Run a SELECT for the server's own pages and return rows of SPARQL-JSON bindings.

    It goes through the same workers, time limit and refusals as client queries.
    """
    result = executor.execute(
        QueryRequest(
            query=query,
            use_default_graph_as_union=use_default_graph_as_union,
            substitutions=substitutions or {},
            results_media_type="application/sparql-results+json",
        ),
        timeout=timeout,
    )
    return list(json.loads(result.body)["results"]["bindings"])
