"""Request ids, structured access logs, /metrics, /health, and a damaged store at start-up."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from uasa.core import store_layout

RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(22)) + " }"
)


def test_request_id_is_echoed_or_made(w3c_app: Flask) -> None:
    client = w3c_app.test_client()
    given = client.get("/health", headers={"X-Request-Id": "abc-123"})
    assert given.headers["X-Request-Id"] == "abc-123"
    made = client.get("/health", headers={"X-Request-Id": "bad id with spaces"})
    assert made.headers["X-Request-Id"] != "bad id with spaces"
    assert len(made.headers["X-Request-Id"]) == 16


def test_access_log_is_one_json_line_with_a_query_hash(
    w3c_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="uasa.access"):
        w3c_app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    line = json.loads(caplog.records[-1].getMessage())
    assert line["route"] == "/sparql"
    assert line["status"] == 200
    assert len(line["query_hash"]) == 16
    assert "ASK" not in caplog.records[-1].getMessage()
    assert line["ms"] >= 0


def test_metrics_count_requests_timeouts_and_cache(w3c_app: Flask) -> None:
    client = w3c_app.test_client()
    client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o } # metrics"})
    client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o } # metrics"})
    assert client.get("/sparql", query_string={"query": RUNAWAY}).status_code == 503
    text = client.get("/metrics").get_data(as_text=True)
    assert 'uasa_requests_total{route="/sparql",status="200"}' in text
    timeouts = [
        ln for ln in text.splitlines() if ln.startswith('uasa_query_errors_total{reason="timeout"}')
    ]
    assert timeouts and float(timeouts[0].split()[-1]) >= 1
    assert "uasa_query_seconds_count" in text
    hits = [ln for ln in text.splitlines() if ln.startswith("uasa_cache_hits_total")]
    assert hits and float(hits[0].split()[-1]) >= 1


def test_health_reports_ok(w3c_app: Flask) -> None:
    r = w3c_app.test_client().get("/health")
    assert r.status_code == 200
    assert r.json["status"] == "ok"
    assert r.json["triples"] == 3


def test_damaged_store_is_refused_with_a_clear_message(w3c_store: str, tmp_path: Path) -> None:
    built = store_layout.locate(w3c_store)
    copy = tmp_path / "copy"
    shutil.copytree(built.root, copy)
    for sst in (copy / store_layout.DB_DIR).glob("*.sst"):
        sst.write_bytes(b"not a table")
    (copy / store_layout.DB_DIR / "CURRENT").write_text("MANIFEST-999999\n")
    result = subprocess.run(
        [sys.executable, "-m", "uasa.cli", "serve", "--store", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "damaged or unreadable" in result.stderr
    assert "Traceback" not in result.stderr
