"""`uasa serve`: the app behind gunicorn, a production WSGI server (the only one).

Start-up checks the store, the saved queries and the page queries once, in the master, and
hands the loaded catalogue to every worker.

UASA_HTTP_WORKERS gunicorn worker processes (one per core by default), each with threads: the
HTTP side is Python and holds a GIL, so one process would keep the other cores idle however
fast the store is. Each worker process creates its own app after the fork: its own query worker
pool, result cache, build follower (with its own lease) and metrics. The rate limits are
shared: their table is made here, in the master, before the fork.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import ipaddress
import logging
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication

from uasa.cli.common import Subparsers
from uasa.core.settings import Settings, load

if TYPE_CHECKING:
    from uasa.query.catalogue import Catalogue


def register(sub: Subparsers) -> None:
    s = sub.add_parser("serve", help="serve the store over HTTP with gunicorn")
    s.add_argument("--store", help="store location (default: UASA_STORE or var/store)")
    s.add_argument("--host", help="listen address (default: UASA_HOST or 127.0.0.1)")
    s.add_argument("--port", type=int, help="listen port (default: UASA_PORT or 8000)")
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from uasa.core import store_layout
    from uasa.query.catalogue import CatalogueError
    from uasa.query.catalogue import load as load_catalogue
    from uasa.web.support import sparql as page_queries

    settings = load(store=args.store, host=args.host, port=args.port)
    try:
        built = store_layout.locate(settings.store)
        store_layout.check_readable(built)
        saved = load_catalogue(settings.queries or None)  # a broken one stops start-up here
        page_queries.check_all()
    except (store_layout.StoreError, CatalogueError, page_queries.PageQueryError) as exc:
        print(f"uasa serve: {exc}", file=sys.stderr)
        return 1
    triples = built.triples if built.triples is not None else "an unknown number of"
    print(f"uasa serve: {triples} triples from {built.root}", flush=True)
    print(
        f"uasa serve: listening on http://{settings.host}:{settings.port}/ "
        f"(SPARQL endpoint http://{settings.host}:{settings.port}/sparql)",
        flush=True,
    )
    serve(settings, saved)  # the gunicorn worker inherits it: not loaded a second time
    return 0


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
        from uasa.core.store_layout import StoreError
        from uasa.web.app import create_app

        try:
            return create_app(self.settings, self.saved, self.shared_limits)
        except (StoreError, OSError, RuntimeError) as exc:
            # The build went bad after start-up (link gone, manifest damaged, store unreadable)
            # and a worker (re)started: one line, then the master stops the server (see
            # _worker_exit) instead of booting a doomed worker again and again.
            print(f"uasa serve: a worker cannot open the build: {exc}", file=sys.stderr)
            sys.exit(BOOT_FAILED)


BOOT_FAILED = 3  # gunicorn's WORKER_BOOT_ERROR: its master halts the server on this exit code


def end_worker(code: int = 0) -> None:
    """End an HTTP worker process without the interpreter's teardown, which crashes in a native
    destructor (SIGSEGV) after every request has finished. The exit handlers must have run."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _worker_exit(server: Any, worker: Any) -> None:
    atexit._run_exitfuncs()  # stops the query workers (registered by create_app)
    # A worker that never booted must say so, or the master starts another at once, forever
    # (~18 a second, a traceback each, while the socket accepts connections nobody answers).
    end_worker(0 if worker.booted else BOOT_FAILED)


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


def decline_large_bodies(max_body: int) -> Any:
    """gunicorn's pre_request hook: a request that announces a body over ``max_body`` and
    asks `Expect: 100-continue` is not told to send it (gunicorn would say 100 Continue before
    the app runs); the app answers 413 and closes, having read nothing."""

    def pre_request(worker: Any, req: Any) -> None:
        if not getattr(req, "_expected_100_continue", False):
            return
        length = next((v for n, v in req.headers if n == "CONTENT-LENGTH"), "")
        if length.isdigit() and int(length) > max_body:
            req._expected_100_continue = False

    return pre_request


def http_workers(settings: Settings) -> int:
    return settings.http_workers if settings.http_workers > 0 else (os.cpu_count() or 1)


def exposure_warning(settings: Settings) -> str | None:
    """What to tell an operator who binds beyond loopback with no proxy trusted: gunicorn's
    threads read request heads and bodies themselves, so a few dozen slow clients hold them
    all (40 one-byte connections stopped the server). A buffering proxy reads them instead."""
    try:
        loopback = ipaddress.ip_address(settings.host).is_loopback
    except ValueError:
        loopback = settings.host == "localhost"
    if loopback or settings.trusted_proxies > 0:
        return None
    return (
        f"uasa serve: warning: listening on {settings.host} with no proxy in front "
        f"(UASA_TRUSTED_PROXIES=0): slow clients can hold every HTTP worker thread, and the "
        f"per-client limits see each address on its own. Bind to 127.0.0.1 behind a buffering "
        f"proxy (nginx, docs/deploy.md) and set UASA_TRUSTED_PROXIES=1."
    )


def serve(settings: Settings, saved: Catalogue | None = None) -> None:
    warning = exposure_warning(settings)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    # Imported here, in the master, before the fork: each HTTP worker starts with the app's
    # modules loaded (0.4-0.9 s of imports once, not once per worker at the same time).
    import uasa.web.app  # noqa: F401
    from uasa.web.support.limits import shared_limits

    shared = shared_limits(settings)
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
        "pre_request": decline_large_bodies(settings.max_body),
    }
    _Gunicorn(settings, options, saved, shared).run()
