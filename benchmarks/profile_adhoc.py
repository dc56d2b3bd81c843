"""Where the time of one uncached ad-hoc query goes, layer by layer, measured.

    .venv/bin/python benchmarks/profile_adhoc.py --store var/bench/real/store --out profile.md

Runs the same distinct point queries (`SELECT ?p ?o WHERE { <iri> ?p ?o } LIMIT n`) one at a
time through each layer and reports the median per request:
1. the engine: pyoxigraph in this process, query + SPARQL-JSON serialisation;
2. the executor: the same request through a query worker process (pickle, pipe, worker);
3. the app's WSGI callable, called directly (no HTTP): the short path (uasa.web.fastpath) for
   a `GET /sparql?query=`: protocol, query guard, conneg, cache key, executor, ETag, request id,
   metrics;
4. the same through Flask alone (the fast path switched off), for comparison;
5. a real `uasa serve` (one HTTP worker) over loopback, one keep-alive connection: gunicorn's
   HTTP parsing, its gthread hand-offs and the socket on top of (3);
then profiles (3) with pyinstrument and prints the heaviest frames of the in-process part.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
JSON = "application/sparql-results+json"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True, help="a built store (the link)")
    parser.add_argument("--queries", default=str(ROOT / "queries"))
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    from pyinstrument import Profiler
    from pyoxigraph import QueryResultsFormat, Store

    from uasa.core import store_layout
    from uasa.core.settings import Settings
    from uasa.query.types import QueryRequest
    from uasa.web.app import create_app

    built = store_layout.locate(args.store)
    db = Store.read_only(str(built.db_path))
    iris = [
        r["s"].value
        for r in db.query(
            "SELECT DISTINCT ?s { GRAPH ?g { ?s ?p ?o } "
            'FILTER(STRSTARTS(STR(?s), "https://w3id.org/uasa/id/")) }'
        )
    ]
    random.Random(1).shuffle(iris)
    counter = iter(range(10_000, 10**9))

    def query() -> str:
        iri = iris[next(counter) % len(iris)]
        return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT {next(counter)}"

    def timed(fn, n: int) -> float:  # type: ignore[no-untyped-def]
        samples = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t0)
        return statistics.median(samples) * 1000

    engine = timed(
        lambda: db.query(query(), use_default_graph_as_union=True).serialize(
            format=QueryResultsFormat.JSON
        ),
        args.n,
    )
    settings = Settings.of(store=args.store, queries=args.queries, log_level="warning")
    app = create_app(settings)
    executor = app.extensions["uasa.executor"]
    inner = getattr(executor, "inner", executor)
    req = lambda: QueryRequest(  # noqa: E731
        query=query(), use_default_graph_as_union=True, results_media_type=JSON
    )
    via_worker = timed(lambda: inner.execute(req(), timeout=10), args.n)
    via_cache = timed(lambda: executor.execute(req(), timeout=10), args.n)
    fast = app.extensions["uasa.fastpath"]
    wsgi = app.wsgi_app

    def wsgi_get() -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/sparql",
            "QUERY_STRING": urlencode({"query": query()}),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_ACCEPT": JSON,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        status: list[str] = []
        b"".join(wsgi(environ, lambda s, h, e=None: status.append(s)))
        assert status[0].startswith("200"), status

    wsgi_get()  # the first answer goes through Flask once (it learns the CORS headers)
    via_fast = timed(wsgi_get, args.n)
    fast.enabled = False
    via_flask = timed(wsgi_get, args.n)
    fast.enabled = True
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(args.n):
        wsgi_get()
    profiler.stop()
    executor.close()
    via_http = over_http(args.store, args.queries, query, args.n)
    tree = profiler.output_text(unicode=False, color=False, show_all=False, short_mode=True)
    lines = [
        "## Where an uncached ad-hoc request spends its time",
        "",
        f"Measured by `benchmarks/profile_adhoc.py` on the real dataset ({built.triples} triples), "
        f"one request at a time, median of {args.n} distinct point queries "
        "(`SELECT ?p ?o WHERE { <iri> ?p ?o } LIMIT n`):",
        "",
        "| layer | median per request | added by this layer |",
        "|---|---:|---:|",
        f"| engine: pyoxigraph in-process, query + JSON | {engine:.2f} ms | {engine:.2f} ms |",
        f"| + query worker process (pickle, pipe, worker) | {via_worker:.2f} ms | "
        f"{via_worker - engine:.2f} ms |",
        f"| + result cache lookup/insert (miss) | {via_cache:.2f} ms | "
        f"{via_cache - via_worker:.2f} ms |",
        f"| + the app's short path (WSGI call: protocol, guard, conneg, ETag, request id, "
        f"metrics) | {via_fast:.2f} ms | {via_fast - via_cache:.2f} ms |",
        f"| + gunicorn over loopback (HTTP parsing, gthread hand-offs, socket; one keep-alive "
        f"connection) | {via_http:.2f} ms | {via_http - via_fast:.2f} ms |",
        f"| (for comparison: the same WSGI call through Flask, short path off) | "
        f"{via_flask:.2f} ms | {via_flask - via_cache:.2f} ms |",
        "",
        "The benchmark table's ad-hoc row measures the whole path under 8 clients, where "
        "the hand-offs between gunicorn's threads and the query worker processes wait for a "
        "core as well.",
        "",
        "Why the uncached rows stay below Oxigraph's own server: Oxigraph answers a point "
        "lookup in one Rust thread, parsing HTTP included. Ours pays, per request, gunicorn's "
        "pure-Python HTTP parsing and its hand-offs between the poller thread and the request "
        "thread (the gunicorn row), the round trip to a query worker process (pickle, pipe, "
        "two wake-ups: the price of a time limit that kills the query and frees its CPU, "
        "which a thread cannot have), and the short path itself. On 2 cores shared with the "
        "load generator the CPU per request, not the engine, sets the throughput; the "
        "next steps would be a C HTTP front end or serving answers without the worker round "
        "trip. Uncached "
        "analytics run the same engine in "
        "the query worker processes; each process has its own RocksDB block cache, which "
        "Oxigraph's threads share, and more processes than cores compete for the CPU.",
        "",
        "pyinstrument, the short-path loop above (in-process frames; time waiting on the "
        "worker's pipe shows as `poll`/`recv`):",
        "",
        "```",
        *[line for line in tree.splitlines()[:70]],
        "```",
    ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:14]))
    return 0


def over_http(store: str, queries: str, query, n: int) -> float:  # type: ignore[no-untyped-def]
    """Median of `n` sequential requests to a real `uasa serve` with one HTTP worker."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "UASA_STORE": store,
        "UASA_QUERIES": queries,
        "UASA_PORT": str(port),
        "UASA_HTTP_WORKERS": "1",
        "UASA_LOG_LEVEL": "warning",
    }
    uasa = Path(sys.executable).with_name("uasa")
    proc = subprocess.Popen(
        [str(uasa), "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("uasa serve did not start")
            time.sleep(0.05)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def get() -> None:
            conn.request(
                "GET", "/sparql?" + urlencode({"query": query()}), headers={"Accept": JSON}
            )
            r = conn.getresponse()
            r.read()
            assert r.status == 200, r.status

        for _ in range(20):
            get()
        samples = []
        for _ in range(n):
            t0 = time.perf_counter()
            get()
            samples.append(time.perf_counter() - t0)
        return statistics.median(samples) * 1000
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
