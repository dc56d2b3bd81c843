"""Run a planned query and answer with its body: the one path every SPARQL-running route takes.

The store is immutable between builds, so the request and the build name the answer: the ETag
is derived from both, and a client holding it gets 304 without the query running again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from flask import Response, request

from uasa.core import negotiation as conneg
from uasa.core.settings import Settings
from uasa.query import guard as query_guard
from uasa.query.result_cache import request_key
from uasa.query.types import Executor, QueryError, QueryRequest, QueryResult
from uasa.web.support import context, observability

READ_ONLY = "SPARQL Update is not allowed: this endpoint is read-only."

# Turns a worker's answer into the body sent and its format (quads from a SELECT, JSON-LD
# grouped by subject); the ETag still names the request, so 304s skip both.
Reshape = Callable[[QueryResult], tuple[bytes, conneg.Format]]


def run_query(
    req: QueryRequest, *, reshape: Reshape | None = None, headers: Mapping[str, str] = {}
) -> Response:
    """Run a planned query and wrap the result; shared by every route that runs SPARQL.
    ``headers`` go on the answer, 304 included (Content-Location, Link)."""
    executor = context.executor()
    settings = context.settings()
    build = context.build_hash()
    # The store is immutable between builds, so the request and the build name the answer:
    # a client holding it gets 304 without the query running again.
    etag = request_key(req, build)[:32] if build else None
    # A held gzip encoding's tag is offered here plain too (compression.offer_plain_tags).
    if etag and request.method in {"GET", "HEAD"} and request.if_none_match.contains_weak(etag):
        response = Response(status=304)
        _cache_headers(response, etag, settings)
        response.headers.update(headers)
        return response
    observability.note_of(request.environ).query_hash = observability.query_hash(req.query)
    result = execute(executor, req, settings, observability.metrics())
    if reshape is not None:
        body, fmt = reshape(result)
    else:
        body = result.body
        fmt = next(f for f in conneg.formats(result.kind) if f.media_type == result.media_type)
    response = Response(body, content_type=fmt.content_type)
    response.headers.update(headers)
    response.headers["Vary"] = "Accept"
    if etag:
        _cache_headers(response, etag, settings)
    return response


def execute(
    executor: Executor, req: QueryRequest, settings: Settings, metrics: observability.Metrics
) -> QueryResult:
    """Run ``req``; a syntax error that reads as an update becomes 403, a 406 is negotiated.
    Shared with the fast path (uasa.web.fastpath)."""
    started = time.perf_counter()
    try:
        result = executor.execute(req, timeout=settings.query_timeout)
    except QueryError as exc:
        if exc.status == 400 and query_guard.looks_like_update(req.query):
            raise QueryError(403, READ_ONLY, reason=exc.reason) from None
        if exc.status == 406:  # negotiated, like every answer of ours
            exc.headers["Vary"] = "Accept"
        raise
    metrics.query_seconds.observe(time.perf_counter() - started)
    return result


def cache_control(settings: Settings) -> str:
    return f"public, max-age={settings.cache_max_age}"


def _cache_headers(response: Response, etag: str, settings: Settings) -> None:
    # Plain header strings: werkzeug's Vary/Cache-Control objects cost 0.1 ms per request.
    response.headers["Vary"] = "Accept"
    response.headers["ETag"] = f'W/"{etag}"'
    if request.method in {"GET", "HEAD"}:
        response.headers["Cache-Control"] = cache_control(settings)
