"""`/health`: is the store answering, and which build is served.

It runs `ASK {}` through the query workers, so a damaged store or dead workers show up here as
503 with the reason, not as a healthy-looking 200.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

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
    body = jsonify(
        status="unavailable" if problem else "ok",
        problem=problem,
        store=str(built.root),
        triples=built.triples,
        built=built.manifest.get("built"),
        content_hash=built.manifest.get("content_hash"),
    )
    return body, 503 if problem else 200
