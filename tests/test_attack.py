"""benchmarks/attack.py runs: a few attacks for a moment each, against a real server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT


@pytest.mark.slow
def test_attack_script_replays_attacks_and_reports(w3c_store: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "report.md"
    report.write_text("<!-- attack:start -->\n<!-- attack:end -->\n", "utf-8")
    done = subprocess.run(
        [
            *(sys.executable, str(ROOT / "benchmarks" / "attack.py")),
            *("--seconds", "2", "--store", w3c_store, "--report", str(report)),
            *("--only", "runaway loops", "deep nesting", "empty bodies", "slow headers", "unkeyed"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and " MiB |" in line]
    assert len(rows) == 5, done.stdout
    for row in rows:  # the probe was answered throughout (latency is the script's to judge)
        failed = row.split("|")[4].strip()
        assert failed.startswith("0 of ") and not failed.startswith("0 of 0"), row
    written = report.read_text("utf-8")
    assert "benchmarks/attack.py" in written and written.count(" MiB |") == 5
