"""docs/deploy.md, section 1 (Oxigraph server), run exactly as written.

The shell blocks marked `<!-- tested: tests/test_deploy_doc.py -->` are read from the document and
run line by line with bash, from the repository root, with the placeholders the document uses
(`$OXIGRAPH_DIR`, `$OXIGRAPH_PORT`, `$UASA_STORE`, `$PORT`) set to a temporary folder and free
loopback ports. A line ending in `&` is started in the background and stopped at the end. Then:

- the two `curl` checks must print the same count of agreements, greater than 0;
- a triple written straight into Oxigraph, absent from the local build, must be found through
  uasa. This shows that the server really queries the remote store: with a wrong setting name, it
  would answer from its local build and still give the right count.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.helpers import ROOT, free_port, stop_process
from uasa.core.settings import SETTINGS

DOC = ROOT / "docs" / "deploy.md"
MARK = "<!-- tested: tests/test_deploy_doc.py -->"
PLACEHOLDERS = ("OXIGRAPH_DIR", "OXIGRAPH_PORT", "UASA_STORE", "PORT")
STEP_TIMEOUT = 180.0  # seconds for one foreground line (the build, with SHACL, takes about 15
# alone; the suite runs two test workers at once, and a loaded CI machine takes longer)
MARKER = ("urn:uasa-test:deploy-doc", "urn:uasa-test:marker", "urn:uasa-test:says")


def marked_commands(text: str) -> list[str]:
    """The command lines of every ```sh block that directly follows the marker comment."""
    lines: list[str] = []
    for match in re.finditer(re.escape(MARK) + r"\s*\n```sh\n(.*?)\n```", text, re.DOTALL):
        for line in match.group(1).splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                lines.append(line.strip())
    return lines


@dataclass
class Run:
    """The background processes and the output of each foreground line, in order."""

    env: dict[str, str]
    folder: Path
    background: list[tuple[str, subprocess.Popen[bytes], Path]] = field(default_factory=list)
    outputs: list[tuple[str, str]] = field(default_factory=list)

    def start(self, line: str) -> None:
        command = line.removesuffix("&").strip()
        log = self.folder / f"background-{len(self.background)}.log"
        with log.open("wb") as out:
            # `exec env …` makes the process itself (not a shell around it) the one we stop;
            # `env` also applies leading VAR=value assignments, as the shell would.
            proc = subprocess.Popen(
                ["bash", "-c", f"exec env {command}"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.background.append((command, proc, log))

    def run(self, line: str) -> None:
        proc = subprocess.Popen(
            ["bash", "-c", line],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + STEP_TIMEOUT
        while proc.poll() is None:
            self.check_background(line)
            if time.monotonic() > deadline:
                stop_process(proc)
                pytest.fail(f"{line!r} did not finish within {STEP_TIMEOUT:g} s")
            time.sleep(0.1)
        stdout, stderr = proc.communicate()
        assert proc.returncode == 0, (
            f"{line!r} exited with {proc.returncode}:\n{stdout.decode()}\n{stderr.decode()}"
        )
        self.outputs.append((line, stdout.decode()))

    def check_background(self, during: str) -> None:
        for command, proc, log in self.background:
            if proc.poll() is not None:
                pytest.fail(
                    f"{command!r} exited with {proc.returncode} during {during!r}:\n"
                    + log.read_text(errors="replace")
                )

    def stop(self) -> None:
        for _, proc, _ in reversed(self.background):  # uasa first, then the store behind it
            stop_process(proc)


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    # No UASA_* setting may leak in from the caller: the document must set what it needs.
    env = {k: v for k, v in os.environ.items() if not k.startswith("UASA_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        OXIGRAPH_DIR=str(tmp_path / "oxigraph"),
        OXIGRAPH_PORT=str(free_port()),
        UASA_STORE=str(tmp_path / "uasa" / "store"),
        PORT=str(free_port()),
    )
    # Background logs live outside tmp_path so a failing run keeps them readable in the report.
    with tempfile.TemporaryDirectory(prefix="uasa-deploy-doc-") as logs:
        state = Run(env, Path(logs))
        try:
            yield state
        finally:
            state.stop()


def _count(csv_text: str) -> int:
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert len(rows) == 2 and rows[0] == ["n"], f"not a one-count CSV: {csv_text!r}"
    return int(rows[1][0])


def test_the_oxigraph_steps_of_the_deploy_guide_work(run: Run) -> None:
    lines = marked_commands(DOC.read_text("utf-8"))
    text = "\n".join(lines)
    # The section must still show the whole route, with the real setting name.
    assert "oxigraph serve" in text and "uasa build --to" in text and "uasa serve" in text, lines
    assert "UASA_REMOTE" in {s.env for s in SETTINGS} and "UASA_REMOTE=" in text, lines
    used = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", text))
    assert used <= set(PLACEHOLDERS), f"the doc uses placeholders the test does not set: {used}"

    started = time.monotonic()
    for line in lines:
        if line.endswith("&"):
            run.start(line)
        else:
            run.run(line)
    run.check_background("the checks")

    checks = [out for line, out in run.outputs if line.startswith("curl ")]
    assert len(checks) == 2, run.outputs
    ours, oxigraph = (_count(out) for out in checks)
    assert ours > 0
    assert ours == oxigraph

    # A triple only the remote store has, so only a server that queries it can find it.
    graph, subject, predicate = MARKER
    store = f"http://127.0.0.1:{run.env['OXIGRAPH_PORT']}/store"
    put = requests.put(
        store,
        params={"graph": graph},
        data=f'<{subject}> <{predicate}> "only in the remote store" .\n'.encode(),
        headers={"Content-Type": "application/n-triples"},
        timeout=10,
    )
    assert put.status_code in (201, 204), put.text
    answer = requests.post(
        f"http://127.0.0.1:{run.env['PORT']}/sparql",
        data={"query": f"ASK {{ <{subject}> <{predicate}> ?o }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["boolean"] is True, "uasa did not query the remote store"
    assert time.monotonic() - started < 60
