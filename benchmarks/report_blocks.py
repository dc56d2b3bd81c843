"""Generated Markdown between two markers of a file (a page of docs/), and the facts every report
states (when, on what machine, by which command).

A block is the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``, each on its own
line. ``write_block`` replaces that text and leaves every other byte of the file as it was; a
file without exactly one pair of the markers, in order, is an error, never a guess.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
from pathlib import Path


class MarkerError(ValueError):
    """The file does not have exactly one start and one end marker, in that order."""


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the lines between the ``name`` markers replaced by ``body``."""
    start, end = markers(name)
    found = (text.count(start), text.count(end))
    if found != (1, 1):
        raise MarkerError(
            f"expected one {start} and one {end}, found {found[0]} and {found[1]}: "
            "add the two markers, each on its own line, where the block goes"
        )
    head, rest = text.split(start, 1)
    if end not in rest:
        raise MarkerError(f"{end} comes before {start}")
    tail = rest.split(end, 1)[1]
    newline = "\r\n" if "\r\n" in text else "\n"
    inner = body.strip("\r\n").replace("\r\n", "\n").replace("\n", newline)
    return head + start + newline + inner + newline + end + tail


def write_block(path: str | Path, name: str, body: str) -> None:
    """Replace the ``name`` block of the UTF-8 file at ``path``; raises MarkerError untouched."""
    path = Path(path)
    text = path.read_bytes().decode("utf-8")
    path.write_bytes(replace_block(text, name, body).encode("utf-8"))


def command_line(script: str, argv: list[str]) -> str:
    return shlex.join(["python", script, *argv])


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def machine() -> dict[str, str]:
    """CPU model, the cores this process may use (as `nproc` counts them), total memory."""
    cpu = memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"CPU": cpu, "cores (nproc)": str(cores), "memory": memory}


def machine_line() -> str:
    m = machine()
    return f"{m['CPU']}, {m['cores (nproc)']} cores (nproc), {m['memory']} memory"
