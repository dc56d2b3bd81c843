"""Soak test: `uasa serve` under a hostile mix for a bounded time, on loopback only.

    python benchmarks/soak.py [--seconds 600] [--clients 16] [--store var/store]
                              [--report docs/testing.md]

Starts its own `uasa serve` on a free loopback port over ``--store`` (default: the
real data built into a temporary folder), then runs ``--clients`` concurrent clients until
``--seconds`` have passed or ``--max-requests`` were sent, whichever comes first:

- one client sends runaway queries back to back (each stopped by the time limit: 503);
- one client is slow: it trickles its request headers and reads its answer in small pieces;
- with ``--rebuilds N``, `uasa build` runs N times into the served store during the run (the
  server must follow: it ends on the newest build, and every dump matches SHA256SUMS);
- the others draw from saved queries, dereferencing (/id/ 303, /page/ and /data/ 200),
  malformed queries (400), SERVICE (400), updates (403), over-long queries (400) and
  oversized bodies (413).

It prints responses by kind and status, unexpected statuses and connection errors (both must
be 0), latency of the good requests that ran while a runaway was running (p50, p99), and the
resident memory of the whole server (gunicorn, its worker and the query workers) after a
warm-up (one of each good request, then the full mix at full concurrency for a tenth of the
run, 5-30 s) and at the end (growth must stay under 10%). The exit status is 1 if an
invariant fails.

With ``--report docs/testing.md`` it also writes these figures, the command, the date and the
machine as Markdown between ``<!-- soak:start -->`` and ``<!-- soak:end -->`` in that file (a
failed run is written too, marked FAIL); nothing in that block is typed by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.report_blocks import (
    MarkerError,
    command_line,
    machine_line,
    replace_block,
    utc_now,
    write_block,
)

ROOT = Path(__file__).resolve().parents[1]
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(22)) + " }"
)
QUERY_TIMEOUT = 2.0
QUERY_WORKERS = 4
MAX_GROWTH = 0.10
EXPECTED = {  # the status each kind of request must get
    "saved": {200},
    "deref": {303},
    "page": {200},
    "data": {200},
    "sparql": {200},
    "malformed": {400},
    "service": {400},
    "update": {403},
    "long": {400},
    "oversized": {413},
    "runaway": {503},
    "slow": {200},
}
GOOD = {"saved", "page", "data", "sparql", "slow"}
SLOW_ACCEPT = "text/csv, application/n-triples;q=0.9"


@dataclass
class Tally:
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    unexpected: Counter[tuple[str, int]] = field(default_factory=Counter)
    connection_errors: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    good_during_runaway: list[float] = field(default_factory=list)
    good_all: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0


class Soak:
    def __init__(self, url: str, seconds: float, clients: int, max_requests: int, seed: int):
        self.url = url
        self.deadline = time.monotonic() + seconds
        self.clients = clients
        self.max_requests = max_requests
        self.seed = seed
        self.tally = Tally()
        self.runaways_running = 0
        self.stop = threading.Event()
        self.saved: list[str] = []
        self.resources: list[str] = []

    # --- what to send -----------------------------------------------------------------

    def discover(self) -> None:
        listing = requests.get(self.url + "/queries.json", timeout=30).json()["queries"]
        self.saved = [q["links"]["run"] for q in listing]
        query = (
            "SELECT DISTINCT ?s { ?s ?p ?o "
            'FILTER(STRSTARTS(STR(?s), "https://w3id.org/uasa/id/")) } ORDER BY ?s LIMIT 60'
        )
        r = requests.get(
            self.url + "/sparql",
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        base = "https://w3id.org/uasa/"
        self.resources = [
            b["s"]["value"].removeprefix(base) for b in r.json()["results"]["bindings"]
        ]
        if not self.saved or not self.resources:
            raise SystemExit("soak: the store has no saved queries or resources to ask for")

    def request(self, rng: random.Random) -> tuple[str, str, str, dict[str, Any], set[int]]:
        """(kind, method, path, requests kwargs, expected statuses)"""
        kind = rng.choices(
            [
                "saved",
                "deref",
                "page",
                "data",
                "sparql",
                "malformed",
                "service",
                "update",
                "long",
                "oversized",
            ],
            weights=[30, 10, 8, 8, 10, 8, 6, 6, 3, 3],
        )[0]
        res = rng.choice(self.resources)
        if kind == "saved":
            return kind, "GET", rng.choice(self.saved), {}, EXPECTED[kind]
        if kind == "deref":
            return kind, "GET", f"/{res}", {"allow_redirects": False}, EXPECTED[kind]
        if kind == "page":
            return kind, "GET", f"/page/{res}", {}, EXPECTED[kind]
        if kind == "data":
            return kind, "GET", f"/data/{res}.ttl", {}, EXPECTED[kind]
        if kind == "sparql":
            q = f"DESCRIBE <https://w3id.org/uasa/{res}>"
            return kind, "GET", "/sparql", {"params": {"query": q}}, EXPECTED[kind]
        if kind == "malformed":
            q = rng.choice(["SELECT * WHERE { ?s ?p }", "ASK {", "SELEC * {}", "}{", "\x00"])
            return kind, "POST", "/sparql", {"data": {"query": q}}, EXPECTED[kind]
        if kind == "service":
            q = "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
            return kind, "GET", "/sparql", {"params": {"query": q}}, EXPECTED[kind]
        if kind == "update":
            body = {"update": "DROP ALL"} if rng.random() < 0.5 else {"query": "CLEAR ALL"}
            return kind, "POST", "/sparql", {"data": body}, EXPECTED[kind]
        if kind == "long":
            q = "ASK {}" + " " * 100_001
            return kind, "POST", "/sparql", {"data": {"query": q}}, EXPECTED[kind]
        body = b"ASK {}" + b" " * (1_048_576 + 4096)
        headers = {"Content-Type": "application/sparql-query"}
        return kind, "POST", "/sparql", {"data": body, "headers": headers}, EXPECTED[kind]

    # --- clients ------------------------------------------------------------------------

    def _go(self) -> bool:
        if self.stop.is_set() or time.monotonic() > self.deadline:
            return False
        with self.tally.lock:
            if self.tally.requests >= self.max_requests:
                return False
            self.tally.requests += 1
        return True

    def _record(
        self,
        kind: str,
        status: int | None,
        expected: set[int],
        seconds: float,
        during_runaway: bool,
        error: str = "",
    ) -> None:
        t = self.tally
        with t.lock:
            if status is None:
                t.connection_errors[kind] += 1
                if len(t.error_samples) < 10:
                    t.error_samples.append(f"{kind}: {error}")
                return
            t.statuses[(kind, status)] += 1
            if status not in expected:
                t.unexpected[(kind, status)] += 1
                if len(t.error_samples) < 10:
                    t.error_samples.append(f"{kind}: unexpected {status} {error[:200]}")
            elif kind in GOOD:
                t.good_all.append(seconds)
                if during_runaway:
                    t.good_during_runaway.append(seconds)

    def mixed_client(self, number: int) -> None:
        rng = random.Random(self.seed * 1000 + number)
        with requests.Session() as session:
            while self._go():
                kind, method, path, kwargs, expected = self.request(rng)
                during = self.runaways_running > 0
                t0 = time.perf_counter()
                try:
                    r = session.request(method, self.url + path, timeout=30, **kwargs)
                    status, text = r.status_code, r.text if r.status_code not in expected else ""
                except requests.RequestException as exc:
                    self._record(kind, None, expected, 0, during, repr(exc))
                    continue
                self._record(kind, status, expected, time.perf_counter() - t0, during, text)

    def runaway_client(self) -> None:
        with requests.Session() as session:
            while self._go():
                self.runaways_running += 1
                t0 = time.perf_counter()
                try:
                    r = session.get(self.url + "/sparql", params={"query": RUNAWAY}, timeout=30)
                    status = r.status_code
                except requests.RequestException as exc:
                    self._record("runaway", None, EXPECTED["runaway"], 0, False, repr(exc))
                    continue
                finally:
                    self.runaways_running -= 1
                self._record(
                    "runaway", status, EXPECTED["runaway"], time.perf_counter() - t0, False, r.text
                )

    def slow_client(self) -> None:
        host, port = self.url.removeprefix("http://").split(":")
        rng = random.Random(self.seed)
        while self._go():
            path = rng.choice(self.saved)
            lines = [
                f"GET {path} HTTP/1.1",
                f"Host: {host}:{port}",
                f"Accept: {SLOW_ACCEPT}",
                "User-Agent: uasa-soak-slow-client",
                "Connection: close",
                "",
                "",
            ]
            raw = "\r\n".join(lines).encode()
            during = self.runaways_running > 0
            t0 = time.perf_counter()
            try:
                with socket.create_connection((host, int(port)), timeout=30) as sock:
                    for i in range(0, len(raw), 16):  # the request, 16 bytes every 50 ms
                        sock.sendall(raw[i : i + 16])
                        time.sleep(0.05)
                    received = b""
                    while chunk := sock.recv(256):  # the answer, 256 bytes every 5 ms
                        received += chunk
                        time.sleep(0.005)
                status = int(received.split(b" ", 2)[1])
            except (OSError, ValueError, IndexError) as exc:
                self._record("slow", None, EXPECTED["slow"], 0, during, repr(exc))
                continue
            text = received.partition(b"\r\n\r\n")[2][-300:].decode("utf-8", "replace")
            self._record("slow", status, EXPECTED["slow"], time.perf_counter() - t0, during, text)

    def run(self) -> None:
        threads = [threading.Thread(target=self.runaway_client, name="runaway")]
        if self.clients > 1:
            threads.append(threading.Thread(target=self.slow_client, name="slow"))
        threads += [
            threading.Thread(target=self.mixed_client, args=(n,), name=f"client-{n}")
            for n in range(max(0, self.clients - 2))
        ]
        for t in threads:
            t.start()
        try:
            for t in threads:
                t.join()
        except KeyboardInterrupt:
            self.stop.set()
            for t in threads:
                t.join()


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_by_process(pid: int) -> list[tuple[str, float]]:
    """(name, MiB) for the server and each descendant, to see which one grows."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []
    out = []
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            out.append((f"{p.pid}:{' '.join(p.cmdline()[-2:])[:40]}", p.memory_info().rss / 2**20))
    return out


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total


HTTP_WORKER = "HTTP worker (app, result cache, kept answers)"


def _role(proc: psutil.Process, depth: int) -> str:
    """What a server process is, from its place in the tree (gunicorn master, its HTTP
    workers, each worker's multiprocessing helpers, and the query workers they fork)."""
    if depth == 0:
        return "gunicorn master (`uasa serve`)"
    if depth == 1:
        return HTTP_WORKER
    cmd = " ".join(proc.cmdline())
    if "resource_tracker" in cmd:
        return "multiprocessing resource tracker"
    if depth == 2:
        return "query worker forkserver"
    return "query worker (a read-only store opening)"


def memory_by_role(pid: int) -> list[dict[str, Any]]:
    """RSS and PSS (shared pages divided among their sharers) per kind of server process:
    what one more HTTP or query worker costs; "rss" and "pss" in bytes, the rest in MiB."""
    roles: dict[str, list[tuple[int, int]]] = {}
    seen: list[tuple[psutil.Process, int]] = []
    try:
        todo = [(psutil.Process(pid), 0)]
        while todo:
            proc, depth = todo.pop()
            seen.append((proc, depth))
            todo += [(child, depth + 1) for child in proc.children()]
    except psutil.NoSuchProcess:
        return []
    for proc, depth in seen:
        with contextlib.suppress(psutil.NoSuchProcess):
            info = proc.memory_full_info()
            roles.setdefault(_role(proc, depth), []).append((info.rss, info.pss))
    return [
        {
            "role": role,
            "count": len(sizes),
            "rss": sum(r for r, _ in sizes),
            "pss": sum(p for _, p in sizes),
            "rss_each_mb": round(sum(r for r, _ in sizes) / len(sizes) / 2**20, 1),
            "pss_each_mb": round(sum(p for _, p in sizes) / len(sizes) / 2**20, 1),
            "rss_mb": round(sum(r for r, _ in sizes) / 2**20, 1),
            "pss_mb": round(sum(p for _, p in sizes) / 2**20, 1),
        }
        for role, sizes in roles.items()
    ]


def build_store(folder: Path) -> str:
    store = folder / "store"
    subprocess.run(
        [sys.executable, "-m", "uasa.cli", "build", "--store", str(store)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return str(store)


def private_copy(store: str, folder: Path) -> str:
    """A store of the soak's own (a copy of the given build), so rebuilds touch nothing else."""
    import shutil

    built = Path(store).resolve()
    target = folder / "stores" / built.name
    shutil.copytree(built, target, ignore=shutil.ignore_patterns(".leases"))
    (folder / "store").symlink_to(os.path.relpath(target, folder))
    return str(folder / "store")


class Rebuilder(threading.Thread):
    """Runs `uasa build` into the served store ``times`` times, evenly spread over the run."""

    def __init__(self, store: str, times: int, seconds: float) -> None:
        super().__init__(name="soak-rebuild", daemon=True)
        self.store, self.times, self.seconds = store, times, seconds
        self.durations: list[float] = []
        self.failed: list[str] = []

    def run(self) -> None:
        gap = self.seconds / (self.times + 1)
        for _ in range(self.times):
            time.sleep(gap)
            t0 = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "uasa.cli", "build", "--store", self.store, "--no-validate"],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            self.durations.append(time.monotonic() - t0)
            if done.returncode != 0:
                self.failed.append(done.stderr.strip().splitlines()[-1:][0] if done.stderr else "?")


def check_after_rebuilds(url: str, store: str) -> dict[str, Any]:
    """Wait for the server to serve the newest build; check its dumps against SHA256SUMS."""
    import hashlib

    newest = Path(store).resolve().name
    deadline = time.monotonic() + 15
    served = None
    while time.monotonic() < deadline:
        served = requests.get(url + "/health", timeout=10).json().get("build")
        if served == newest:
            break
        time.sleep(0.2)
    sums = requests.get(url + "/dumps/SHA256SUMS", timeout=10)
    bad, checked = [], 0
    for line in sums.text.splitlines() if sums.ok else []:
        digest, name = line.split(maxsplit=1)
        name = name.lstrip("*")
        r = requests.get(f"{url}/dumps/{name}", timeout=60)
        checked += 1
        if r.status_code != 200 or hashlib.sha256(r.content).hexdigest() != digest:
            bad.append(f"{name} {r.status_code}")
    return {
        "ended_on_newest": served == newest,
        "dumps_checked": checked,
        "dumps_bad": bad if sums.ok else ["SHA256SUMS " + str(sums.status_code)],
    }


def start_server(store: str, log: Any) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "UASA_STORE": store,
        "UASA_HOST": "127.0.0.1",
        "UASA_PORT": str(port),
        "UASA_QUERY_TIMEOUT": str(QUERY_TIMEOUT),
        "UASA_QUERY_WORKERS": str(QUERY_WORKERS),
        "UASA_LOG_LEVEL": "warning",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "uasa.cli", "serve"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("soak: the server exited at start; see its log")
        try:
            if requests.get(url + "/health", timeout=5).ok:
                return proc, url
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("soak: the server did not start within 60 s")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def warmup_seconds(seconds: float) -> float:
    """A tenth of the run, between 5 and 30 s."""
    return min(30.0, max(5.0, seconds / 10))


def soak(
    store: str | None,
    seconds: float,
    clients: int,
    max_requests: int,
    seed: int,
    rebuilds: int = 0,
) -> dict[str, Any]:
    given_store = store
    after: dict[str, Any] = {}
    rebuilder = None
    with tempfile.TemporaryDirectory(prefix="uasa-soak-") as tmp:
        if store and rebuilds:
            store = private_copy(store, Path(tmp))
        store = store or build_store(Path(tmp))
        log_path = Path(tmp) / "server.log"
        with open(log_path, "wb") as log:
            proc, url = start_server(store, log)
            try:
                rss_initial = rss_bytes(proc.pid)
                warm = Soak(url, 120, clients, 10**9, seed)
                warm.discover()
                with requests.Session() as s:  # one of every good request, and one runaway
                    for path in warm.saved:
                        s.get(url + path, timeout=30)
                        s.get(url + path, headers={"Accept": SLOW_ACCEPT}, timeout=30)
                    for res in warm.resources:
                        s.get(f"{url}/page/{res}", timeout=30)
                        s.get(f"{url}/data/{res}.ttl", timeout=30)
                        s.get(
                            url + "/sparql",
                            params={"query": f"DESCRIBE <https://w3id.org/uasa/{res}>"},
                            timeout=30,
                        )
                    s.get(url + "/sparql", params={"query": RUNAWAY}, timeout=30)
                # Then the full mix at full concurrency, so every server thread has run and
                # the allocator's per-thread arenas exist before the starting figure is read:
                # growth means growth under load, not the first use of idle threads.
                concurrent = Soak(url, warmup_seconds(seconds), clients, 10**9, seed + 1)
                concurrent.saved, concurrent.resources = warm.saved, warm.resources
                concurrent.run()
                time.sleep(QUERY_TIMEOUT + 1.0)  # the killed worker's successor starts
                rss_start = rss_bytes(proc.pid)
                load_before = os.getloadavg()[0]
                started = time.monotonic()
                run = Soak(url, seconds, clients, max_requests, seed)
                run.saved, run.resources = warm.saved, warm.resources
                if rebuilds:
                    rebuilder = Rebuilder(store, rebuilds, seconds)
                    rebuilder.start()
                run.run()
                elapsed = time.monotonic() - started
                if rebuilder is not None:
                    rebuilder.join()
                    after = check_after_rebuilds(url, store)
                load_after = os.getloadavg()[0]
                time.sleep(QUERY_TIMEOUT + 1.0)  # let the last killed worker be replaced
                rss_end = rss_bytes(proc.pid)
                roles = memory_by_role(proc.pid)
                healthy = requests.get(url + "/health", timeout=10).status_code == 200
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        server_log = log_path.read_text("utf-8", errors="replace")
        if os.environ.get("UASA_SOAK_KEEP_LOG"):  # debugging a failed run
            Path(os.environ["UASA_SOAK_KEEP_LOG"]).write_text(server_log, "utf-8")
    t = run.tally
    growth = (rss_end - rss_start) / rss_start if rss_start else float("nan")
    return {
        "seconds": round(elapsed, 1),
        "seconds_asked": seconds,
        "clients": clients,
        "max_requests": max_requests,
        "seed": seed,
        "store": given_store or "",
        "query_timeout": QUERY_TIMEOUT,
        "query_workers": QUERY_WORKERS,
        "load_before": round(load_before, 2),
        "load_after": round(load_after, 2),
        "expected": {k: sorted(v) for k, v in EXPECTED.items()},
        "requests": sum(t.statuses.values()) + sum(t.connection_errors.values()),
        "statuses": {f"{k} {s}": n for (k, s), n in sorted(t.statuses.items())},
        "by_status": dict(sorted(Counter(s for (_, s) in t.statuses.elements()).items())),
        "unexpected": sum(t.unexpected.values()),
        "unexpected_detail": {f"{k} {s}": n for (k, s), n in t.unexpected.items()},
        "connection_errors": sum(t.connection_errors.values()),
        "samples": t.error_samples,
        "good_during_runaway": len(t.good_during_runaway),
        "p50_ms": round(percentile(t.good_during_runaway, 50) * 1000, 1),
        "p99_ms": round(percentile(t.good_during_runaway, 99) * 1000, 1),
        "good_all": len(t.good_all),
        "p99_all_good_ms": round(percentile(t.good_all, 99) * 1000, 1),
        "rss_initial_mb": round(rss_initial / 2**20, 1),
        "rss_start_mb": round(rss_start / 2**20, 1),
        "rss_end_mb": round(rss_end / 2**20, 1),
        "rss_growth": round(growth, 4),
        "memory_by_role": roles,
        "healthy_after": healthy,
        "tracebacks_in_log": server_log.count("Traceback"),
        "log_errors": log_errors(server_log),
        "worker_events": worker_events(server_log),
        "rebuilds": rebuilds,
        "rebuilds_failed": rebuilder.failed if rebuilder else [],
        "rebuild_seconds": [round(d, 1) for d in rebuilder.durations] if rebuilder else [],
        **after,
    }


# What the HTTP server's master says when a worker dies or is replaced (gunicorn):
# the first thing to look at when clients saw their connections reset.
WORKER_EVENT = re.compile(
    r"WORKER TIMEOUT|was sent|exited with code|Worker exiting|Unexpected exit|Respawning", re.I
)


def worker_events(log: str, most: int = 10) -> list[str]:
    """The server log's lines about HTTP workers dying or being replaced."""
    lines = [line.strip()[:200] for line in log.splitlines() if WORKER_EVENT.search(line)]
    return lines[:most]


def log_errors(log: str, most: int = 5) -> dict[str, int]:
    """The exception line ending each traceback in the server log, counted."""
    found: Counter[str] = Counter()
    for chunk in log.split("Traceback (most recent call last):")[1:]:
        lines = chunk.splitlines()[1:]
        last = next((line for line in lines if line and not line[0].isspace()), "?")
        found[last.strip()[:200]] += 1
    return dict(found.most_common(most))


def invariants(result: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(what must hold, the figure measured, whether it held) for each invariant of a run."""
    return [
        ("no unexpected status", str(result["unexpected"]), result["unexpected"] == 0),
        ("no connection error", str(result["connection_errors"]), result["connection_errors"] == 0),
        (
            f"server memory growth under {MAX_GROWTH:.0%}",
            f"{result['rss_growth']:+.2%}",
            result["rss_growth"] < MAX_GROWTH,
        ),
        (
            "/health answers 200 after the soak",
            "200" if result["healthy_after"] else "failed",
            bool(result["healthy_after"]),
        ),
        (
            "no traceback in the server log",
            str(result["tracebacks_in_log"]),
            result["tracebacks_in_log"] == 0,
        ),
        *_rebuild_invariants(result),
    ]


def _rebuild_invariants(result: dict[str, Any]) -> list[tuple[str, str, bool]]:
    if not result.get("rebuilds"):
        return []
    done = len(result["rebuild_seconds"])
    return [
        (
            f"{result['rebuilds']} rebuilds ran and succeeded",
            f"{done - len(result['rebuilds_failed'])} of {done}",
            done == result["rebuilds"] and not result["rebuilds_failed"],
        ),
        (
            "the server ends on the newest build",
            "yes" if result["ended_on_newest"] else "no",
            bool(result["ended_on_newest"]),
        ),
        (
            "every dump answers 200 with its SHA256SUMS checksum",
            f"{result['dumps_checked'] - len(result['dumps_bad'])} of {result['dumps_checked']}",
            result["dumps_checked"] > 0 and not result["dumps_bad"],
        ),
    ]


def failures(result: dict[str, Any]) -> list[str]:
    return [f"{name} (measured: {figure})" for name, figure, ok in invariants(result) if not ok]


def report(result: dict[str, Any]) -> str:
    lines = [
        f"soak: {result['requests']} requests in {result['seconds']} s "
        f"from {result['clients']} concurrent clients",
        "responses by status: " + ", ".join(f"{s}: {n}" for s, n in result["by_status"].items()),
        "responses by kind and status:",
        *(f"  {k:<16} {n:>7}" for k, n in result["statuses"].items()),
        f"unexpected statuses: {result['unexpected']}",
        f"connection errors: {result['connection_errors']}",
        f"good requests while a runaway ran: {result['good_during_runaway']}, "
        f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms "
        f"(p99 of all good requests {result['p99_all_good_ms']} ms)",
        f"server RSS: {result['rss_initial_mb']} MiB at launch, {result['rss_start_mb']} MiB "
        f"after warm-up, {result['rss_end_mb']} MiB at the end "
        f"(growth {result['rss_growth']:+.2%}, limit {MAX_GROWTH:.0%})",
        *(
            [
                f"rebuilds during the run: {len(result['rebuild_seconds'])} "
                f"({', '.join(f'{d} s' for d in result['rebuild_seconds'])}), failed: "
                f"{len(result['rebuilds_failed'])}; ended on the newest build: "
                f"{result['ended_on_newest']}; dumps checked against SHA256SUMS: "
                f"{result['dumps_checked']}, bad: {len(result['dumps_bad'])}"
            ]
            if result.get("rebuilds")
            else []
        ),
        f"/health after: {'200' if result['healthy_after'] else 'FAILED'}; "
        f"tracebacks in server log: {result['tracebacks_in_log']}",
    ]
    if result["samples"]:
        lines.append("samples: " + "; ".join(result["samples"]))
    problems = failures(result)
    lines.append("result: " + ("PASS" if not problems else "FAIL: " + "; ".join(problems)))
    return "\n".join(lines)


def _ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:g} ms"  # NaN: no such request


def _code(text: str) -> str:
    """One line, fit for Markdown inline code."""
    return " ".join(text.split()).replace("`", "'")


def markdown(result: dict[str, Any], command: str, date: str, machine: str) -> str:
    """The report block: every figure comes from ``result`` or from the arguments."""
    problems = failures(result)
    by_kind = {key.split()[0] for key in result["statuses"]} | set(result["unexpected_detail"])
    mixed = max(0, result["clients"] - 2)
    store = f"`{result['store']}`" if result["store"] else "the real data, built by `uasa build`"
    lines = [
        "_Written by `benchmarks/soak.py --report`; do not edit by hand._",
        "",
        f"- Command: `{command}`",
        f"- Date: {date} UTC; ran {result['seconds']:g} s (asked for "
        f"{result['seconds_asked']:g} s or {result['max_requests']} requests) with "
        f"{result['clients']} concurrent clients: 1 runaway, 1 slow, {mixed} mixed "
        f"(seed {result['seed']})",
        f"- Server: `uasa serve` on 127.0.0.1 over {store}, with "
        f"UASA_QUERY_TIMEOUT={result['query_timeout']:g} and "
        f"UASA_QUERY_WORKERS={result['query_workers']}, other settings at their defaults",
        f"- Machine: {machine}; load average (1 min) {result['load_before']:g} at the start and "
        f"{result['load_after']:g} at the end (client and server share these cores)",
        "",
        "| invariant | measured | result |",
        "|---|---|---|",
        *(
            f"| {name} | {figure} | {'PASS' if ok else '**FAIL**'} |"
            for name, figure, ok in invariants(result)
        ),
        "",
        f"Overall: **{'PASS' if not problems else 'FAIL'}**. {result['requests']} requests; "
        "responses by status: "
        + ", ".join(f"{s}: {n}" for s, n in result["by_status"].items())
        + f"; connection errors: {result['connection_errors']}.",
        "",
        "| kind | expected | status | responses |",
        "|---|---|---|---:|",
    ]
    for key, n in result["statuses"].items():
        kind, status = key.split()
        expected = "/".join(str(s) for s in result["expected"].get(kind, []))
        lines.append(f"| {kind} | {expected} | {status} | {n} |")
    lines += [
        "",
        f"- Unexpected statuses: {result['unexpected']}"
        + "".join(f"; {k}: {n}" for k, n in result["unexpected_detail"].items()),
        f"- Connection errors: {result['connection_errors']}",
        f"- Good requests (saved, page, data, sparql, slow) answered while a runaway ran: "
        f"{result['good_during_runaway']}, p50 {_ms(result['p50_ms'])}, p99 "
        f"{_ms(result['p99_ms'])}; p99 of all {result['good_all']} good requests "
        f"{_ms(result['p99_all_good_ms'])}",
        f"- Server resident memory (gunicorn, its worker and the query workers): "
        f"{result['rss_initial_mb']:g} MiB at launch, {result['rss_start_mb']:g} MiB after the "
        f"warm-up, {result['rss_end_mb']:g} MiB at the end: growth {result['rss_growth']:+.2%}",
    ]
    lines += _memory_table(result.get("memory_by_role", []))
    samples = Counter(_code(s) for s in result["samples"])
    if samples:
        lines.append(
            f"- Problems (the first {len(result['samples'])} recorded): "
            + "; ".join(f"`{s}` ({n}x)" for s, n in samples.items())
        )
    if result.get("worker_events"):
        lines.append(
            "- HTTP worker events in the server log: "
            + "; ".join(f"`{_code(e)}`" for e in result["worker_events"])
        )
    if result.get("log_errors"):
        lines.append(
            "- Errors ending the tracebacks in the server log: "
            + "; ".join(f"`{_code(e)}` ({n}x)" for e, n in result["log_errors"].items())
        )
    missing = sorted(set(result["expected"]) - by_kind)
    if missing:
        lines.append("- Kinds never sent in this run: " + ", ".join(missing))
    return "\n".join(lines)


def _memory_table(roles: list[dict[str, Any]]) -> list[str]:
    """The server's memory at the end of the run, per kind of process."""
    if not roles:
        return []
    lines = [
        "",
        "Memory at the end of the run, per kind of server process (RSS counts shared pages in "
        "every process; PSS divides them among their sharers):",
        "",
        "| process | how many | RSS each | PSS each | RSS, all | PSS, all |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in roles:
        lines.append(
            f"| {r['role']} | {r['count']} | {r['rss_each_mb']:g} MiB | {r['pss_each_mb']:g} MiB "
            f"| {r['rss_mb']:g} MiB | {r['pss_mb']:g} MiB |"
        )
    count = sum(r["count"] for r in roles)
    rss, pss = sum(r["rss_mb"] for r in roles), sum(r["pss_mb"] for r in roles)
    lines.append(f"| all of them | {count} | | | {rss:.1f} MiB | {pss:.1f} MiB |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="duration (default 600)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument(
        "--max-requests", type=int, default=2_000_000, help="stop after this many requests"
    )
    parser.add_argument("--store", help="store to serve (default: build the real data)")
    parser.add_argument("--seed", type=int, default=8, help="random seed of the mix")
    parser.add_argument(
        "--rebuilds",
        type=int,
        default=0,
        help="run `uasa build` into the served store this many times during the run "
        "(a copy of --store, if given)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="write the figures as Markdown between <!-- soak:start --> and <!-- soak:end --> "
        "in FILE (e.g. docs/testing.md)",
    )
    args = parser.parse_args(argv)
    command = command_line("benchmarks/soak.py", sys.argv[1:] if argv is None else argv)
    if not 0 < args.seconds <= 3600 or not 2 <= args.clients <= 64:
        parser.error("--seconds must be in (0, 3600] and --clients in [2, 64]")
    if args.report:  # fail now, not after the run, if the file cannot take the block
        try:
            replace_block(Path(args.report).read_bytes().decode("utf-8"), "soak", "")
        except (OSError, UnicodeDecodeError, MarkerError) as exc:
            parser.error(f"--report {args.report}: {exc}")
    date = f"{utc_now():%Y-%m-%d %H:%M}"
    result = soak(
        args.store, args.seconds, args.clients, args.max_requests, args.seed, args.rebuilds
    )
    print(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), "utf-8")
    if args.report:
        write_block(args.report, "soak", markdown(result, command, date, machine_line()))
        print(f"soak: wrote the figures into {args.report}")
    return 1 if failures(result) else 0


if __name__ == "__main__":
    sys.exit(main())
