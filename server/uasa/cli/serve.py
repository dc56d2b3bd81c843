"""`uasa serve`: the app behind gunicorn, a production WSGI server (the only one).

UASA_HTTP_WORKERS gunicorn worker processes (one per core by default), each with threads: the
HTTP side is Python and holds a GIL, so one process would keep the other cores idle however
fast the store is. Each worker process creates its own app after the fork: its own query worker
pool, result cache, build follower (with its own lease) and metrics. The rate limits are
shared: their table is made here, in the master, before the fork.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication

from uasa.core.settings import Settings

if TYPE_CHECKING:
    from uasa.query.catalogue import Catalogue


class _Gunicorn(BaseApplication):
    def __init__(
        self,
        settings: Settings,
        options: dict[str, Any],
        saved: Catalogue | None = None,
        shared_limits: Any = None,
    ) -> None:
        self.settings = settings
        self.saved = saved  # the catalogue `uasa serve` already loaded and checked
        self.shared_limits = shared_limits
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Runs in the gunicorn worker, after the fork, so the query workers are its children.
        from uasa.web.app import create_app

        return create_app(self.settings, self.saved, self.shared_limits)


def end_worker() -> None:
    """End an HTTP worker process without the interpreter's teardown, which crashes in a native
    destructor (SIGSEGV) after every request has finished. The exit handlers must have run."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _worker_exit(server: Any, worker: Any) -> None:
    atexit._run_exitfuncs()  # stops the query workers (registered by create_app)
    end_worker()


def worker_started(app: Any) -> None:
    """In each HTTP worker once its app exists.

    SIGHUP to the worker: look at the store link now rather than at the next poll. (SIGHUP to
    `uasa serve` itself makes the server start fresh workers on the current build.)"""
    follower = getattr(app, "extensions", {}).get("uasa.follower")
    if follower is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGHUP, lambda *_: follower.wake())

    # What start-up made lives as long as the worker: out of the collector's way, so that a
    # full collection under load does not walk it again and again (a tail-latency cost). A
    # moment later, so that the first answer does not wait for the collection.
    def freeze() -> None:
        gc.collect()
        gc.freeze()

    timer = threading.Timer(2.0, freeze)
    timer.daemon = True
    timer.start()


def _post_worker_init(worker: Any) -> None:
    worker_started(worker.wsgi)


def http_workers(settings: Settings) -> int:
    return settings.http_workers if settings.http_workers > 0 else (os.cpu_count() or 1)


def serve(settings: Settings, saved: Catalogue | None = None) -> None:
    # Imported here, in the master, before the fork: each HTTP worker starts with the app's
    # modules loaded (0.4-0.9 s of imports once, not once per worker at the same time).
    import uasa.web.app  # noqa: F401
    from uasa.web.support.limits import SharedLimits

    shared = None
    if settings.rate_limit > 0 or settings.client_concurrency > 0:
        shared = SharedLimits(settings.rate_limit)
    options = {
        "bind": f"{settings.host}:{settings.port}",
        "workers": http_workers(settings),
        "worker_class": "gthread",
        "threads": settings.threads,
        # A slow query is stopped by the executor; this only guards against a hung worker.
        "timeout": int(settings.query_timeout + settings.queue_timeout + 30),
        "graceful_timeout": int(settings.query_timeout + 5),
        # gunicorn's default of 2 s closes an idle keep-alive connection from the worker's main
        # loop; when that loop was kept from the CPU for a moment under load, it closed
        # connections whose next request had already arrived, and the client saw a reset (the
        # soak's rare connection errors, with no worker dying). nginx keeps 75 s by default.
        "keepalive": 15,
        "limit_request_line": 8190,  # the most gunicorn allows; longer queries go by POST
        "control_socket_disable": True,  # no admin socket in $HOME; signals are enough
        # Proxy headers are believed in one place, the app's ProxyFix (UASA_TRUSTED_PROXIES),
        # not also by gunicorn from loopback peers.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        # The app writes its own structured access log (uasa.access), so gunicorn's is off.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level,
        "worker_exit": _worker_exit,
        "post_worker_init": _post_worker_init,
    }
    _Gunicorn(settings, options, saved, shared).run()
