"""The Flask app factory: one blueprint per HTTP concern, no global state."""

from __future__ import annotations

import atexit
import logging

from flask import Flask
from flask_cors import CORS

from uasa.core import store_layout
from uasa.core.settings import Settings, load
from uasa.query import catalogue
from uasa.query.executor import QueryExecutor
from uasa.query.remote import RemoteExecutor
from uasa.query.result_cache import CachingExecutor
from uasa.web.routes import (
    agreements,
    assets,
    downloads,
    explore,
    health,
    linked_data,
    pages,
    queries,
    sparql,
)
from uasa.web.support import errors, frontend, i18n, limits, observability, security


def create_app(settings: Settings | None = None, saved: catalogue.Catalogue | None = None) -> Flask:
    """The app. `saved` is the catalogue when the caller has already loaded and checked it
    (`uasa serve` does, to stop with a clear message before gunicorn starts)."""
    settings = settings or load()
    logging.basicConfig(level=settings.log_level.upper())
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body
    app.config["UASA"] = settings
    # Loaded first: a broken catalogue stops start-up before any worker process starts.
    app.extensions["uasa.catalogue"] = (
        saved if saved is not None else catalogue.load(settings.queries or None)
    )

    built = store_layout.locate(settings.store)  # raises StoreError with a clear message
    executor: QueryExecutor | RemoteExecutor
    if settings.remote:
        executor = RemoteExecutor(
            settings.remote,
            settings.query_workers,
            settings.queue_timeout,
            max_result_bytes=settings.max_result_bytes,
        )
    else:
        executor = QueryExecutor(
            str(built.db_path),
            workers=settings.query_workers,
            queue_timeout=settings.queue_timeout,
            max_result_bytes=settings.max_result_bytes,
        )
    atexit.register(executor.close)
    build_id = built.manifest.get("content_hash")
    if build_id and settings.cache_mb > 0:
        executor = CachingExecutor(executor, build_id, settings.cache_mb * 1024 * 1024)
    app.extensions["uasa.store"] = built
    app.extensions["uasa.executor"] = executor

    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        # Credentials stay off, so a listed origin is never echoed back with cookies allowed.
        wildcard = origins == ["*"]
        CORS(
            app,
            origins="*" if wildcard else origins,
            send_wildcard=wildcard,
            methods=["GET", "POST", "OPTIONS"],
            supports_credentials=False,
            max_age=86400,
        )

    errors.register(app)
    security.register(app)
    i18n.register(app)
    frontend.register(app)
    observability.register(app)
    limits.register(app)  # after observability, so refusals are logged and counted too
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(linked_data.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(downloads.blueprint)
    app.register_blueprint(queries.blueprint)
    app.register_blueprint(assets.blueprint)
    app.register_blueprint(explore.blueprint)
    app.register_blueprint(agreements.blueprint)
    return app
