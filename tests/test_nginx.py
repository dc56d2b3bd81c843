"""docs/deploy.md's nginx block, run in Debian's nginx in front of a real `uasa serve`.

The block is read from the document; only what must differ on a test machine changes: it
listens on a free loopback port without TLS, and passes to the test server's port. Hostile
clients go first, sending the headers that made the server keep their links for everyone
(`X-Forwarded-Host`, `-Prefix`, `-Proto`, a foreign `Host`); the clients after them must get
clean answers on every route whose answer (or part of it) the server keeps.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.helpers import ROOT, LiveServer, free_port, stop_process
from tests.test_pipeline import CACHED_ROUTES, EVIL, HOSTILE

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(
    not Path(NGINX).is_file(), reason="nginx is not installed (make test-tools)"
)


def documented_block() -> str:
    text = (ROOT / "docs" / "deploy.md").read_text("utf-8")
    blocks = re.findall(r"```nginx\n(.*?)\n```", text, re.DOTALL)
    assert len(blocks) == 1, "docs/deploy.md should hold exactly one nginx block"
    return blocks[0]


def local_block(block: str, listen: int, upstream: int) -> str:
    """The documented block on a loopback port, without TLS, passing to the test server."""
    out = re.sub(r"listen 443 ssl;", f"listen 127.0.0.1:{listen};", block)
    out = re.sub(
        r"proxy_pass http://127\.0\.0\.1:8000;", f"proxy_pass http://127.0.0.1:{upstream};", out
    )
    assert out.count(str(listen)) == 1 and out.count(str(upstream)) == 1, out
    return out


@pytest.fixture(scope="module")
def proxied(real_store: str) -> Iterator[str]:
    server = LiveServer(real_store, {"UASA_TRUSTED_PROXIES": "1", "UASA_CACHE_MB": "16"})
    folder = Path(tempfile.mkdtemp(prefix="uasa-nginx-"))
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{local_block(documented_block(), port, server.port)}
}}
""",
        "utf-8",
    )
    proc = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if requests.get(url + "/health", timeout=5).ok:
                    break
            except requests.RequestException:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / "error.log").read_text()) from None
                time.sleep(0.1)
        yield url
    finally:
        stop_process(proc)
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _seen(r: requests.Response) -> str:
    return "\n".join(f"{k}: {v}" for k, v in r.headers.items()) + "\n\n" + r.text


def test_hostile_headers_through_the_documented_proxy(proxied: str) -> None:
    for path, accept in CACHED_ROUTES:
        headers = {"Accept": accept} if accept else {}
        for hostile in ({**HOSTILE, **headers}, {"Host": EVIL, **headers}):
            attack = requests.get(
                proxied + path, headers=hostile, allow_redirects=False, timeout=30
            )
            assert attack.status_code in {200, 303}, (path, attack.status_code)
            if "Host" not in hostile:  # the proxy cleared them: even the attacker's is clean
                assert EVIL not in _seen(attack), path
        for _ in range(3):  # the next clients, more than one HTTP worker may answer
            clean = requests.get(
                proxied + path,
                headers={**headers, "Host": "kg.example.org"},
                allow_redirects=False,
                timeout=30,
            )
            assert clean.status_code in {200, 303}, (path, clean.status_code)
            assert EVIL not in _seen(clean), path


def test_the_proxy_names_the_client_and_the_scheme(proxied: str) -> None:
    r = requests.get(
        proxied + "/data/id/party/gbr.ttl",
        headers={"Host": "kg.example.org", "X-Forwarded-Proto": "https"},
        timeout=30,
    )
    # nginx overwrites -Proto with its own scheme (http here, https behind TLS).
    assert r.headers["Content-Location"].startswith("http://kg.example.org/data/")
