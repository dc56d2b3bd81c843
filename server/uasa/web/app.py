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
from uasa.web.support import sparql as page_queries

# The route modules, each a blueprint, registered in this order.
ROUTES = (
    sparql,
    health,
    linked_data,
    documents,
    pages,
    downloads,
    queries,
    assets,
    explore,
    tables,
    network,
    crawl,
    releases,
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
    _follow_builds(app, settings)
    compression.register(app)  # first, so its after_request hook runs last, on the final body
    _allow_cors(app, settings)
    errors.register(app)
    security.register(app)
    i18n.register(app)
    frontend.register(app)
    observability.register(app)
    envelope.register(app)  # names the route before any hook can refuse the request
    # After observability, so refusals are logged and counted too.
    limits.register(app, shared_limits)
    for routes in ROUTES:
        app.register_blueprint(routes.blueprint)
    fastpath.install(app)  # last: its hook runs after every other before_request hook
    _wrap(app, settings)
    return app


def _follow_builds(app: Flask, settings: Settings) -> None:
    """Open the served build and start the follower that swaps in each new one."""
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


def _allow_cors(app: Flask, settings: Settings) -> None:
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if not origins:
        return
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


def _wrap(app: Flask, settings: Settings) -> None:
    """Outermost the proxy fix, then the one envelope, then the per-client limits, then the
    short path, then Flask: every answer sees (and is kept for and counted against) the
    client, scheme, host and prefix the proxy fix left."""
    app.wsgi_app = limits.ClientLimits(app, app.wsgi_app)  # type: ignore[method-assign]
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


def close_app(app: Flask) -> None:
    """Stop what the app started: the build follower, its query workers and its lease.

    For tests and embedding; `uasa serve` does the same at exit (registered with atexit).
    """
    app.extensions["uasa.follower"].close()
