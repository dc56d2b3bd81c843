"""The soak script for 60 seconds (its default is 10 minutes): 16 concurrent clients with
runaways, slow clients and bad requests against a real `uasa serve` on the real data. No
unexpected status, no connection error, memory growth under 10%, healthy afterwards; and two
rebuilds of the store during the run, which the server follows with nothing lost."""

from __future__ import annotations

import pytest
from benchmarks import soak


@pytest.mark.timeout(240)
def test_soak_for_a_minute(real_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = soak.soak(real_store, seconds=60, clients=16, max_requests=200_000, seed=8, rebuilds=2)
    with capsys.disabled():
        print("\n" + soak.report(result))
    assert result["unexpected"] == 0, result["unexpected_detail"]
    assert result["connection_errors"] == 0, (result["samples"], result["worker_events"])
    assert result["rss_growth"] < soak.MAX_GROWTH
    assert result["healthy_after"]
    assert result["tracebacks_in_log"] == 0, result["log_errors"]
    assert len(result["rebuild_seconds"]) == 2 and not result["rebuilds_failed"]
    assert result["ended_on_newest"]
    assert result["dumps_checked"] > 0 and not result["dumps_bad"], result["dumps_bad"]
    kinds = {key.split()[0] for key in result["statuses"]}
    assert kinds >= {
        "saved",
        "deref",
        "page",
        "data",
        "malformed",
        "service",
        "update",
        "runaway",
        "oversized",
        "long",
        "slow",
    }
    assert result["statuses"].get("runaway 503", 0) >= 10
