"""Where builds live on disk, and how a finished build replaces the served one atomically.

Layout, for the store setting ``var/store``::

    var/store              -> stores/20261122T101500-4242   (a symbolic link: the served build)
    var/stores/<id>/oxigraph/     the Oxigraph (RocksDB) directory
    var/stores/<id>/build.json    what the build loaded: files, triples per graph, content hash
    var/stores/.building-<id>/    a build in progress; never served, removed on failure

The link is replaced with ``rename(2)``, so a server starting at any moment sees either the old
build or the new one, never a half-written store.

A server holds a *lease* on every build it serves: a file ``<build>/.leases/<pid>.<token>``,
removed when it lets the build go. Pruning keeps the newest builds and every build with a lease
whose process is still alive; a lease of a dead process (``kill -9``) is ignored and removed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DB_DIR = "oxigraph"
MANIFEST = "build.json"
KEEP_BUILDS = 2
LEASES = ".leases"


class StoreError(Exception):
    """The store cannot be opened; the message says why and what to do."""


@dataclass(frozen=True)
class BuiltStore:
    root: Path
    db_path: Path
    manifest: dict[str, Any]

    @property
    def triples(self) -> int | None:
        return self.manifest.get("triples")


@dataclass(frozen=True)
class BuildInfo:
    """What may be shown about a build: never a filesystem path."""

    id: str
    built: str | None
    content_hash: str | None
    triples: int | None


def info(built: BuiltStore) -> BuildInfo:
    m = built.manifest
    return BuildInfo(built.root.name, m.get("built"), m.get("content_hash"), m.get("triples"))


def locate(setting: str | os.PathLike[str]) -> BuiltStore:
    """The build the store setting points at, checked before anything opens it."""
    link = Path(setting)
    if not link.exists():
        raise StoreError(f"no store at {link}: run `uasa build` (or `make serve`) first")
    root = link.resolve()
    if (root / DB_DIR).is_dir():
        manifest_file = root / MANIFEST
        try:
            manifest = json.loads(manifest_file.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"the build at {root} has no readable {MANIFEST}: {exc}") from None
        return BuiltStore(root, root / DB_DIR, manifest)
    if (root / "CURRENT").is_file():  # a bare Oxigraph directory made by another tool
        return BuiltStore(root, root, {})
    raise StoreError(f"{link} is neither a uasa build nor an Oxigraph store directory")


def _remove_stale_builds(stores: Path) -> None:
    """Remove `.building-*` directories whose build process is gone (killed with -9, say).

    A build in progress elsewhere is left alone: its process id is in the directory's name.
    """
    for path in stores.glob(".building-*"):
        try:
            pid = int(path.name.rsplit("-", 2)[-2])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (ValueError, IndexError, PermissionError, OSError):
            continue  # not a name we made, or a live process of another user


def new_build_dir(setting: str | os.PathLike[str]) -> Path:
    stores = Path(setting).parent / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(stores)
    # Nanoseconds keep names in build order within one second, which pruning relies on.
    now = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9))
    build_id = f"{stamp}.{now % 10**9:09d}-{os.getpid()}-{secrets.token_hex(2)}"
    path = stores / f".building-{build_id}"
    path.mkdir()
    return path


def publish(build_dir: Path, setting: str | os.PathLike[str]) -> Path:
    """Give a finished build its final name and point the store link at it atomically."""
    link = Path(setting)
    final = build_dir.with_name(build_dir.name.removeprefix(".building-"))
    build_dir.rename(final)
    if link.exists() and not link.is_symlink():
        raise StoreError(f"{link} exists and is not a link made by `uasa build`; move it away")
    tmp_link = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(os.path.relpath(final, link.parent))
    os.replace(tmp_link, link)
    _prune(final, keep=KEEP_BUILDS)
    return final


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a live process of another user
        return True
    return True


def live_leases(build: Path) -> list[Path]:
    """The leases on ``build`` whose process is alive; a dead process's lease is removed."""
    live = []
    try:
        entries = list((build / LEASES).iterdir())
    except OSError:
        return []
    for lease in entries:
        try:
            pid = int(lease.name.split(".", 1)[0])
        except ValueError:
            live.append(lease)  # not ours: keep the build rather than guess
            continue
        if _alive(pid):
            live.append(lease)
        else:
            lease.unlink(missing_ok=True)
    return live


class Lease:
    """This process serves ``build``: pruning leaves it alone until :meth:`release`."""

    def __init__(self, build: Path) -> None:
        self.build = build
        folder = build / LEASES
        folder.mkdir(exist_ok=True)
        self.path = folder / f"{os.getpid()}.{secrets.token_hex(4)}"
        self.path.write_text("", "utf-8")
        self._released = False
        self._lock = threading.Lock()

    def release(self) -> None:
        """Let the build go, and remove it if it is old and nobody else holds it; idempotent."""
        with self._lock:
            if self._released:
                return
            self._released = True
        self.path.unlink(missing_ok=True)
        if self.build.parent.name == "stores":
            prune(self.build.parent)


def _current_target(stores: Path) -> Path | None:
    """The build a store link next to ``stores`` points at (the default layout)."""
    for link in stores.parent.iterdir():
        if link.is_symlink():
            target = link.resolve()
            if target.parent == stores:
                return target
    return None


def prune(stores: Path, current: Path | None = None, keep: int = KEEP_BUILDS) -> list[Path]:
    """Remove finished builds beyond the newest ``keep`` that no live process holds; never
    ``current`` or a build a store link points at. Returns what was removed."""
    try:
        finished = sorted(
            (p for p in stores.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.name,
        )
    except OSError:
        return []
    protected = {current, _current_target(stores)}
    removed = []
    for old in finished[:-keep] if keep else finished:
        if old in protected or live_leases(old):
            continue
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old)
    return removed


def _prune(current: Path, keep: int) -> None:
    prune(current.parent, current, keep)


def check_readable(built: BuiltStore) -> None:
    """Open the store read-only and ask it something, so a damaged one fails here, clearly."""
    from pyoxigraph import Store

    try:
        db = Store.read_only(str(built.db_path))
        bool(db.query("ASK { ?s ?p ?o }"))
    except (OSError, RuntimeError, ValueError) as exc:
        raise StoreError(
            f"the store at {built.db_path} is damaged or unreadable ({exc}); "
            f"rebuild it with `uasa build`"
        ) from None
    del db  # closes it before the server forks its workers
