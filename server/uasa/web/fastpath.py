"""A short path in front of Flask for the requests that dominate a public endpoint.

Flask's routing, request objects and hooks cost about 1 ms a request, ten times what the query
itself costs. This WSGI layer answers the common cases without them, and hands everything else
(and every error) to the Flask app unchanged:

- ``GET /sparql?query=…`` (or ``/query``) with the query as the only parameter: planned by
  the same :func:`uasa.web.routes.sparql.plan` (guard, negotiation, dataset), run by the same
  executor (the killable worker pool, its time limit, the result size limit), with the same
  headers (ETag, Cache-Control, Vary);
- ``GET /data/…`` and the 303s of ``/id/…``, ``/concept/…``, ``/graph/…``: rendered once per
  build by the Flask app itself, then kept (status, headers and bytes) and served from memory
  for as long as that build is served, up to half of UASA_CACHE_MB (one answer at most an
  eighth of that; a bigger one is rendered each time, through the result cache).

Every answer from here still gets its request id, the build header, the metrics and the access
log line. Anything unusual goes to Flask: another method, an ``Origin`` (CORS), an
``If-None-Match`` (304), a browser that may want the query editor (``html`` in Accept), a query
over UASA_MAX_QUERY_LENGTH, and any request while UASA_RATE_LIMIT or UASA_CLIENT_CONCURRENCY is
on (those hooks live in Flask). A query that fails (syntax, time limit, size) is not run twice:
the error goes to Flask, which renders and counts it as for any other request.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus

from flask import Flask, g, request

from uasa.core import negotiation as conneg
from uasa.core.errors import UasaError
from uasa.query.result_cache import request_key
from uasa.web.routes.sparql import Protocol, plan
from uasa.web.support import limits, observability, security
from uasa.web.support.run import cache_control, execute
from uasa.web.support.serving import Follower

RAISE = "uasa.fastpath.raise"  # environ key: an error for the Flask app to render
SPARQL_ROUTES = {"/sparql": "/sparql", "/query": "/query"}
# Resource documents and the IRIs that redirect to them, by the Flask rule that serves them.
KEPT = (
    ("/data/", "/data/<path:rest>"),
    ("/id/", "/id/<path:rest>"),
    ("/concept/", "/concept/<path:rest>"),
    ("/graph/", "/graph/<path:rest>"),
)
_REQUEST_ID = observability._REQUEST_ID
PER_REQUEST = frozenset({"X-Request-Id", "X-Uasa-Build", "Content-Length"})
StartResponse = Callable[..., Any]
Answer = tuple[str, list[tuple[str, str]], bytes]


class FastPath:
    """WSGI middleware: ``app.wsgi_app = FastPath(app, app.wsgi_app)``."""

    def __init__(self, app: Flask, inner: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.inner = inner
        self.settings = app.config["UASA"]
        self.follower: Follower = app.extensions["uasa.follower"]
        self.metrics: observability.Metrics = app.extensions["uasa.metrics"]
        # Off: every request goes to Flask (tests compare the two); requests that may meet a
        # per-client limit always do, since the limits are Flask hooks.
        self.enabled = True
        self.allow = frozenset(self.settings.service_allow.split())
        self.budget = self.settings.cache_mb * 2**20 // 2
        self._kept: dict[tuple[str, ...], Answer] = {}
        self._kept_build = ""
        self._kept_bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        # The CORS headers flask-cors adds to an answer to a request without Origin (it sends
        # them always): learnt from the first answer the app gives here, then added to ours.
        self.cors: list[tuple[str, str]] | None = None

        @app.before_request
        def raise_fast_error() -> None:  # registered last: logged and counted as usual
            exc = request.environ.pop(RAISE, None)
            if exc is not None:
                raise exc

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            not self.enabled
            or environ.get("REQUEST_METHOD") != "GET"
            or limits.per_client_limits_apply(self.settings, environ)
            or "HTTP_ORIGIN" in environ
            or "HTTP_IF_NONE_MATCH" in environ
        ):
            return self.inner(environ, start_response)
        path = environ.get("PATH_INFO", "")
        route = SPARQL_ROUTES.get(path)
        if route is not None:
            return self._sparql(environ, start_response, route)
        for prefix, rule in KEPT:
            if path.startswith(prefix):
                return self._kept_answer(environ, start_response, rule)
        return self.inner(environ, start_response)

    # -- GET /sparql?query=… -----------------------------------------------------------------

    def _sparql(
        self, environ: dict[str, Any], start_response: StartResponse, route: str
    ) -> Iterable[bytes]:
        qs = environ.get("QUERY_STRING", "")
        accept = environ.get("HTTP_ACCEPT")
        if (
            not qs.startswith("query=")
            or "&" in qs
            or (accept and "html" in accept.lower())  # maybe a browser: the editor decides
            or self.settings.max_params < 1
        ):
            return self.inner(environ, start_response)
        text = unquote_plus(qs[6:], errors="replace")
        if len(text) > self.settings.max_query_length or self.cors is None:
            return self._capture(environ, start_response)[0]
        started = time.perf_counter()
        serving = self.follower.acquire()
        query_hash = observability.query_hash(text)
        try:
            with self.app.app_context():
                g.uasa_serving = serving
                req = plan(Protocol(query=text), self.settings, accept)
                result = execute(serving.executor, req, self.settings, self.metrics)
        except UasaError as exc:  # rendered, logged and counted by the app, as for any request
            environ[RAISE] = exc
            return self.inner(environ, start_response)
        finally:
            serving.leave()
        fmt = next(f for f in conneg.formats(result.kind) if f.media_type == result.media_type)
        headers = [
            ("Content-Type", fmt.content_type),
            ("Vary", "Accept"),
            *security.EVERY_RESPONSE,
            *(self.cors or []),
        ]
        build = serving.build_hash
        if build:
            etag = request_key(req, build)[:32]
            headers += [("ETag", f'W/"{etag}"'), ("Cache-Control", cache_control(self.settings))]
        answer = ("200 OK", headers, result.body)
        return self._send(environ, start_response, answer, serving, route, started, query_hash)

    # -- resource documents and their 303s ---------------------------------------------------

    def _kept_answer(
        self, environ: dict[str, Any], start_response: StartResponse, rule: str
    ) -> Iterable[bytes]:
        started = time.perf_counter()
        path = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING") or len(path) > 1024:
            return self.inner(environ, start_response)
        served = self.follower.current
        build = served.build_hash or served.built.root.name
        negotiated = ""
        if not path.startswith("/data/"):
            fmt = conneg.negotiate(environ.get("HTTP_ACCEPT"), "graph", html="first")
            if fmt is None:
                return self.inner(environ, start_response)
            negotiated = fmt.name
        key = (
            build,
            path,
            negotiated,
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""),
        )
        kept = self._kept.get(key) if self._kept_build == build else None
        if kept is None:
            return self._render_and_keep(environ, start_response, key)
        with self._lock:
            self.hits += 1
        return self._send(environ, start_response, kept, served, rule, started, None)

    def _render_and_keep(
        self, environ: dict[str, Any], start_response: StartResponse, key: tuple[str, ...]
    ) -> Iterable[bytes]:
        """Let Flask answer; keep a 200 or 303 for the build it came from."""
        answer, (status, headers, body) = self._capture(environ, start_response)
        build = next((v for k, v in headers if k == "X-Uasa-Build"), "")
        if status[:3] in {"200", "303"} and build == key[0]:
            kept = [(k, v) for k, v in headers if k not in PER_REQUEST]
            with self._lock:
                if self._kept_build != build:  # a new build: the old answers are dead
                    self._kept, self._kept_build, self._kept_bytes = {}, build, 0
                fits = len(body) <= self.budget // 8  # as the result cache: no one answer
                if fits and self._kept_bytes + len(body) <= self.budget and key not in self._kept:
                    self._kept[key] = (status, kept, body)
                    self._kept_bytes += len(body)
        return answer

    def _capture(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> tuple[list[bytes], Answer]:
        """The app's answer, passed on, and a copy (learning the CORS headers from it)."""
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        chunks = self.inner(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = captured
        if "HTTP_ORIGIN" not in environ:
            self.cors = [(k, v) for k, v in headers if k.startswith("Access-Control-")]
        return [body], (status, headers, body)

    # -- what every answer from here gets ----------------------------------------------------

    def _send(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        answer: Answer,
        serving: Any,
        route: str,
        started: float,
        query_hash: str | None,
    ) -> Iterable[bytes]:
        status, headers, body = answer
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if given and _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        out = [
            *headers,
            ("Content-Length", str(len(body))),
            ("X-Uasa-Build", serving.build_hash or serving.built.root.name),
            ("X-Request-Id", request_id),
        ]
        code = status[:3]
        elapsed = time.perf_counter() - started
        self.metrics.requests.labels(route, code).inc()
        self.metrics.request_seconds.labels(route).observe(elapsed)
        if observability.access_log.isEnabledFor(logging.INFO):
            observability.access_log.info(
                json.dumps(
                    {
                        "request_id": request_id,
                        "method": "GET",
                        "route": route,
                        "path": environ.get("PATH_INFO", ""),
                        "status": int(code),
                        "ms": round(elapsed * 1000, 1),
                        "query_hash": query_hash,
                        "client": environ.get("REMOTE_ADDR"),
                    },
                    ensure_ascii=False,
                )
            )
        start_response(status, out)
        return [body]


def install(app: Flask) -> FastPath:
    fast = FastPath(app, app.wsgi_app)
    app.wsgi_app = fast  # type: ignore[method-assign]
    app.extensions["uasa.fastpath"] = fast
    return fast
