"""`/health`: is the store answering, and which build is served.

It runs `ASK {}` through the query workers, so a damaged store or dead workers show up here as
503 with the reason, not as a healthy-looking 200.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from uasa.core import store_layout
from uasa.core.errors import RETRY_AFTER
from uasa.query.types import QueryError, QueryRequest
from uasa.web.support import context

blueprint = Blueprint("health", __name__)
CHECK_TIMEOUT = 5.0


@blueprint.get("/health")
def health() -> ResponseReturnValue:
    built = context.built()
    executor = context.executor()
    problem = None
    try:
        executor.execute(
            QueryRequest("ASK {}", results_media_type="application/sparql-results+json"),
            timeout=CHECK_TIMEOUT,
        )
    except QueryError as exc:
        problem = exc.message
    about = store_layout.info(built)  # never a filesystem path
    body = jsonify(
        status="unavailable" if problem else "ok",
        problem=problem,
        build=about.id,
        built=about.built,
        content_hash=about.content_hash,
        triples=about.triples,
    )
    if problem:
        return body, 503, {"Retry-After": RETRY_AFTER}  # every 503 says when to come back
    return body, 200
