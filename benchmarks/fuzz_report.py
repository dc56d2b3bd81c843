"""Run the fuzz tests and write what they tried into docs/testing.md.

    python benchmarks/fuzz_report.py [--examples 150] [--report docs/testing.md]

Runs tests/test_fuzz.py (hypothesis, through the Flask test client) and
tests/test_schemathesis.py (schemathesis against /openapi.json) with pytest, in this process,
with a plugin that counts, for each test, the examples it ran (the ``TRIED`` counters the test
modules keep), the requests it sent and the statuses it got (every request of the Flask test
client and of schemathesis goes through ``werkzeug.test.Client.run_wsgi_app``), and its
outcome. ``--examples`` sets ``UASA_FUZZ_EXAMPLES`` (the hypothesis examples per target;
default: the test module's own, 150); schemathesis keeps the per-operation counts of its test.

The table, the command, the date and the machine go between ``<!-- fuzz:start -->`` and
``<!-- fuzz:end -->`` in ``--report`` (default docs/testing.md), failures included; nothing in that
block is typed by hand. The exit status is pytest's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import werkzeug.test

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
TEST_FILES = ["tests/test_fuzz.py", "tests/test_schemathesis.py"]


@dataclass
class Row:
    """One pytest test: what it tried and what came back."""

    nodeid: str
    targets: list[str] = field(default_factory=list)  # the TRIED keys it counted under
    examples: int = 0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    outcome: str = "passed"
    seconds: float = 0.0


def _tried_total(tried: Mapping[str, int] | None) -> Counter[str]:
    return Counter(dict(tried)) if tried is not None else Counter()


class Tally:
    """pytest plugin: examples, requests and statuses per test."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.current: Row | None = None
        self.modules: dict[str, Any] = {}
        self._original = werkzeug.test.Client.run_wsgi_app

    def _row(self, nodeid: str) -> Row:
        return self.rows.setdefault(nodeid, Row(nodeid))

    def pytest_sessionstart(self) -> None:
        tally, original = self, self._original

        def counted(client: Any, environ: Any, buffered: bool = False) -> Any:
            response = original(client, environ, buffered=buffered)
            if tally.current is not None:
                tally.current.requests += 1
                tally.current.statuses[int(response[1].split(None, 1)[0])] += 1
            return response

        werkzeug.test.Client.run_wsgi_app = counted  # type: ignore[method-assign]

    def pytest_sessionfinish(self) -> None:
        werkzeug.test.Client.run_wsgi_app = self._original  # type: ignore[method-assign]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, Any, Any]:
        module = getattr(item, "module", None)
        if module is not None:
            self.modules[module.__name__] = module
        tried = getattr(module, "TRIED", None)
        before = _tried_total(tried)
        row = self.current = self._row(item.nodeid)
        t0 = time.perf_counter()
        try:
            return (yield)
        finally:
            row.seconds += time.perf_counter() - t0
            self.current = None
            delta = _tried_total(tried) - before
            row.examples += sum(delta.values())
            row.targets += [key for key in delta if key not in row.targets]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        row = self._row(report.nodeid)
        if report.failed:
            row.outcome = "failed" if report.when == "call" else f"error in {report.when}"
        elif report.skipped and row.outcome == "passed":
            row.outcome = "skipped"


def statuses(counts: Counter[int]) -> str:
    return ", ".join(f"{s}: {n}" for s, n in sorted(counts.items())) or "-"


def markdown(
    tally: Tally, exit_code: int, command: str, date: str, seconds: float, machine: str
) -> str:
    """The report block: every figure comes from the run."""
    fuzz = tally.modules.get("tests.test_fuzz")
    schema = tally.modules.get("tests.test_schemathesis")
    rows = [r for r in tally.rows.values() if r.examples]
    others = [r for r in tally.rows.values() if not r.examples]
    failed = [r for r in tally.rows.values() if r.outcome not in ("passed", "skipped")]
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("hypothesis", "schemathesis"))
    settings = []
    if fuzz is not None:
        settings.append(
            f"hypothesis: at most {fuzz.EXAMPLES} examples per target "
            f"(`UASA_FUZZ_EXAMPLES`, default 150)"
        )
    if schema is not None:
        per_mode = " and ".join(f"{n} {mode}" for mode, n in schema.EXAMPLES.items())
        settings.append(f"schemathesis: at most {per_mode} examples per API operation")
    lines = [
        "_Written by `benchmarks/fuzz_report.py`; do not edit by hand._",
        "",
        f"- Command: `{command}` (runs `pytest {' '.join(TEST_FILES)}` in-process)",
        f"- Date: {date} UTC; took {seconds:.0f} s; {versions}",
        f"- Examples: {'; '.join(settings) or 'unknown (test modules not run)'}",
        f"- Machine: {machine}",
        "",
        "| test | target | examples | requests | statuses seen | outcome |",
        "|---|---|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| `{r.nodeid.removeprefix('tests/')}` | {', '.join(r.targets)} | {r.examples} | "
            f"{r.requests} | {statuses(r.statuses)} | {r.outcome} |"
        )
    lines += [
        f"| **total** | | **{sum(r.examples for r in rows)}** | "
        f"**{sum(r.requests for r in rows)}** | "
        f"{statuses(sum((r.statuses for r in rows), Counter()))} | |",
        "",
        f"Failures: **{len(failed)}**"
        + (": " + ", ".join(f"`{r.nodeid}` ({r.outcome})" for r in failed) if failed else "")
        + f"; pytest exit status {exit_code}.",
    ]
    if others:
        lines.append(
            "Also run: "
            + "; ".join(
                f"`{r.nodeid.removeprefix('tests/')}` ({r.outcome}, {r.requests} requests)"
                for r in others
            )
            + "."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples", type=int, help="hypothesis examples per target (UASA_FUZZ_EXAMPLES)"
    )
    parser.add_argument(
        "--report",
        default=str(ROOT / "docs" / "testing.md"),
        metavar="FILE",
        help="file with <!-- fuzz:start --> and <!-- fuzz:end --> (default docs/testing.md)",
    )
    parser.add_argument("--no-report", action="store_true", help="print the block only")
    args = parser.parse_args(argv)
    command = command_line("benchmarks/fuzz_report.py", sys.argv[1:] if argv is None else argv)
    if args.examples is not None:
        if args.examples < 1:
            parser.error("--examples must be at least 1")
        os.environ["UASA_FUZZ_EXAMPLES"] = str(args.examples)
    if not args.no_report:  # fail now, not after the run, if the file cannot take the block
        try:
            replace_block(Path(args.report).read_bytes().decode("utf-8"), "fuzz", "")
        except (OSError, UnicodeDecodeError, MarkerError) as exc:
            parser.error(f"--report {args.report}: {exc}")
    date = f"{utc_now():%Y-%m-%d %H:%M}"
    tally = Tally()
    t0 = time.monotonic()
    exit_code = int(
        pytest.main(
            ["-q", "-p", "no:cacheprovider", *(str(ROOT / f) for f in TEST_FILES)],
            plugins=[tally],
        )
    )
    seconds = time.monotonic() - t0
    if not any(r.examples for r in tally.rows.values()):
        print(f"fuzz_report: no fuzz test ran (pytest exit status {exit_code}); report untouched")
        return exit_code or 1
    block = markdown(tally, exit_code, command, date, seconds, machine_line())
    print(block)
    if not args.no_report:
        write_block(args.report, "fuzz", block)
        print(f"fuzz_report: wrote the figures into {args.report}")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
