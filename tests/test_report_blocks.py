"""The generated report blocks (soak and fuzz figures): only the text between the markers changes,
missing or misplaced markers are an error, docs/testing.md has both blocks, and what the two scripts
write comes from their figures (checked on made-up ones; the runs themselves take minutes)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from benchmarks import fuzz_report, soak
from benchmarks.report_blocks import MarkerError, replace_block, write_block

from tests.helpers import ROOT

BEFORE = "# Title\n\nProse before.\n\n<!-- soak:start -->\nold figures\nmore\n<!-- soak:end -->\n"
AFTER = "\nProse after, with <!-- other:start --> markers\u00a0and ünïcode.\n"


def test_replaces_only_the_text_between_the_markers() -> None:
    text = BEFORE + AFTER
    new = replace_block(text, "soak", "| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert new == (
        "# Title\n\nProse before.\n\n<!-- soak:start -->\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        "<!-- soak:end -->\n" + AFTER
    )
    assert replace_block(new, "soak", "old figures\nmore") == text  # and back, byte for byte
    assert replace_block(new, "soak", "x") == replace_block(
        replace_block(new, "soak", "x"), "soak", "x"
    )


def test_write_block_leaves_the_rest_of_the_file_byte_identical(tmp_path: Path) -> None:
    head = "# T\r\n\r\nfirst line\u2009\r\n<!-- fuzz:start -->\r\n"
    tail = "<!-- fuzz:end -->\r\ntrailing  \r\n\r\n"
    readme = tmp_path / "README.md"
    readme.write_bytes((head + "stale\r\n" + tail).encode())
    write_block(readme, "fuzz", "fresh\nfigures\n")
    assert readme.read_bytes() == (head + "fresh\r\nfigures\r\n" + tail).encode()


@pytest.mark.parametrize(
    "text",
    [
        "no markers at all\n",
        "<!-- soak:start -->\nonly the start\n",
        "only the end\n<!-- soak:end -->\n",
        "<!-- soak:end -->\nreversed\n<!-- soak:start -->\n",
        "<!-- soak:start -->\n<!-- soak:end -->\n<!-- soak:start -->\n<!-- soak:end -->\n",
        "<!-- fuzz:start -->\nthe other block\n<!-- fuzz:end -->\n",
    ],
)
def test_missing_or_misplaced_markers_are_an_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(MarkerError, match="soak"):
        replace_block(text, "soak", "figures")
    readme = tmp_path / "README.md"
    readme.write_text(text)
    with pytest.raises(MarkerError):
        write_block(readme, "soak", "figures")
    assert readme.read_text() == text  # untouched


def test_the_readme_has_both_blocks() -> None:
    readme = (ROOT / "docs" / "testing.md").read_text("utf-8")
    for name in ("soak", "fuzz"):
        replace_block(readme, name, "")  # exactly one pair each, in order
        start, end = f"<!-- {name}:start -->\n", f"\n<!-- {name}:end -->"
        assert readme.split(start, 1)[1].split(end, 1)[0].strip(), f"the {name} block is empty"


# --- what the scripts write into the blocks -------------------------------------------------


def _soak_result(**changes: object) -> dict:
    result = {
        "seconds": 30.2,
        "seconds_asked": 30.0,
        "clients": 16,
        "max_requests": 2_000_000,
        "seed": 8,
        "store": "",
        "query_timeout": 2.0,
        "query_workers": 4,
        "load_before": 0.5,
        "load_after": 1.5,
        "expected": {k: sorted(v) for k, v in soak.EXPECTED.items()},
        "requests": 13,
        "statuses": {"runaway 503": 3, "saved 200": 10},
        "by_status": {200: 10, 503: 3},
        "unexpected": 0,
        "unexpected_detail": {},
        "connection_errors": 0,
        "samples": [],
        "good_during_runaway": 10,
        "p50_ms": 12.5,
        "p99_ms": 80.0,
        "good_all": 10,
        "p99_all_good_ms": 81.0,
        "rss_initial_mb": 100.0,
        "rss_start_mb": 110.0,
        "rss_end_mb": 112.0,
        "rss_growth": 0.0182,
        "healthy_after": True,
        "tracebacks_in_log": 0,
        "log_errors": {},
    }
    return {**result, **changes}


def test_soak_block_states_the_run_and_each_invariant() -> None:
    text = soak.markdown(_soak_result(), "python benchmarks/soak.py --seconds 30", "D", "M")
    assert "`python benchmarks/soak.py --seconds 30`" in text
    assert "Overall: **PASS**" in text and "FAIL" not in text
    assert "| server memory growth under 10% | +1.82% | PASS |" in text
    assert "| saved | 200 | 200 | 10 |" in text
    assert "p50 12.5 ms, p99 80 ms" in text
    assert "Kinds never sent in this run: " in text  # only two kinds in this made-up run

    failing = _soak_result(
        unexpected=2,
        unexpected_detail={"service 500": 2},
        statuses={"service 500": 2},
        samples=["service: unexpected 500 Internal\nServer Error"] * 2,
        rss_growth=0.25,
        tracebacks_in_log=2,
        log_errors={"TypeError: <lambda>() missing 1 required positional argument: 'x'": 2},
        p50_ms=float("nan"),
    )
    text = soak.markdown(failing, "c", "D", "M")
    assert "Overall: **FAIL**" in text
    assert "| no unexpected status | 2 | **FAIL** |" in text
    assert "| no connection error | 0 | PASS |" in text
    assert "| service | 400 | 500 | 2 |" in text
    assert "`service: unexpected 500 Internal Server Error` (2x)" in text
    assert "`TypeError: <lambda>() missing 1 required positional argument: 'x'` (2x)" in text
    assert "p50 n/a" in text


def test_soak_counts_the_errors_ending_tracebacks() -> None:
    log = (
        'INFO start\nTraceback (most recent call last):\n  File "x.py", line 1\n'
        "    boom()\nValueError: boom\nERROR:uasa:unhandled\n"
        'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: boom\n'
    )
    assert soak.log_errors(log) == {"ValueError: boom": 2}
    assert soak.log_errors("no trouble\n") == {}


def test_fuzz_block_counts_examples_requests_and_failures() -> None:
    tally = fuzz_report.Tally()
    tally.rows = {
        "tests/test_fuzz.py::test_a": fuzz_report.Row(
            "tests/test_fuzz.py::test_a", ["a"], 150, 300, Counter({400: 290, 200: 10})
        ),
        "tests/test_fuzz.py::test_b": fuzz_report.Row(
            "tests/test_fuzz.py::test_b", ["b"], 7, 7, Counter({404: 7}), "failed"
        ),
        "tests/test_fuzz.py::test_after": fuzz_report.Row(
            "tests/test_fuzz.py::test_after", [], 0, 3, Counter({200: 3})
        ),
    }
    text = fuzz_report.markdown(tally, 1, "python benchmarks/fuzz_report.py", "D", 12.0, "M")
    assert "| `test_fuzz.py::test_a` | a | 150 | 300 | 200: 10, 400: 290 | passed |" in text
    assert "| **total** | | **157** | **307** | 200: 10, 400: 290, 404: 7 | |" in text
    assert "Failures: **1**: `tests/test_fuzz.py::test_b` (failed); pytest exit status 1." in text
    assert "Also run: `test_fuzz.py::test_after` (passed, 3 requests)." in text
