"""The one envelope every answer passes through, from the short path or from Flask.

It sits under the proxy fix and above both, so the client, scheme, host and prefix it logs are
the ones the answer was made for. It gives every answer its request id, the build that served
it (``X-Uasa-Build``), the headers every response carries (``security.EVERY_RESPONSE``), one
count and duration in the metrics, and one access-log line. Whoever answers writes what only it
knows (the route, the build it held, the query's hash) into the request's :class:`Note`.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request

from uasa.web.support import observability, security

StartResponse = Callable[..., Any]


class Envelope:
    """WSGI middleware: ``Envelope(app, inner)``; the metrics live in the app's extensions."""

    def __init__(self, app: Flask, inner: Callable[..., Iterable[bytes]]) -> None:
        self.inner = inner
        self.metrics: observability.Metrics = app.extensions["uasa.metrics"]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        ok = given and observability.REQUEST_ID.match(given)
        note = environ[observability.NOTE] = observability.Note(
            given if ok else uuid.uuid4().hex[:16]
        )

        def enveloped(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            # Nothing under the envelope writes these (a per-request cost: no scan for them).
            out = [*headers, *security.EVERY_RESPONSE, ("X-Request-Id", note.request_id)]
            if note.build:
                out.append(("X-Uasa-Build", note.build))
            self._record(environ, note, status[:3])
            return start_response(status, out, exc_info)

        return self.inner(environ, enveloped)

    def _record(self, environ: dict[str, Any], note: observability.Note, code: str) -> None:
        elapsed = time.perf_counter() - note.started
        self.metrics.requests.labels(note.route, code).inc()
        self.metrics.request_seconds.labels(note.route).observe(elapsed)
        if observability.access_log.isEnabledFor(logging.INFO):
            observability.access_log.info(
                json.dumps(
                    {
                        "request_id": note.request_id,
                        "method": environ.get("REQUEST_METHOD", ""),
                        "route": note.route,
                        "path": _path(environ),
                        "status": int(code),
                        "ms": round(elapsed * 1000, 1),
                        "query_hash": note.query_hash,
                        "client": environ.get("REMOTE_ADDR"),
                    },
                    ensure_ascii=False,
                )
            )


def _path(environ: dict[str, Any]) -> str:
    """PATH_INFO as Flask reads it (WSGI carries it as latin-1 of the UTF-8 bytes)."""
    raw: str = environ.get("PATH_INFO", "")
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")


def register(app: Flask) -> None:
    """Name the Flask route in the note (the short path names its own)."""

    @app.before_request
    def name_route() -> None:
        note = observability.note_of(request.environ)
        note.route = request.url_rule.rule if request.url_rule else "(unmatched)"
