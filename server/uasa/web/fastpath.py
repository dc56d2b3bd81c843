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
  for as long as that build is served, up to half of UASA_CACHE_MB counting keys and bodies
  (one answer at most an eighth of that; a bigger one is rendered each time, through the
  result cache). It sits under the proxy fix, so a kept answer is keyed on everything its
  URLs are made of, as the proxy fix left them: scheme, ``Host``, prefix (``SCRIPT_NAME``),
  path and negotiated type, and on the Accept-Encoding that chose its encoding.

Every answer from here passes through the same envelope as Flask's (uasa.web.envelope:
request id, build header, security headers, metrics, access log). Anything unusual goes to
Flask: another method, an ``Origin`` (CORS), an ``If-None-Match`` (304), a browser that may
want the query editor (``html`` in Accept), a query that may be sent compressed (``gzip`` in
Accept-Encoding: Flask's compression decides), a query over UASA_MAX_QUERY_LENGTH, and any request
that a per-client limit applies to (those hooks live in Flask). A query
that fails (syntax, time limit, size) is not run twice: the error goes to Flask, which renders
and counts it as for any other request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus

from flask import Flask, g, request

from uasa.core import negotiation as conneg
from uasa.core.errors import UasaError
from uasa.query.result_cache import request_key
from uasa.web.routes.sparql import Protocol, plan
from uasa.web.support import limits, observability
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
KEY_OVERHEAD = 200  # bytes a kept entry costs besides its key's and body's characters
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
        # Off: every request goes to Flask (tests compare the two). Per-client limits are
        # counted above this layer (limits.ClientLimits), so they never send a request here.
        self.enabled = True
        self.allow = frozenset(self.settings.service_allow.split())
        self.budget = self.settings.cache_mb * 2**20 // 2
        self._kept: dict[tuple[str, ...], Answer] = {}  # for one build: _kept_build
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
            or limits.REFUSED in environ  # Flask answers refusals
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
            or "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "").lower()  # Flask compresses
            or self.settings.max_params < 1
        ):
            return self.inner(environ, start_response)
        text = unquote_plus(qs[6:], errors="replace")
        if len(text) > self.settings.max_query_length or self.cors is None:
            return self._capture(environ, start_response)[0]
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
            ("Vary", "Accept, Accept-Encoding"),  # as flask-compress says on every answer
            *(self.cors or []),
        ]
        build = serving.build_hash
        if build:
            etag = request_key(req, build)[:32]
            headers += [("ETag", f'W/"{etag}"'), ("Cache-Control", cache_control(self.settings))]
        answer = ("200 OK", headers, result.body)
        return self._send(environ, start_response, answer, serving, route, query_hash)

    # -- resource documents and their 303s ---------------------------------------------------

    def _kept_answer(
        self, environ: dict[str, Any], start_response: StartResponse, rule: str
    ) -> Iterable[bytes]:
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
            path,
            negotiated,
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("HTTP_ACCEPT_ENCODING", ""),  # the kept body may be gzip'd
        )
        kept = self._kept.get(key) if self._kept_build == build else None
        if kept is None:
            return self._render_and_keep(environ, start_response, build, key)
        with self._lock:
            self.hits += 1
        return self._send(environ, start_response, kept, served, rule, None)

    def _render_and_keep(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        build: str,
        key: tuple[str, ...],
    ) -> Iterable[bytes]:
        """Let Flask answer; keep a 200 or 303 for the build it came from."""
        answer, (status, headers, body) = self._capture(environ, start_response)
        if status[:3] in {"200", "303"} and observability.note_of(environ).build == build:
            kept = [(k, v) for k, v in headers if k != "Content-Length"]
            # Keys count too: a client choosing a Host per request must not grow memory unseen.
            size = len(body) + sum(map(len, key)) + KEY_OVERHEAD
            with self._lock:
                if self._kept_build != build:  # a new build: the old answers are dead
                    self._kept, self._kept_build, self._kept_bytes = {}, build, 0
                fits = size <= self.budget // 8  # as the result cache: no one answer
                if fits and self._kept_bytes + size <= self.budget and key not in self._kept:
                    self._kept[key] = (status, kept, body)
                    self._kept_bytes += size
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
        query_hash: str | None,
    ) -> Iterable[bytes]:
        """Tell the envelope what Flask's hooks would have; it writes the rest."""
        status, headers, body = answer
        note = observability.note_of(environ)
        note.route, note.query_hash = route, query_hash
        note.build = serving.build_hash or serving.built.root.name
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]


def install(app: Flask) -> FastPath:
    fast = FastPath(app, app.wsgi_app)
    app.wsgi_app = fast  # type: ignore[method-assign]
    app.extensions["uasa.fastpath"] = fast
    return fast
