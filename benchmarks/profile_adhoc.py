"""Where the time of one uncached ad-hoc query goes, layer by layer, measured.

    .venv/bin/python benchmarks/profile_adhoc.py --store var/bench/real/store --out profile.md

Runs the same distinct point queries (`SELECT ?p ?o WHERE { <iri> ?p ?o } LIMIT n`) one at a
time through each layer and reports the median per request:
1. the engine: pyoxigraph in this process, query + SPARQL-JSON serialisation;
2. the executor: the same request through a query worker process (pickle, pipe, worker);
3. the Flask app (test client): routing, protocol parsing, query guard, conneg, cache key,
   executor, response, access log and metrics;
then profiles (3) with pyinstrument and prints the heaviest frames of the in-process part.
HTTP and gunicorn come on top; the benchmark table measures that end to end.
"""

from __future__ import annotations

import argparse
import random
import statistics
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
    client = app.test_client()

    def flask_get() -> None:
        r = client.get("/sparql?" + urlencode({"query": query()}), headers={"Accept": JSON})
        assert r.status_code == 200, r.status_code

    flask_get()
    via_flask = timed(flask_get, args.n)
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(args.n):
        flask_get()
    profiler.stop()
    executor.close()
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
        f"| + Flask app (test client: routing, protocol, guard, conneg, ETag, logs, metrics) | "
        f"{via_flask:.2f} ms | {via_flask - via_cache:.2f} ms |",
        "",
        "HTTP parsing and gunicorn's gthread worker come on top of the last line; the "
        "benchmark table's ad-hoc row measures the whole path under 8 clients.",
        "",
        "pyinstrument, the Flask-app loop above (in-process frames; time waiting on the worker's "
        "pipe shows as `poll`/`recv`):",
        "",
        "```",
        *[line for line in tree.splitlines()[:70]],
        "```",
    ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:14]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
