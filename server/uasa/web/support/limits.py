"""Request limits and per-client rate limiting, as ``before_request`` / ``teardown_request`` hooks.

Checked before any route runs, in this order:

1. the rate limit (``UASA_RATE_LIMIT`` requests per minute per client, off by default): a token
   bucket per client that holds a minute's worth of requests and refills steadily; an empty
   bucket gets 429 with ``Retry-After`` (whole seconds), as the Wikidata Query Service does;
2. the concurrency cap (``UASA_CLIENT_CONCURRENCY`` requests in progress per client, off by
   default): 429 with ``Retry-After: 1``;
3. the number of request parameters (``UASA_MAX_PARAMS``): 400;
4. the length of the SPARQL query text on `/sparql` and `/query` (``UASA_MAX_QUERY_LENGTH``
   characters, from the URL, a form or a direct body): 400.

`/health` and `/metrics` are never limited. A client is ``request.remote_addr``: the
connection's address, or, with ``UASA_TRUSTED_PROXIES`` > 0, the address Werkzeug's ``ProxyFix``
takes from ``X-Forwarded-For`` (set up in the app factory), so the limiter and the access log
name the same client. The header is never believed by default, since any client can send one.

`uasa serve` runs several HTTP worker processes (UASA_HTTP_WORKERS), so its limits live in
shared memory (:class:`SharedLimits`, made by the gunicorn master before it forks): a client
gets UASA_RATE_LIMIT a minute from the whole server, whichever process answers it. An app made
without that table (tests, scripts) counts in its own process. Several hosts each count their
own.
"""

from __future__ import annotations

import hashlib
import math
import mmap
import multiprocessing
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, g, request

from uasa.core.settings import Settings
from uasa.web.support.errors import text_error

QUERY_ROUTES = frozenset({"/sparql", "/query"})
EXEMPT = frozenset({"/health", "/metrics"})
FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
DIRECT = "application/sparql-query"
MAX_TRACKED_CLIENTS = 10_000  # buckets kept before idle ones are dropped
DRAIN_LIMIT = 16 * 2**20  # a refused body up to this size is read and dropped (see _drain)


@dataclass
class RateLimiter:
    """A token bucket per client: ``per_minute`` tokens at most, refilled at per_minute / 60 s."""

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # tokens, last seen
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        rate = self.per_minute / 60.0
        now = self.clock()
        with self.lock:
            tokens, last = self.buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self.buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self.buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / rate
            if len(self.buckets) > MAX_TRACKED_CLIENTS:
                self._forget_idle(now, rate)
        return wait

    def _forget_idle(self, now: float, rate: float) -> None:
        """Drop clients whose bucket has refilled: forgetting them changes nothing."""
        full = [
            c
            for c, (tokens, last) in self.buckets.items()
            if tokens + (now - last) * rate >= self.per_minute
        ]
        for c in full:
            del self.buckets[c]
        if len(self.buckets) > MAX_TRACKED_CLIENTS:  # still too many: drop the longest idle
            by_age = sorted(self.buckets, key=lambda c: self.buckets[c][1])
            for c in by_age[: len(by_age) // 2]:
                del self.buckets[c]


@dataclass
class InFlight:
    """Requests in progress per client."""

    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self, client: str, cap: int) -> bool:
        with self.lock:
            n = self.counts.get(client, 0)
            if n >= cap:
                return False
            self.counts[client] = n + 1
            return True

    def leave(self, client: str) -> None:
        with self.lock:
            n = self.counts.get(client, 0) - 1
            if n > 0:
                self.counts[client] = n
            else:
                self.counts.pop(client, None)


_SLOT = struct.Struct("<QddI4x")  # client key (0: free), tokens, last seen, in flight
SHARED_SLOTS = 16_384  # 512 KiB; a client probes PROBES slots from its hash
PROBES = 8


class SharedLimits:
    """The rate limiter's buckets and the in-flight counts in memory shared by processes that
    fork after it is made (gunicorn's workers), under one process-shared lock.

    A client hashes to PROBES neighbouring slots: its own slot if it has one, else a free one
    (never used, or back to a full bucket with nothing in flight: forgetting it changes
    nothing). When all are busy with other clients it shares the first, which can only make
    its limit stricter, never looser. Offers ``take`` (as :class:`RateLimiter`) and
    ``enter``/``leave`` (as :class:`InFlight`).
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.memory = mmap.mmap(-1, _SLOT.size * SHARED_SLOTS)  # anonymous, MAP_SHARED
        self.lock = multiprocessing.get_context("fork").Lock()

    @staticmethod
    def _key(client: str) -> int:
        digest = hashlib.blake2b(client.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "little") or 1

    def _slot(self, key: int, now: float) -> tuple[int, float, float, int]:
        """Offset and (tokens, last, in flight) of the client's slot; the lock is held."""
        rate = self.per_minute / 60.0
        first = key % SHARED_SLOTS
        free = None
        for i in range(PROBES):
            offset = ((first + i) % SHARED_SLOTS) * _SLOT.size
            owner, tokens, last, flight = _SLOT.unpack_from(self.memory, offset)
            if owner == key:
                return offset, tokens, last, flight
            idle = flight == 0 and (
                owner == 0 or rate == 0 or tokens + (now - last) * rate >= self.per_minute
            )
            if free is None and idle:
                free = offset
        if free is not None:
            _SLOT.pack_into(self.memory, free, key, float(self.per_minute), now, 0)
            return free, float(self.per_minute), now, 0
        offset = first * _SLOT.size  # all taken: share, which is stricter, never looser
        _, tokens, last, flight = _SLOT.unpack_from(self.memory, offset)
        return offset, tokens, last, flight

    def take(self, client: str) -> float:
        rate = self.per_minute / 60.0
        key = self._key(client)
        with self.lock:
            now = self.clock()
            offset, tokens, last, flight = self._slot(key, now)
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / rate
            _SLOT.pack_into(self.memory, offset, key, tokens, now, flight)
        return wait

    def enter(self, client: str, cap: int) -> bool:
        key = self._key(client)
        with self.lock:
            offset, tokens, last, flight = self._slot(key, self.clock())
            if flight >= cap:
                return False
            _SLOT.pack_into(self.memory, offset, key, tokens, last, flight + 1)
            return True

    def leave(self, client: str) -> None:
        key = self._key(client)
        with self.lock:
            offset, tokens, last, flight = self._slot(key, self.clock())
            _SLOT.pack_into(self.memory, offset, key, tokens, last, max(0, flight - 1))

    def in_flight(self, client: str) -> int:
        with self.lock:
            return self._slot(self._key(client), self.clock())[3]


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


def _check(settings: Settings) -> Response | None:
    state = current_app.extensions["uasa.limits"]
    client = request.remote_addr or "unknown"  # ProxyFix has applied X-Forwarded-For
    if settings.rate_limit > 0:
        wait = state["rate"].take(client)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            return text_error(
                429,
                f"Too many requests: at most {settings.rate_limit} a minute from one client "
                f"(UASA_RATE_LIMIT). Retry after {seconds} s.",
                **{"Retry-After": str(seconds)},
            )
    if settings.client_concurrency > 0:
        if not state["inflight"].enter(client, settings.client_concurrency):
            return text_error(
                429,
                f"Too many requests in progress from one client: at most "
                f"{settings.client_concurrency} at once (UASA_CLIENT_CONCURRENCY). Wait for one "
                f"to finish.",
                **{"Retry-After": "1"},
            )
        g.limits_client = client
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


def _drain() -> None:
    """Read and drop the unread body of a refused request, so the connection stays usable.

    gunicorn announces keep-alive on a 413 but then discards at most 64 KiB of an unread
    body before it closes the connection, so a client that reuses it (requests, urllib3 …)
    gets a connection error on its next request. Bodies past DRAIN_LIMIT are not worth
    reading: for those the connection closes, as before.
    """
    length = request.content_length
    stream = request.environ.get("wsgi.input")
    if length is None or length > DRAIN_LIMIT or stream is None:
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
    app.extensions["uasa.limits"] = {
        "rate": shared if shared is not None else RateLimiter(settings.rate_limit),
        "inflight": shared if shared is not None else InFlight(),
    }

    @app.before_request
    def limit() -> Response | None:
        if request.path in EXEMPT:
            return None
        return _check(current_app.config["UASA"])

    @app.after_request
    def drain_refused_body(response: Response) -> Response:
        if response.status_code >= 400:  # a refusal may leave the body unread (413, 415 …)
            _drain()
        return response

    @app.teardown_request
    def release(_: BaseException | None) -> None:
        client = g.pop("limits_client", None)
        if client is not None:
            current_app.extensions["uasa.limits"]["inflight"].leave(client)
