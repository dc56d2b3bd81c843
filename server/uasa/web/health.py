"""`/health`: liveness and what is being served."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health() -> ResponseReturnValue:
    built = current_app.extensions["uasa.store"]
    return jsonify(
        status="ok",
        store=str(built.root),
        triples=built.triples,
        built=built.manifest.get("built"),
        content_hash=built.manifest.get("content_hash"),
    )
