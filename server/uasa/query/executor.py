"""Run queries in worker processes that can be killed.

pyoxigraph has no query timeout (oxigraph#1926) and a running query cannot be interrupted
from Python, so each query runs in a separate process holding a read-only opening of the
store. A query that overruns its limit is answered with 503 before any body is sent, and its
process is killed at once, which frees its CPU; a fresh worker takes its place. Each worker
also has a memory limit (UASA_QUERY_MEMORY, set with RLIMIT_DATA once the store is open): a
query that needs more ends its worker and is answered with 503 like one over the time limit,
so the pool bounds memory as well as the number of queries that run at once. A query nested
deeper than UASA_MAX_QUERY_DEPTH never reaches a worker (the store's parser recurses and would
crash it). A worker found dead while idle is replaced before a query is sent to it. Workers
come from a forkserver, so a replacement starts in milliseconds.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
import time
from typing import Any

from uasa.query import guard, worker
from uasa.query.types import QueryError, QueryRequest, QueryResult, memory_exceeded

log = logging.getLogger(__name__)


class _Worker:
    def __init__(
        self, ctx: Any, store_path: str, max_result_bytes: int = 0, query_memory: int = 0
    ) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=worker.answer_queries,
            args=(store_path, child, max_result_bytes, query_memory),
            name="uasa-query",
            daemon=True,
        )
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"query worker did not start within {timeout:g} s")
        failure = self.conn.recv()  # None once the store is open, else why it is not
        if failure is not None:
            self.kill()
            raise RuntimeError(failure)

    def idle_and_alive(self) -> bool:
        """False when the worker has died while idle (its pipe is readable: it is closed)."""
        return self.process.is_alive() and not self.conn.poll()

    def died_of_memory(self) -> bool:
        """Whether the worker ended by aborting, as the store does when an allocation fails
        under the memory limit."""
        self.process.join(timeout=1)
        return self.process.exitcode == -signal.SIGABRT

    def kill(self) -> None:
        """Stop the worker; safe to call again (close() may meet one a respawn already killed)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        if not self.conn.closed:
            self.conn.close()


class QueryExecutor:
    """A fixed-size pool of query worker processes over one store directory."""

    def __init__(
        self,
        store_path: str,
        workers: int,
        queue_timeout: float,
        max_result_bytes: int = 0,
        query_memory_mib: int = 0,
        max_depth: int = 0,
    ) -> None:
        self.store_path = store_path
        self.max_result_bytes = max_result_bytes  # 0: no limit; else larger results get 413
        self.query_memory_mib = query_memory_mib  # 0: no limit
        self.max_depth = max_depth  # 0: no limit
        self.queue_timeout = queue_timeout
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["uasa.query.worker"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        started = [self._start() for _ in range(max(1, workers))]
        for w in started:
            w.wait_ready(timeout=60)
            self._idle.put(w)

    def _start(self) -> _Worker:
        w = _Worker(
            self._ctx, self.store_path, self.max_result_bytes, self.query_memory_mib * 2**20
        )
        with self._lock:
            self._all.add(w)
        return w

    def _replace(self, dead: _Worker) -> None:
        """Kill a worker and start its successor, off the request thread."""

        def run() -> None:
            with self._lock:  # whoever takes it out of _all kills it: here or close()
                ours = dead in self._all
                self._all.discard(dead)
            if ours:
                dead.kill()
            with self._lock:
                if self._closed:
                    return
            try:
                fresh = self._start()
                fresh.wait_ready(timeout=60)
            except Exception:  # keep serving with one worker fewer rather than crash
                with self._lock:
                    closed = self._closed
                if not closed:  # a pool closed meanwhile (a new build) killed it: no fault
                    log.exception("could not start a replacement query worker")
                return
            with self._lock:
                closed = self._closed
                if closed:
                    self._all.discard(fresh)
            if closed:  # closed while it started: close() never saw it
                fresh.kill()
                return
            self._idle.put(fresh)

        threading.Thread(target=run, name="uasa-respawn", daemon=True).start()

    def _take(self) -> _Worker:
        """An idle, living worker; dead ones met on the way are replaced, not handed out."""
        deadline = time.monotonic() + self.queue_timeout
        while True:
            try:
                w = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise QueryError(
                    503,
                    f"The server is busy: no query worker became free within "
                    f"{self.queue_timeout:g} s. Try again shortly.",
                    reason="busy",
                ) from None
            if w.idle_and_alive():
                return w
            log.warning("replacing a query worker that died while idle")
            self._replace(w)

    def execute(self, request: QueryRequest, timeout: float) -> QueryResult:
        if self.max_depth > 0:
            problem = guard.nesting_problem(request.query, self.max_depth)
            if problem:
                raise QueryError(400, problem, reason="depth")
        w = self._take()
        started = time.monotonic()
        try:
            w.conn.send(request)
            if not w.conn.poll(timeout):
                self._replace(w)
                raise QueryError(
                    503,
                    f"Query stopped: it ran longer than the time limit of {timeout:g} s "
                    f"(UASA_QUERY_TIMEOUT). Narrow it down or add a LIMIT.",
                    reason="timeout",
                )
            reply = w.conn.recv()
        except (EOFError, OSError) as exc:
            out_of_memory = w.died_of_memory()
            self._replace(w)
            if out_of_memory:
                log.warning("query stopped at the memory limit of %d MiB", self.query_memory_mib)
                raise memory_exceeded(self.query_memory_mib) from None
            log.error("query worker failed after %.2f s: %s", time.monotonic() - started, exc)
            raise QueryError(
                503, "The query worker stopped unexpectedly. Try again.", reason="crash"
            ) from None
        self._idle.put(w)
        if isinstance(reply, QueryError):
            raise reply
        result: QueryResult = reply
        return result

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()
