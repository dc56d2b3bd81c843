"""Request limits: per-client allowances as WSGI middleware (`ClientLimits`), the rest as a
``before_request`` hook.

Checked before any route runs, in this order:

1. the rate limit (``UASA_RATE_LIMIT`` requests per minute per client, off by default): a token
   bucket per client that holds a minute's worth of requests and refills steadily; an empty
   bucket gets 429 with ``Retry-After`` (whole seconds), as the Wikidata Query Service does;
2. the time budget (``UASA_CLIENT_SECONDS`` seconds of answering per minute per client, on by
   default, as WDQS's query-time budget): each request's time is taken from it when it ends,
   and a client that has used it up gets 429 with ``Retry-After`` until it has refilled;
3. the concurrency cap (``UASA_CLIENT_CONCURRENCY`` requests in progress per client, on by
   default, below the query workers of one HTTP worker): 429 with ``Retry-After: 1``; so one
   client's runaway queries never hold every query worker;
4. the number of request parameters (``UASA_MAX_PARAMS``): 400;
5. the length of the SPARQL query text on `/sparql` and `/query` (``UASA_MAX_QUERY_LENGTH``
   characters, from the URL, a form or a direct body): 400.

`/health`, `/metrics` and static files are never limited. A client is ``request.remote_addr``
(an IPv6 address by its /64): the connection's address, or, with ``UASA_TRUSTED_PROXIES`` > 0,
the address Werkzeug's ``ProxyFix`` takes from ``X-Forwarded-For`` (set up in the app factory),
so the limiter and the access log name the same client. The header is never believed by
default, since any client can send one.

`uasa serve` runs several HTTP worker processes (UASA_HTTP_WORKERS), so its limits live in
shared memory (:class:`SharedLimits`, made by the gunicorn master before it forks): a client
gets its allowances from the whole server, whichever process answers it. An app made without
that table (tests, scripts) makes its own. Several hosts each count their own.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import math
import mmap
import multiprocessing
import os
import struct
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.wsgi import ClosingIterator

from uasa.core.settings import Settings
from uasa.web.support.errors import text_error

StartResponse = Callable[..., Any]

QUERY_ROUTES = frozenset({"/sparql", "/query"})
EXEMPT = frozenset({"/health", "/metrics"})
# Static files a page loads in parallel: quick to answer, never worth a client's allowance.
EXEMPT_PREFIXES = ("/static/", "/assets/")
FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
DIRECT = "application/sparql-query"
REFUSED = "uasa.limits.refused"  # the environ key ClientLimits hands a refusal to Flask in
DRAIN_LIMIT = 16 * 2**20  # a refused body up to this size is read and dropped (see _drain)


_SLOT = struct.Struct(
    "<QdddI4x"
)  # client key (0: free), tokens, last seen, seconds left, in flight
SHARED_SLOTS = 16_384  # 640 KiB; a client probes PROBES slots from its hash
PROBES = 8


def client_of(address: str) -> str:
    """Who counts as one client: the address, or for IPv6 its /64 (one subscriber's network:
    anyone holding one holds 2^64 addresses)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class SharedLimits:
    """Each client's rate bucket, time budget and requests in flight, in memory shared by the
    processes that fork after it is made (gunicorn's workers), under one process-shared lock.
    An app made without one (tests, scripts) makes its own.

    Three allowances per client, each refilled steadily over a minute: ``per_minute``
    requests, ``seconds_per_minute`` seconds of answering (the Wikidata Query Service's
    query-time budget), and the requests in flight (``enter``/``leave``). A client hashes,
    with a key drawn at random when the table is made (so nobody can choose addresses offline
    that land on a victim's slots), to PROBES neighbouring slots: its own slot if it has one,
    else a free one (never used, or back to full allowances with nothing in flight: forgetting
    it changes nothing). When all are busy with other clients it shares the first, which can
    only make its limits stricter, never looser.
    """

    def __init__(
        self,
        per_minute: int = 0,
        seconds_per_minute: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.seconds_per_minute = seconds_per_minute
        self.clock = clock
        self.secret = os.urandom(16)
        self.memory = mmap.mmap(-1, _SLOT.size * SHARED_SLOTS)  # anonymous, MAP_SHARED
        self.lock = multiprocessing.get_context("fork").Lock()

    def _key(self, client: str) -> int:
        digest = hashlib.blake2b(client.encode("utf-8"), digest_size=8, key=self.secret).digest()
        return int.from_bytes(digest, "little") or 1

    def _refilled(
        self, tokens: float, credit: float, last: float, now: float
    ) -> tuple[float, float]:
        elapsed = max(0.0, now - last)
        return (
            min(float(self.per_minute), tokens + elapsed * self.per_minute / 60.0),
            min(self.seconds_per_minute, credit + elapsed * self.seconds_per_minute / 60.0),
        )

    def _slot(self, client: str) -> tuple[int, int, float, float, int]:
        """Offset, key and the refilled (tokens, seconds left, in flight) of the client's slot,
        its last-seen time moved to now; the lock is held."""
        key = self._key(client)
        now = self.clock()
        first = key % SHARED_SLOTS
        free = None
        for i in range(PROBES):
            offset = ((first + i) % SHARED_SLOTS) * _SLOT.size
            owner, tokens, last, credit, flight = _SLOT.unpack_from(self.memory, offset)
            tokens, credit = self._refilled(tokens, credit, last, now)
            if owner == key:
                return offset, key, tokens, credit, flight
            full = tokens >= self.per_minute and credit >= self.seconds_per_minute
            if free is None and (owner == 0 or (flight == 0 and full)):
                free = offset
        if free is not None:
            return free, key, float(self.per_minute), self.seconds_per_minute, 0
        offset = first * _SLOT.size  # all taken: share, which is stricter, never looser
        owner, tokens, last, credit, flight = _SLOT.unpack_from(self.memory, offset)
        tokens, credit = self._refilled(tokens, credit, last, now)
        return offset, owner, tokens, credit, flight

    def _store(self, offset: int, key: int, tokens: float, credit: float, flight: int) -> None:
        _SLOT.pack_into(self.memory, offset, key, tokens, self.clock(), credit, flight)

    def take(self, client: str) -> float:
        """0 when the request may go ahead (and it is counted), else the seconds until it may."""
        with self.lock:
            offset, key, tokens, credit, flight = self._slot(client)
            if tokens < 1.0:
                self._store(offset, key, tokens, credit, flight)
                return (1.0 - tokens) * 60.0 / self.per_minute
            self._store(offset, key, tokens - 1.0, credit, flight)
        return 0.0

    def budget_wait(self, client: str) -> float:
        """0 while the client has answering time left, else the seconds until it has."""
        with self.lock:
            offset, key, tokens, credit, flight = self._slot(client)
            self._store(offset, key, tokens, credit, flight)
        return 0.0 if credit > 0 else (0.01 - credit) * 60.0 / self.seconds_per_minute

    def charge(self, client: str, seconds: float) -> None:
        """Take the time spent answering the client from its budget (it may go below zero:
        a long query is paid for after it ran, by waiting)."""
        with self.lock:
            offset, key, tokens, credit, flight = self._slot(client)
            self._store(offset, key, tokens, credit - seconds, flight)

    def enter(self, client: str, cap: int) -> bool:
        with self.lock:
            offset, key, tokens, credit, flight = self._slot(client)
            if flight >= cap:
                return False
            self._store(offset, key, tokens, credit, flight + 1)
            return True

    def leave(self, client: str) -> None:
        with self.lock:
            offset, key, tokens, credit, flight = self._slot(client)
            self._store(offset, key, tokens, credit, max(0, flight - 1))

    def in_flight(self, client: str) -> int:
        with self.lock:
            return self._slot(client)[4]


def _parameter_count() -> int:
    count = sum(len(values) for values in request.args.listvalues())
    if request.method == "POST" and request.mimetype in FORMS:
        count += sum(len(values) for values in request.form.listvalues())
        count += sum(len(values) for values in request.files.listvalues())
    return count


def _query_texts() -> list[str]:
    texts = request.args.getlist("query")
    if request.method == "POST":
        if request.mimetype in FORMS:
            texts += request.form.getlist("query")
        elif request.mimetype == DIRECT:
            # Cached by werkzeug, so the endpoint reads the same bytes again without a copy.
            texts.append(request.get_data().decode("utf-8", errors="replace"))
    return texts


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _retry_later(wait: float, problem: str) -> Response:
    """429 naming the problem and the whole seconds to wait, in the text and Retry-After."""
    seconds = max(1, math.ceil(wait))
    return text_error(429, f"{problem} Retry after {seconds} s.", **{"Retry-After": str(seconds)})


def _too_many(settings: Settings) -> str:
    return (
        f"Too many requests: at most {settings.rate_limit} a minute from one client "
        f"(UASA_RATE_LIMIT)."
    )


def _too_long(settings: Settings) -> str:
    return (
        f"Too much server time used: one client may use {settings.client_seconds:g} s of "
        f"answering a minute (UASA_CLIENT_SECONDS), and your recent requests used it up."
    )


def _per_client(settings: Settings, table: SharedLimits, client: str) -> Response | None:
    """The client's allowances: rate, time budget, requests in flight; a 429 when one is out
    (a request let in is then in flight: `ClientLimits` gives it back when it ends)."""
    allowances = (
        (settings.rate_limit > 0, table.take, _too_many),
        (settings.client_seconds > 0, table.budget_wait, _too_long),
    )
    for applies, wait_for, problem in allowances:
        wait = wait_for(client) if applies else 0.0
        if wait > 0:
            return _retry_later(wait, problem(settings))
    if settings.client_concurrency > 0 and not table.enter(client, settings.client_concurrency):
        return text_error(
            429,
            f"Too many requests in progress from one client: at most "
            f"{settings.client_concurrency} at once (UASA_CLIENT_CONCURRENCY). Wait for one "
            f"to finish.",
            **{"Retry-After": "1"},
        )
    return None


class ClientLimits:
    """WSGI middleware for the per-client allowances (1 to 3 above), under the proxy fix and the
    envelope and above the short path, so every answer, short or not, counts against the
    client the proxy fix names. A refusal is handed to Flask to answer (`REFUSED`), so it is
    logged, counted, given CORS headers and its body drained like any other refusal."""

    def __init__(self, app: Flask, inner: Callable[..., Iterable[bytes]]) -> None:
        self.inner = inner
        self.settings: Settings = app.config["UASA"]
        self.table: SharedLimits = app.extensions["uasa.limits"]
        s = self.settings
        self.enabled = s.rate_limit > 0 or s.client_seconds > 0 or s.client_concurrency > 0
        # A loopback address is spared only when it is the connection's own: one a trusted
        # proxy forwarded is a client like any other.
        self.spare_loopback = not s.limit_loopback and s.trusted_proxies == 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        address = str(environ.get("REMOTE_ADDR") or "unknown")
        if (
            not self.enabled
            or path in EXEMPT
            or path.startswith(EXEMPT_PREFIXES)
            or (self.spare_loopback and _is_loopback(address))
        ):
            return self.inner(environ, start_response)
        client = client_of(address)
        refusal = _per_client(self.settings, self.table, client)
        if refusal is not None:
            environ[REFUSED] = refusal
            return self.inner(environ, start_response)
        started = time.monotonic()
        done = False

        def finish() -> None:  # once: when the answer starts, or fails before it does
            nonlocal done
            if done:
                return
            done = True
            if self.settings.client_concurrency > 0:
                self.table.leave(client)
            if self.settings.client_seconds > 0:
                self.table.charge(client, time.monotonic() - started)

        def started_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            finish()
            return start_response(status, headers, *exc)

        try:
            body = self.inner(environ, started_response)
        except BaseException:
            finish()
            raise
        return ClosingIterator(body, finish)


def _check(settings: Settings) -> Response | None:
    count = _parameter_count()
    if count > settings.max_params:
        return text_error(
            400,
            f"The request has {count} parameters; the limit is {settings.max_params} "
            f"(UASA_MAX_PARAMS).",
        )
    if request.path in QUERY_ROUTES:
        for text in _query_texts():
            if len(text) > settings.max_query_length:
                return text_error(
                    400,
                    f"The query is {len(text)} characters long; the limit is "
                    f"{settings.max_query_length} (UASA_MAX_QUERY_LENGTH).",
                )
    return None


def _bounded_chunked_body(max_body: int) -> Response | None:
    """A chunked body (no Content-Length) read up to UASA_MAX_BODY: past it, 413.

    Werkzeug stops reading such a body at the limit without a word, so a query cut at 1 MiB
    ran as if whole. Read here, it is handed on as a body of known length.
    """
    if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return None
    stream = request.environ["wsgi.input"]
    parts, size = [], 0
    while size <= max_body:
        part = stream.read(min(65536, max_body + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > max_body:
        return text_error(
            413,
            f"The request body is larger than the limit of {max_body} bytes (UASA_MAX_BODY).",
            Connection="close",  # the rest of the body is not read
        )
    request.environ["wsgi.input"] = io.BytesIO(b"".join(parts))
    request.__dict__.pop("stream", None)  # werkzeug's cached view of the old one, if any
    return None


def _expects_continue() -> bool:
    return request.headers.get("Expect", "").lower() == "100-continue"


def _drain() -> None:
    """Read and drop the unread body of a refused request, so the connection stays usable.

    gunicorn announces keep-alive on a 413 but then discards at most 64 KiB of an unread
    body before it closes the connection, so a client that reuses it (requests, urllib3 …)
    gets a connection error on its next request. Bodies past DRAIN_LIMIT are not worth
    reading: for those the connection closes, as before.
    """
    length = request.content_length
    stream = request.environ.get("wsgi.input")
    if length is None or length > DRAIN_LIMIT or stream is None or _expects_continue():
        return
    remaining = length
    try:
        while remaining > 0:
            chunk = stream.read(min(65536, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
    except OSError:  # the client went away: nothing left to keep open
        pass


def register(app: Flask, shared: SharedLimits | None = None) -> None:
    """``shared``: the table `uasa serve` made before forking its HTTP workers."""
    settings: Settings = app.config["UASA"]
    app.extensions["uasa.limits"] = shared if shared is not None else shared_limits(settings)

    @app.before_request
    def limit() -> Response | None:
        refused: Response | None = request.environ.pop(REFUSED, None)
        if refused is not None:  # a per-client allowance is out (ClientLimits)
            return refused
        settings: Settings = current_app.config["UASA"]
        too_large = _bounded_chunked_body(settings.max_body)
        if too_large is not None:
            return too_large
        if request.path in EXEMPT or request.path.startswith(EXEMPT_PREFIXES):
            return None
        return _check(settings)

    @app.after_request
    def drain_refused_body(response: Response) -> Response:
        if response.status_code >= 400:  # a refusal may leave the body unread (413, 415 …)
            if _expects_continue():
                # The client may still be waiting to send its body (see serve.py, which
                # declines to invite one over UASA_MAX_BODY): never wait for it.
                response.headers["Connection"] = "close"
            else:
                _drain()
        return response


def shared_limits(settings: Settings) -> SharedLimits:
    """The table for ``settings`` (made before the HTTP workers fork, so they share it)."""
    return SharedLimits(settings.rate_limit, settings.client_seconds)
