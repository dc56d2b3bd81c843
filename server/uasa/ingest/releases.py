"""Release history: every build whose data differs from the last release's is a new release,
numbered, dated and kept.

Layout, beside the builds (for the store setting ``var/store``)::

    var/releases/releases.json      the releases, oldest first: number, version, date, hash,
                                    triples added and removed, resources changed
    var/releases/<n>/uasa.nq.gz     that release's canonical N-Quads dump
    var/releases/<n>/changes.rdfp   what changed since release n-1, as an RDF Patch
                                    (https://afs.github.io/rdf-patch/): `A`/`D` quad lines
    var/releases/last-changed.json  each resource's IRI → the last release that changed a
                                    triple with it as subject

The change set compares the canonical N-Quads dumps line by line: the build canonicalises blank
node labels (RDFC-1.0), so an unchanged blank node keeps its label. A build above the canonical
size limit (see `uasa.ingest.dumps`) is recorded as a release without a change set: its dump is
in store order, and comparing it in memory would cost what the limit avoids.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from typing import Any

from uasa.ingest.dumps import DUMPS_DIR, NAME

RELEASES_DIR = "releases"
INDEX = "releases.json"
LAST_CHANGED = "last-changed.json"
DUMP = f"{NAME}.nq.gz"
CHANGES = "changes.rdfp"
_SUBJECT = re.compile(r"^<([^>]*)> ")


def folder_of(store_setting: str | Path) -> Path:
    """The releases folder for a store setting (beside the `stores/` of its builds)."""
    return Path(store_setting).absolute().parent / RELEASES_DIR


def index(folder: Path) -> list[dict[str, Any]]:
    path = folder / INDEX
    return list(json.loads(path.read_text("utf-8"))) if path.is_file() else []


def _quad_lines(data: bytes) -> set[str]:
    return {line for line in data.decode("utf-8").splitlines() if line and not line.startswith("#")}


def record(
    folder: Path, build_dir: Path, manifest: dict[str, Any], canonical: bool
) -> dict[str, Any]:
    """Record the build as a release if its data differs from the last one; returns the
    release it belongs to (new or the last)."""
    releases = index(folder)
    last = releases[-1] if releases else None
    if last is not None and last["content_hash"] == manifest.get("content_hash"):
        return last
    number = (last["number"] + 1) if last else 1
    target = folder / str(number)
    target.mkdir(parents=True, exist_ok=True)
    # The build's own gzipped dump is the release's: copied, not read, as a big one is big.
    shutil.copyfile(build_dir / DUMPS_DIR / DUMP, target / DUMP)
    dump: dict[str, Any] = next((e for e in manifest.get("dumps", []) if e["name"] == DUMP), {})
    entry: dict[str, Any] = {
        "number": number,
        "version": manifest.get("version"),
        "date": manifest.get("built"),
        "content_hash": manifest.get("content_hash"),
        "triples": manifest.get("triples"),
        "bytes": dump.get("bytes"),  # of the kept dump, for its DCAT distribution
        "sha256": dump.get("sha256"),
    }
    changed: set[str] = set()
    if canonical:
        now = _quad_lines((build_dir / DUMPS_DIR / f"{NAME}.nq").read_bytes())
    if last is not None and canonical:
        previous = _quad_lines(gzip.decompress((folder / str(last["number"]) / DUMP).read_bytes()))
        added, removed = sorted(now - previous), sorted(previous - now)
        lines = [
            f"H id <urn:uasa:release:{number}> .",
            f"H previous <urn:uasa:release:{last['number']}> .",
            "TX .",
            *(f"D {line}" for line in removed),
            *(f"A {line}" for line in added),
            "TC .",
        ]
        (target / CHANGES).write_text("\n".join(lines) + "\n", "utf-8")
        entry.update(added=len(added), removed=len(removed))
        changed = {m.group(1) for line in (*added, *removed) if (m := _SUBJECT.match(line))}
    elif last is None and canonical:
        changed = {m.group(1) for line in now if (m := _SUBJECT.match(line))}
    entry["resources_changed"] = len(changed)
    last_changed_path = folder / LAST_CHANGED
    last_changed = (
        json.loads(last_changed_path.read_text("utf-8")) if last_changed_path.is_file() else {}
    )
    last_changed.update(dict.fromkeys(sorted(changed), number))
    last_changed_path.write_text(json.dumps(last_changed, sort_keys=True), "utf-8")
    releases.append(entry)
    (folder / INDEX).write_text(json.dumps(releases, indent=1), "utf-8")
    return entry


def changes_for(folder: Path, number: int, iri: str | None) -> str | None:
    """A release's RDF Patch, or only the lines whose subject is ``iri``; None if none kept."""
    path = folder / str(number) / CHANGES
    if not path.is_file():
        return None
    text = path.read_text("utf-8")
    if iri is None:
        return text
    keep = [
        line
        for line in text.splitlines()
        if line.startswith(("H ", "TX", "TC")) or line[2:].startswith(f"<{iri}> ")
    ]
    return "\n".join(keep) + "\n"


def last_changed(folder: Path, iri: str) -> int | None:
    path = folder / LAST_CHANGED
    if not path.is_file():
        return None
    value = json.loads(path.read_text("utf-8")).get(iri)
    return int(value) if value is not None else None
