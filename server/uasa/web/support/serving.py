"""The build being served, and how the server follows `uasa build` without a restart.

A :class:`Serving` is one build with its query worker pool (and result cache in front). The
:class:`Follower` holds the current one and swaps in a new one when the store link moves: a
thread checks the link every ``UASA_FOLLOW`` seconds (SIGHUP wakes it at once), opens the new
build with a fresh pool, and replaces the reference in one assignment. Each request takes the
current :class:`Serving` once, at its start, so one request sees one build. The old one is
closed when its last request has finished (or after the query time limit), and its lease on the
build directory is released then, so `uasa build` may prune it only once nobody uses it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from uasa.core import store_layout
from uasa.core.settings import Settings
from uasa.core.store_layout import BuiltStore, Lease
from uasa.query.executor import QueryExecutor
from uasa.query.result_cache import CachingExecutor
from uasa.query.types import Executor

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


class Serving:
    """One build and the executor over it; counts the requests using it."""

    def __init__(self, built: BuiltStore, executor: Executor, lease: Lease | None) -> None:
        self.built = built
        self.executor = executor
        self.lease = lease
        self.build_hash: str | None = built.manifest.get("content_hash") or None
        self._inflight = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self._inflight += 1

    def leave(self) -> None:
        with self._lock:
            self._inflight -= 1

    @property
    def inflight(self) -> int:
        return self._inflight

    def close(self) -> None:
        try:
            self.executor.close()
        finally:
            if self.lease is not None:
                self.lease.release()

    def retire(self, grace: float) -> None:
        """Close once idle, or after ``grace`` seconds, off the calling thread."""

        def run() -> None:
            deadline = time.monotonic() + grace
            while self.inflight > 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            self.close()
            log.info("closed build %s", self.built.root.name)

        threading.Thread(target=run, name="uasa-retire", daemon=True).start()


def _lease(built: BuiltStore) -> Lease | None:
    """A lease on the build, or None for a bare store or one this process cannot write to:
    a build we cannot write, `uasa build` run by us cannot prune either, so it is served
    without one rather than not at all."""
    if not (built.root / store_layout.MANIFEST).is_file():
        return None
    try:
        return Lease(built.root)
    except OSError as exc:
        log.warning("serving build %s without a lease: %s", built.root.name, exc)
        return None


def open_serving(settings: Settings, built: BuiltStore) -> Serving:
    """A pool (or the remote store) for ``built``, with the result cache and a lease."""
    lease = _lease(built)
    try:
        executor: Executor
        if settings.remote:
            # Imported only here: requests costs every server start ~100 ms of imports.
            from uasa.query.remote import RemoteExecutor

            executor = RemoteExecutor(
                settings.remote,
                settings.query_workers,
                settings.queue_timeout,
                max_result_bytes=settings.max_result_bytes,
            )
        else:
            if not built.db_path.is_dir():  # pruned between the link check and the lease
                raise store_layout.StoreError(f"build {built.root.name} is gone")
            executor = QueryExecutor(
                str(built.db_path),
                workers=settings.query_workers,
                queue_timeout=settings.queue_timeout,
                max_result_bytes=settings.max_result_bytes,
                query_memory_mib=settings.query_memory,
                max_depth=settings.max_query_depth,
            )
    except BaseException:
        if lease is not None:
            lease.release()
        raise
    build_hash = built.manifest.get("content_hash")
    if build_hash and settings.cache_mb > 0:
        executor = CachingExecutor(executor, build_hash, settings.cache_mb * 1024 * 1024)
    return Serving(built, executor, lease)


class Follower:
    """Holds the current :class:`Serving`; swaps in a new build when the store link moves."""

    def __init__(
        self,
        settings: Settings,
        first: Serving,
        on_swap: Callable[[Serving], None] = lambda _: None,
    ) -> None:
        self.settings = settings
        self._current = first
        self._lock = threading.Lock()
        self._on_swap = on_swap
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._failed: Path | None = None  # a target that would not open; retried when it moves
        self._thread: threading.Thread | None = None
        self.swaps = 0

    @property
    def current(self) -> Serving:
        return self._current

    def acquire(self) -> Serving:
        """The current build, counted as in use until :meth:`Serving.leave`."""
        with self._lock:
            serving = self._current
            serving.enter()
        return serving

    def start(self) -> None:
        # A remote store changes under us as soon as `uasa build --to` uploads: there is no
        # link worth polling. Then (and with UASA_FOLLOW=0) only SIGHUP makes the check.
        interval: float | None = float(self.settings.follow)
        if not interval or interval < 0 or self.settings.remote:
            interval = None

        def run() -> None:
            while not self._stop.is_set():
                self._wake.wait(interval)
                self._wake.clear()
                if self._stop.is_set():
                    return
                try:
                    self.check()
                except Exception:  # the poller must outlive any one bad build
                    log.exception("could not switch to the new build")

        self._thread = threading.Thread(target=run, name="uasa-follow", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Check the link now (the SIGHUP handler calls this; it only sets an event)."""
        self._wake.set()

    def check(self) -> bool:
        """Swap in the build the link points at, if it is a new one. True if it swapped."""
        try:
            target = Path(self.settings.store).resolve(strict=True)
        except OSError:
            return False  # the link is being replaced, or gone: keep what we have
        if target == self._current.built.root or target == self._failed:
            return False
        try:
            built = store_layout.locate(self.settings.store)
            if built.root != target:
                return False  # moved again meanwhile; the next check takes the newest
            fresh = open_serving(self.settings, built)
        except (store_layout.StoreError, RuntimeError, OSError) as exc:
            self._failed = target
            log.error("staying on build %s: %s", self._current.built.root.name, exc)
            return False
        with self._lock:
            old, self._current = self._current, fresh
        self._on_swap(fresh)
        self.swaps += 1
        log.warning(
            "now serving build %s (%s); was %s",
            built.root.name,
            fresh.build_hash,
            old.built.root.name,
        )
        old.retire(self.settings.query_timeout + self.settings.queue_timeout + 1)
        return True

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._current.close()


def register(app: Flask) -> None:
    """Each request takes the current build once; its responses name it (X-Uasa-Build)."""
    from flask import g, request

    from uasa.web.support import observability

    follower: Follower = app.extensions["uasa.follower"]

    @app.before_request
    def take_build() -> None:
        held = g.uasa_serving = follower.acquire()
        # The envelope (uasa.web.envelope) names it in X-Uasa-Build.
        observability.note_of(request.environ).build = held.build_hash or held.built.root.name

    @app.teardown_request
    def let_go(_: BaseException | None) -> None:
        held: Serving | None = g.pop("uasa_serving", None)
        if held is not None:
            held.leave()
