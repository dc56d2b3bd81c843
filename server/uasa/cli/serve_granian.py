"""`uasa serve` with UASA_HTTP_SERVER=granian: the app behind Granian, whose HTTP side is Rust.

Granian forks its worker processes from this one (multiprocessing's default start method on
Linux), so what :func:`serve` keeps here (settings, the checked catalogue, the shared rate-limit
table) is what each worker's :func:`make_app` finds. Each worker then creates its own app, as a
gunicorn worker does: query worker pool, result cache, build follower and metrics. Granian's
master restarts a worker that dies and respawns every worker on SIGHUP, like gunicorn's.
"""

from __future__ import annotations

import atexit
from typing import TYPE_CHECKING, Any

from uasa.cli.serve import end_worker, worker_started
from uasa.core.settings import Settings

if TYPE_CHECKING:
    from flask import Flask

    from uasa.query.catalogue import Catalogue

_ARGS: tuple[Settings, Catalogue | None, Any] | None = None


def make_app() -> Flask:
    """Granian's factory, called in each worker process after the fork."""
    from uasa.web.app import create_app

    assert _ARGS is not None, "make_app runs in a worker started by serve()"
    # Registered before the app's own exit handlers, so it runs after them (atexit reverses):
    # the worker then ends without the teardown crash, as under gunicorn.
    atexit.register(end_worker)
    app = create_app(*_ARGS)
    worker_started(app)
    return app


def serve(settings: Settings, saved: Catalogue | None, shared: Any, workers: int) -> None:
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    global _ARGS
    _ARGS = (settings, saved, shared)
    level = {"warn": "warning"}.get(settings.log_level, settings.log_level)
    Granian(
        f"{__name__}:make_app",
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        websockets=False,
        workers=workers,
        blocking_threads=settings.threads,
        # The request line and headers, as with gunicorn's limit (8190 for the line): longer
        # queries go by POST.
        http1_settings=HTTP1Settings(max_buffer_size=8192 + 4096 * 4),
        respawn_failed_workers=True,
        respawn_interval=0.5,
        workers_kill_timeout=int(settings.query_timeout + 5),
        log_level=LogLevels(level) if level in LogLevels.__members__ else LogLevels.info,
        log_access=False,  # the app writes its own access log (uasa.access)
    ).serve()
