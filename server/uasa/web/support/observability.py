"""Request ids, structured access logs and Prometheus metrics at `/metrics`.

Each app has its own metrics registry, so several apps in one process (the tests) never share
counters. `uasa serve` runs one app per HTTP worker process (UASA_HTTP_WORKERS), so `/metrics`
shows the counters of the process that answered the scrape; sum over scrapes, or run one
worker, for the server's totals. One JSON line per request goes to the `uasa.access` logger:
request id, method, route, status, duration and, for queries, a hash of the query text (never
the text itself, which may be large or private).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, Response, current_app
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

access_log = logging.getLogger("uasa.access")
blueprint = Blueprint("observability", __name__)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
NOTE = "uasa.note"  # environ key of the request's Note


@dataclass
class Note:
    """What the handler of one request tells the envelope (uasa.web.envelope): the route, the
    build it held and the query's hash; the envelope writes the headers, metrics and log."""

    request_id: str
    started: float = field(default_factory=time.perf_counter)
    route: str = "(unmatched)"
    build: str = ""
    query_hash: str | None = None


def note_of(environ: dict[str, Any]) -> Note:
    """The request's note; a fresh one for a request that did not come through the envelope."""
    note = environ.get(NOTE)
    if note is None:
        note = environ[NOTE] = Note(uuid.uuid4().hex[:16])
    return note


class Metrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.requests = Counter(
            "uasa_requests",
            "HTTP requests by route and status",
            ["route", "status"],
            registry=registry,
        )
        self.request_seconds = Histogram(
            "uasa_request_seconds", "HTTP request duration by route", ["route"], registry=registry
        )
        self.query_seconds = Histogram(
            "uasa_query_seconds",
            "Duration of SPARQL queries that returned a result",
            registry=registry,
        )
        self.query_errors = Counter(
            "uasa_query_errors",
            "Queries that failed, by reason (timeout, busy, crash, 400 …)",
            ["reason"],
            registry=registry,
        )


class _CacheCollector(Collector):
    """Reads the result cache's counters at scrape time."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[CounterMetricFamily]:
        executor = self.app.extensions.get("uasa.executor")
        for name in ("hits", "misses"):
            family = CounterMetricFamily(f"uasa_cache_{name}", f"Result cache {name}")
            family.add_metric([], getattr(executor, name, 0))
            yield family


def metrics() -> Metrics:
    return current_app.extensions["uasa.metrics"]


def query_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def register(app: Flask) -> None:
    registry = CollectorRegistry()
    app.extensions["uasa.metrics"] = Metrics(registry)
    registry.register(_CacheCollector(app))

    app.register_blueprint(blueprint)


@blueprint.get("/metrics")
def scrape() -> Response:
    return Response(generate_latest(metrics().registry), content_type=CONTENT_TYPE_LATEST)
