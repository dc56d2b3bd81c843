"""Rebuilds under load lose nothing: a live `uasa serve` follows `uasa build` into the same store.

Real processes on loopback, a small dataset so that each build takes about a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from tests.helpers import KASEI, ROOT, W3C, LiveServer
from tests.test_safety import RUNAWAY, _cpu_seconds, _descendants
from uasa.core import store_layout

COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"


def write_data(folder: Path, generation: int) -> None:
    """The W3C protocol data plus `generation` extra triples, so every build has its own hash."""
    folder.mkdir(exist_ok=True)
    (folder / "base.nt").write_bytes((W3C / "protocol" / "data1.nt").read_bytes())
    lines = [f"<{KASEI}gen/{n}> <{KASEI}p> <{KASEI}o> ." for n in range(generation + 1)]
    (folder / "extra.nt").write_text("\n".join(lines) + "\n", "utf-8")


def uasa_build(store: Path, data: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *(sys.executable, "-m", "uasa.cli", "build", "--store", str(store)),
            *("--no-ontology", "--data", str(data), "--no-validate"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,  # type: ignore[arg-type]
    )


def manifest_hash(store: Path) -> str:
    return str(store_layout.locate(store).manifest["content_hash"])


def health(server: LiveServer) -> dict[str, object]:
    r = requests.get(server.url + "/health", timeout=10)
    assert r.status_code == 200, r.text
    return dict(r.json())


def check_dumps(server: LiveServer) -> int:
    """Every file /dumps/ lists answers 200 with the checksum SHA256SUMS gives for it."""
    listing = requests.get(server.url + "/dumps/", timeout=10)
    assert listing.status_code == 200
    sums = requests.get(server.url + "/dumps/SHA256SUMS", timeout=10)
    assert sums.status_code == 200
    expected = dict(reversed(line.split(maxsplit=1)) for line in sums.text.splitlines() if line)
    expected = {name.lstrip("*"): digest for name, digest in expected.items()}
    linked = set(re.findall(r'href="[^"]*/dumps/([^"/]+)"', listing.text)) - {"SHA256SUMS"}
    assert linked and linked <= set(expected), (linked, expected)
    for name, digest in expected.items():
        r = requests.get(server.url + "/dumps/" + name, timeout=30)
        assert r.status_code == 200, name
        assert hashlib.sha256(r.content).hexdigest() == digest, name
    return len(expected)


class Hammer(threading.Thread):
    """A client sending /sparql back to back, recording every status and the build it named."""

    def __init__(self, server: LiveServer) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.stop = threading.Event()
        self.statuses: Counter[str] = Counter()
        self.builds: list[str] = []
        self.errors: list[str] = []

    def run(self) -> None:
        session = requests.Session()
        n = 0
        while not self.stop.is_set():
            n += 1
            # A different query now and then, so the result cache does not answer everything.
            query = COUNT if n % 2 else f"{COUNT} # {n}"
            try:
                r = session.get(
                    self.server.url + "/sparql",
                    params={"query": query},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=30,
                )
            except requests.RequestException as exc:
                self.errors.append(repr(exc))
                continue
            self.statuses[str(r.status_code)] += 1
            if r.status_code != 200:
                self.errors.append(f"{r.status_code} {r.text[:200]}")
            build = r.headers.get("X-Uasa-Build", "")
            if not self.builds or self.builds[-1] != build:
                self.builds.append(build)


def test_the_server_follows_rebuilds_with_no_failed_request(tmp_path: Path) -> None:
    store, data = tmp_path / "store", tmp_path / "data"
    write_data(data, 0)
    first = uasa_build(store, data)
    assert first.returncode == 0, first.stderr
    server = LiveServer(str(store), {"UASA_QUERY_WORKERS": "2"})
    hammers = [Hammer(server) for _ in range(3)]
    try:
        about = health(server)
        assert about["content_hash"] == manifest_hash(store)
        assert str(tmp_path) not in json.dumps(about)  # never a filesystem path
        served_first = store.resolve()
        for h in hammers:
            h.start()
        time.sleep(0.5)
        hashes = [manifest_hash(store)]
        switch_seconds = []
        for generation in (1, 2):
            write_data(data, generation)
            done = uasa_build(store, data)
            assert done.returncode == 0, done.stderr
            hashes.append(manifest_hash(store))
            published = time.monotonic()
            while health(server)["content_hash"] != hashes[-1]:
                assert time.monotonic() - published < 10, "the server did not switch in 10 s"
                time.sleep(0.05)
            switch_seconds.append(time.monotonic() - published)
        # /health came from one HTTP worker; each worker follows on its own (UASA_FOLLOW), so
        # the hammers go on until every one of them has been answered from the newest build.
        deadline = time.monotonic() + 10
        while not all(h.builds and h.builds[-1] == hashes[-1] for h in hammers):
            assert time.monotonic() < deadline, [h.builds for h in hammers]
            time.sleep(0.05)
        time.sleep(0.5)
        for h in hammers:
            h.stop.set()
        for h in hammers:
            h.join(timeout=30)
        print(f"\nswitch after publish: {', '.join(f'{s:.2f} s' for s in switch_seconds)}")
        print("statuses:", sum((h.statuses for h in hammers), Counter()))
        assert len(set(hashes)) == 3
        for h in hammers:
            assert h.errors == [], h.errors[:5]
            assert sum(h.statuses.values()) > 10
            # Builds only move forward, and each was named by the responses.
            assert h.builds[0] == hashes[0] and h.builds[-1] == hashes[-1], h.builds
            assert [b for b in hashes if b in h.builds] == h.builds, h.builds
        assert health(server)["content_hash"] == hashes[-1]
        assert check_dumps(server) >= 3
        # The first build is no longer held by anyone and was pruned; the newest two are kept.
        deadline = time.monotonic() + 10
        while served_first.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        finished = [p for p in (tmp_path / "stores").iterdir() if not p.name.startswith(".")]
        assert len(finished) == 2 and store.resolve() in finished
        assert not served_first.exists()
        log = server.output()
        assert "Traceback" not in log, log
    finally:
        for h in hammers:
            h.stop.set()
        server.stop()


def test_a_held_build_is_not_pruned_and_dead_leases_are_ignored(tmp_path: Path) -> None:
    stores = tmp_path / "stores"
    builds = []
    for n in range(4):
        b = stores / f"2026010{n}T000000.000000000-1-abcd"
        (b / store_layout.DB_DIR).mkdir(parents=True)
        builds.append(b)
    (tmp_path / "store").symlink_to(os.path.relpath(builds[-1], tmp_path))
    held = store_layout.Lease(builds[0])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (builds[1] / store_layout.LEASES).mkdir()
    (builds[1] / store_layout.LEASES / f"{dead.pid}.0000").write_text("")
    removed = store_layout.prune(stores)
    assert removed == [builds[1]]
    assert builds[0].is_dir()  # held by this (live) process
    held.release()  # letting go of an old build removes it
    assert not builds[0].exists()
    assert [p.name for p in sorted(stores.iterdir())] == [b.name for b in builds[2:]]


@pytest.mark.parametrize("how", ["read-only", "file-size"])
def test_a_build_that_cannot_write_fails_clearly_and_leaves_the_served_build(
    tmp_path: Path, how: str
) -> None:
    import resource

    store, data = tmp_path / "store", tmp_path / "data"
    write_data(data, 0)
    assert uasa_build(store, data).returncode == 0
    served = store.resolve()
    before = sorted(str(p.relative_to(served)) for p in served.rglob("*"))
    write_data(data, 1)
    if how == "read-only":
        stores = tmp_path / "stores"
        if os.geteuid() != 0:
            stores.chmod(0o555)
            done = uasa_build(store, data)
            stores.chmod(0o755)
        else:  # root ignores permission bits: make the folder a read-only bind mount instead
            mount = ["mount", "--bind", str(stores), str(stores)]
            if subprocess.run(mount, capture_output=True).returncode != 0:
                pytest.skip("root, and no mount(8) here to make a read-only folder")
            try:
                remount = ["mount", "-o", "remount,ro,bind", str(stores)]
                subprocess.run(remount, check=True, capture_output=True)
                done = uasa_build(store, data)
            finally:
                subprocess.run(["umount", str(stores)], check=True)
    else:

        def small_files() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

        done = uasa_build(store, data, preexec_fn=small_files)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("uasa build: error")]
    assert len(lines) == 1, done.stderr
    assert store.resolve() == served
    assert sorted(str(p.relative_to(served)) for p in served.rglob("*")) == before
    assert not [p for p in (tmp_path / "stores").iterdir() if p.name.startswith(".building")]


@pytest.mark.parametrize("what", ["missing", "empty", "corrupted"])
def test_serve_on_a_bad_store_exits_with_one_line(tmp_path: Path, what: str) -> None:
    store = tmp_path / "store"
    if what == "empty":
        store.mkdir()
    elif what == "corrupted":
        data = tmp_path / "data"
        write_data(data, 0)
        assert uasa_build(store, data).returncode == 0
        db = store.resolve() / store_layout.DB_DIR
        for sst in db.glob("*.sst"):
            sst.write_bytes(b"\0garbage" * 64)
        for manifest in db.glob("MANIFEST-*"):
            manifest.write_bytes(b"garbage")
    done = subprocess.run(
        [sys.executable, "-m", "uasa.cli", "serve", "--store", str(store), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("uasa serve: "), done.stderr
    assert "Traceback" not in done.stdout


def _busiest(pids: list[int], seconds: float = 0.5) -> int:
    """The process that burnt the most CPU over the next `seconds`: the one running a query."""
    before = {pid: _cpu_seconds([pid]) for pid in pids}
    time.sleep(seconds)
    return max(pids, key=lambda pid: _cpu_seconds([pid]) - before[pid])


def test_a_query_worker_killed_mid_query_fails_only_that_request(w3c_store: str) -> None:
    server = LiveServer(w3c_store, {"UASA_QUERY_TIMEOUT": "20", "UASA_QUERY_WORKERS": "2"})
    try:
        answer: dict[str, requests.Response] = {}
        runaway = threading.Thread(
            target=lambda: answer.setdefault(
                "r", requests.get(server.url + "/sparql", params={"query": RUNAWAY}, timeout=60)
            )
        )
        started = time.monotonic()
        runaway.start()
        time.sleep(0.5)
        os.kill(_busiest(_descendants(server.proc.pid)), signal.SIGKILL)
        runaway.join(timeout=30)
        assert answer["r"].status_code == 503, answer["r"].text
        assert "stopped unexpectedly" in answer["r"].text
        assert time.monotonic() - started < 10  # not the 20 s time limit
        for _ in range(5):
            r = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=10)
            assert r.status_code == 200
        assert "Traceback" not in server.output()
    finally:
        server.stop()


def _http_workers(server: LiveServer) -> list[int]:
    master = server.proc.pid
    return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def test_the_http_worker_killed_comes_back(w3c_store: str) -> None:
    """Two HTTP workers: kill -9 one, the other keeps answering, gunicorn starts a new one, and
    the dead one's lease is ignored."""
    server = LiveServer(w3c_store, {"UASA_QUERY_WORKERS": "1", "UASA_HTTP_WORKERS": "2"})
    try:
        workers = _http_workers(server)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        killed = time.monotonic()
        while True:
            now = _http_workers(server)
            if len(now) == 2 and workers[0] not in now:
                break
            r = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=10)
            assert r.status_code == 200, server.output()  # the other worker answers meanwhile
            assert time.monotonic() - killed < 30, server.output()
            time.sleep(0.05)
        while True:  # the new worker answers once its app is loaded
            try:
                if requests.get(server.url + "/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() - killed < 30, server.output()
            time.sleep(0.1)
        print(f"\nback to 2 workers {time.monotonic() - killed:.2f} s after kill -9 of one")
        for _ in range(10):  # new connections: both workers answer
            r = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=10)
            assert r.status_code == 200 and r.json()["boolean"] is True
        # The dead worker's lease is ignored; the two live workers hold the build (other
        # servers of this test session may hold the same store too).
        time.sleep(1)  # the new worker writes its lease as its app starts
        leases = store_layout.live_leases(Path(w3c_store).resolve())
        servers = {p.name.split(".")[0] for p in leases}
        assert str(workers[0]) not in servers, servers
        assert {str(pid) for pid in now} <= servers, (servers, now)
    finally:
        server.stop()


@pytest.mark.parametrize("to", ["worker", "master"])
def test_sighup_switches_at_once_with_polling_off(tmp_path: Path, to: str) -> None:
    """UASA_FOLLOW=0 (or a remote store): SIGHUP is how a new build gets in. To the HTTP worker
    it checks the link at once; to `uasa serve` gunicorn starts a fresh worker on the link."""
    store, data = tmp_path / "store", tmp_path / "data"
    write_data(data, 0)
    assert uasa_build(store, data).returncode == 0
    server = LiveServer(str(store), {"UASA_FOLLOW": "0", "UASA_QUERY_WORKERS": "1"})
    try:
        write_data(data, 1)
        assert uasa_build(store, data).returncode == 0
        newest = manifest_hash(store)
        time.sleep(3)
        assert health(server)["content_hash"] != newest  # not followed by itself
        for pid in _http_workers(server) if to == "worker" else [server.proc.pid]:
            os.kill(pid, signal.SIGHUP)  # each HTTP worker follows on its own
        sent = time.monotonic()
        while True:
            try:
                if health(server)["content_hash"] == newest:
                    break
            except (requests.RequestException, AssertionError):
                pass
            assert time.monotonic() - sent < 20, server.output()
            time.sleep(0.05)
        print(f"\nSIGHUP to the {to}: new build served after {time.monotonic() - sent:.2f} s")
        assert "Traceback" not in server.output()
    finally:
        server.stop()
