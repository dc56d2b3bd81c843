"""`kill -9` of `uasa build` at seeded random moments never touches the build being served.

A live `uasa serve` runs on the first build while later builds of the real data are killed at
random points (loading, SHACL, dumps, publishing). After each kill the store link still points
at the first build, that build's files are as they were, the server answers the same, and the
only debris is `.building-*` dot-directories, which no link points to. The next build that runs
to the end removes that debris (its processes are gone) and takes over the link.

A broken data file stopping the build with file and reason is tested in test_build.py.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.helpers import ROOT, LiveServer
from uasa.core import store_layout

SEED = 20241122
KILLS = 6
COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


def uasa_build(store: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "uasa.cli", "build", "--store", str(store), *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill reaches anything it started
    )


def run_build(store: Path, *extra: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "uasa.cli", "build", "--store", str(store), *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr


def fingerprint(build_dir: Path) -> str:
    """The build's manifest and dump files, hashed: what a half-written build would change."""
    digest = hashlib.sha256()
    for path in sorted(build_dir.rglob("*")):
        rel = path.relative_to(build_dir)
        # The database's own files change as it is read; leases are the servers' runtime state.
        if path.is_file() and rel.parts[0] not in (store_layout.DB_DIR, ".leases"):
            digest.update(str(rel).encode() + b"\0" + path.read_bytes())
    db = sorted(
        p.name for p in (build_dir / store_layout.DB_DIR).iterdir() if p.name.endswith(".sst")
    )
    digest.update(repr(db).encode())
    return digest.hexdigest()


def count(server: LiveServer) -> int:
    r = requests.get(
        server.url + "/sparql",
        params={"query": COUNT},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_kill_9_during_builds_leaves_the_served_store_intact(tmp_path: Path) -> None:
    store = tmp_path / "store"
    stores = tmp_path / "stores"
    run_build(store, "--no-validate")
    served = store.resolve()
    before = fingerprint(served)
    server = LiveServer(str(store))
    try:
        triples = count(server)
        assert triples > 1000
        rng = random.Random(SEED)
        killed = completed = 0
        for _ in range(KILLS):
            delay = rng.uniform(0.2, 6.0)
            proc = uasa_build(store)  # the full build, SHACL included: ~10 s
            time.sleep(delay)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                assert proc.returncode == -signal.SIGKILL
                killed += 1
            else:  # the build beat the kill: then it must have finished cleanly
                assert proc.returncode == 0
                completed += 1
                served = store.resolve()
                before = fingerprint(served)

            # The link points at a complete build, never at work in progress.
            assert store.is_symlink()
            assert store.resolve() == served, f"link moved after a kill at {delay:.2f} s"
            assert not store.resolve().name.startswith(".")
            built = store_layout.locate(store)
            store_layout.check_readable(built)
            assert fingerprint(served) == before, f"served build changed (kill at {delay:.2f} s)"
            # Anything else left behind is a dot-directory (or the previous, complete build).
            leftovers = [p for p in stores.iterdir() if p != served]
            assert all(p.name.startswith(".") for p in leftovers if p.is_dir()) or completed
            # And the server never noticed.
            assert count(server) == triples
            assert requests.get(server.url + "/health", timeout=10).status_code == 200
        assert killed >= KILLS - 1, "the build finished before most kills; raise the delays"

        debris = [p for p in stores.iterdir() if p.name.startswith(".building-")]
        assert debris, "a killed build leaves its .building- directory (kill -9 allows no cleanup)"
        # The next build runs to the end, removes the debris of dead builds and takes the link.
        run_build(store)
        assert not [p for p in stores.iterdir() if p.name.startswith(".building-")]
        assert store.resolve() != served
        store_layout.check_readable(store_layout.locate(store))
        # The running server keeps its build (kept as the previous one) and keeps answering.
        assert served.is_dir()
        assert count(server) == triples
        assert "Traceback" not in server.output()
    finally:
        server.stop()


def test_stale_build_dirs_of_live_processes_are_kept(tmp_path: Path) -> None:
    stores = tmp_path / "stores"
    stores.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = stores / f".building-20240101T000000.000000000-{dead.pid}-abcd"
    live = stores / f".building-20240101T000000.000000001-{os.getpid()}-abcd"
    foreign = stores / ".building-not-ours"
    for d in (stale, live, foreign):
        d.mkdir()
    new = store_layout.new_build_dir(tmp_path / "store")
    assert not stale.exists()
    assert live.is_dir() and foreign.is_dir() and new.is_dir()
