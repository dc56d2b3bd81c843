"""The Flask app factory: one blueprint per HTTP concern, no global state."""

from __future__ import annotations

import atexit
import logging

from flask import Flask
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from uasa.core import store_layout
from uasa.core.settings import Settings, load
from uasa.query import catalogue
from uasa.web import envelope, fastpath
from uasa.web.pages import sparql as page_queries
from uasa.web.routes import (
    assets,
    crawl,
    documents,
    downloads,
    explore,
    health,
    linked_data,
    network,
    pages,
    queries,
    releases,
    sparql,
    tables,
)
from uasa.web.support import (
    compression,
    errors,
    frontend,
    i18n,
    limits,
    observability,
    security,
    serving,
)


def create_app(
    settings: Settings | None = None,
    saved: catalogue.Catalogue | None = None,
    shared_limits: limits.SharedLimits | None = None,
) -> Flask:
    """The app. `saved` is the catalogue when the caller has already loaded and checked it
    (`uasa serve` does, to stop with a clear message before gunicorn starts);
    `shared_limits` the rate-limit table its HTTP worker processes share."""
    settings = settings or load()
    logging.basicConfig(level=settings.log_level.upper())
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body
    app.config["UASA"] = settings
    # Loaded first: a broken catalogue or page query stops start-up before any worker starts.
    page_queries.check_all()
    app.extensions["uasa.catalogue"] = (
        saved if saved is not None else catalogue.load(settings.queries or None)
    )

    built = store_layout.locate(settings.store)  # raises StoreError with a clear message
    first = serving.open_serving(settings, built)

    def swapped(new: serving.Serving) -> None:
        # For code outside a request (tests, scripts); requests read flask.g (context.py).
        app.extensions["uasa.store"] = new.built
        app.extensions["uasa.executor"] = new.executor
        app.extensions.pop("uasa.ui-cache", None)  # keyed by build: the old entries are dead

    follower = serving.Follower(settings, first, swapped)
    swapped(first)
    app.extensions["uasa.follower"] = follower
    atexit.register(follower.close)
    serving.register(app)
    follower.start()

    compression.register(app)  # first, so its after_request hook runs last, on the final body
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
            # Scripts may read what a cache and a linked-data client need.
            expose_headers=["ETag", "Link", "Content-Location", "Vary"],
            max_age=86400,
        )

    errors.register(app)
    security.register(app)
    i18n.register(app)
    frontend.register(app)
    observability.register(app)
    envelope.register(app)  # names the route before any hook can refuse the request
    # After observability, so refusals are logged and counted too.
    limits.register(app, shared_limits)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(linked_data.blueprint)
    app.register_blueprint(documents.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(downloads.blueprint)
    app.register_blueprint(queries.blueprint)
    app.register_blueprint(assets.blueprint)
    app.register_blueprint(explore.blueprint)
    app.register_blueprint(tables.blueprint)
    app.register_blueprint(network.blueprint)
    app.register_blueprint(crawl.blueprint)
    app.register_blueprint(releases.blueprint)
    fastpath.install(app)  # last: its hook runs after every other before_request hook
    # Outermost the proxy fix, then the one envelope, then the short path, then Flask: every
    # answer sees (and is kept for) the client, scheme, host and prefix the proxy fix left.
    app.wsgi_app = envelope.Envelope(app, app.wsgi_app)  # type: ignore[method-assign]
    if settings.trusted_proxies > 0:
        hops = settings.trusted_proxies
        believed = settings.trusted_forwarded.split()
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=hops,
            x_proto=hops,
            # Host and prefix make the URLs the server writes: believed only when named.
            x_host=hops if "host" in believed else 0,
            x_prefix=hops if "prefix" in believed else 0,
        )
    return app


def close_app(app: Flask) -> None:
    """Stop what the app started: the build follower, its query workers and its lease.

    For tests and embedding; `uasa serve` does the same at exit (registered with atexit).
    """
    app.extensions["uasa.follower"].close()
