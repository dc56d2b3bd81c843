"""Replay the attacks a hostile client can make, each for a bounded time, against `uasa serve`
with its default limits, and print what an ordinary client saw meanwhile.

    python benchmarks/attack.py [--seconds 10] [--store var/store] [--only NAME ...]
                                [--report docs/operations.md]

Starts its own `uasa serve` on a free loopback port over ``--store`` (default: the real data
built into a temporary folder), as `docs/deploy.md` deploys it: behind Debian's nginx (when
installed) with `UASA_TRUSTED_PROXIES=1`, every other setting at its default. Each attacker and
the probe connect from their own loopback address (127.x.y.z), so nginx names them apart in
`X-Forwarded-For`, as it would name visitors. Without nginx the script plays the proxy itself
(it sends `X-Forwarded-For`) and the slow-client attacks, which need a buffering proxy, are
left out and said to be.

For each attack, run for ``--seconds``: the probe asks a small, never-cached query every
0.1 s (a fresh text each time, so it runs in a query worker) and the script prints its p50 and
p99 latency, its failed requests (anything but 200, or no answer within 10 s), the statuses the
attackers got, and the peak resident memory of the whole uasa server (gunicorn, its HTTP
workers and their query workers). The exit status is 1 when a probe failed or p99 >= 1 s.

Worker crashes (a build gone bad, an idle worker killed) are not client attacks: the tests
(tests/test_abuse.py) reproduce those.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

if not __package__:  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.report_blocks import command_line, machine_line, utc_now, write_block
from benchmarks.soak import build_store, free_port, percentile, rss_bytes

ROOT = Path(__file__).resolve().parents[1]
JSON = "application/sparql-results+json"
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(22)) + " }"
)
# An ORDER BY over a two-pattern cartesian product: grew a worker by 4 GiB in 8 s.
MEMORY = "SELECT ?a ?b WHERE { ?a ?p ?x . ?b ?q ?y } ORDER BY ?x ?y"
P99_TARGET = 1.0


@dataclass
class Outcome:
    name: str
    probe: list[float] = field(default_factory=list)
    probe_failures: Counter[str] = field(default_factory=Counter)
    attack: Counter[str] = field(default_factory=Counter)
    peak_mib: float = 0.0
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return self.skipped != "" or (
            not self.probe_failures and percentile(self.probe, 99) < P99_TARGET
        )


class Client:
    """Requests from one loopback address; through nginx, or naming itself to uasa directly."""

    def __init__(self, port: int, address: str, via_proxy: bool) -> None:
        self.port, self.address, self.via_proxy = port, address, via_proxy

    def connect(self, timeout: float = 30) -> socket.socket:
        if self.via_proxy:
            return socket.create_connection(
                ("127.0.0.1", self.port), timeout=timeout, source_address=(self.address, 0)
            )
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        if self.via_proxy:
            conn.source_address = (self.address, 0)
        all_headers = {"Accept": JSON, **(headers or {})}
        if not self.via_proxy:
            all_headers["X-Forwarded-For"] = self.address
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def query(self, text: str, timeout: float = 30) -> int:
        return self.request("GET", "/sparql?query=" + quote(text), timeout=timeout)

    def post_query(self, text: str, headers: dict[str, str] | None = None) -> int:
        return self.request(
            "POST",
            "/sparql",
            text.encode(),
            {"Content-Type": "application/sparql-query", **(headers or {})},
        )


# --- the attacks: each a function run in a loop by its threads ---------------------------------

Attack = Callable[[Client, random.Random], str]


def runaway(c: Client, rng: random.Random) -> str:
    return str(c.query(RUNAWAY))


def memory(c: Client, rng: random.Random) -> str:
    return str(c.query(MEMORY + f" # {rng.random()}"))


def service(c: Client, rng: random.Random) -> str:
    padding = " ".join(f"OPTIONAL {{ ?s <urn:p{n}> ?o{n} }}" for n in range(2900))
    text = (
        f"SELECT * WHERE {{ SERVICE <http://x.example/{rng.random()}> {{ ?s ?p ?o }} {padding} }}"
    )
    return str(c.post_query(text))


def distinct_texts(c: Client, rng: random.Random) -> str:
    text = f"ASK {{ ?s ?p ?o }} # {rng.random()} " + "x" * 95_000
    return str(c.post_query(text))


def distinct_hosts(c: Client, rng: random.Random) -> str:
    return str(c.request("GET", "/sparql?query=ASK%7B%7D", headers={"Host": f"h{rng.random()}"}))


def nesting(c: Client, rng: random.Random) -> str:
    kind = rng.choice(["{", "(", "!", "S"])
    n = 20_000
    if kind == "{":
        text = "ASK " + "{" * n + "}" * n
    elif kind == "(":
        text = "ASK { FILTER(" + "(" * n + "1" + ")" * n + ") }"
    elif kind == "!":
        text = "ASK { FILTER(" + "!" * n + "true) }"
    else:
        text = "SELECT * " + "{ SELECT * " * 3000 + "{}" + "}" * 3000
    return str(c.post_query(text))


def bad_def(c: Client, rng: random.Random) -> str:
    return str(c.request("GET", "/def/" + rng.choice(["a%5Cb", "a%20b", "a%3Cb", "a%00b", "%FF"])))


PROBE = "127.99.0.1"
_colliders: list[str] = []
_colliders_lock = threading.Lock()


def colliders(victim: str = PROBE, count: int = 8) -> list[str]:
    """Addresses whose unkeyed hash lands on the victim's slots in the shared table (how the
    table worked before it drew a secret key): found offline, as an attacker would."""
    import hashlib

    from uasa.web.support.limits import SHARED_SLOTS

    def slot(address: str) -> int:
        digest = hashlib.blake2b(address.encode(), digest_size=8).digest()
        return (int.from_bytes(digest, "little") or 1) % SHARED_SLOTS

    with _colliders_lock:  # the attack's threads all ask at once: search once
        target = slot(victim)
        n = 0
        while len(_colliders) < count:
            candidate = f"127.{n // 65536 % 200 + 10}.{n // 256 % 256}.{n % 256}"
            if slot(candidate) == target:
                _colliders.append(candidate)
            n += 1
        return list(_colliders)


def collisions(c: Client, rng: random.Random) -> str:
    other = Client(c.port, rng.choice(colliders()), c.via_proxy)
    return str(other.query(f"ASK {{ ?s ?p ?o }} # {rng.random()}"))


def bodies(c: Client, rng: random.Random) -> str:
    kind = rng.choice(["chunked", "expect", "empty"])
    if kind == "empty":
        return "empty " + str(c.post_query(""))
    sock = c.connect()
    try:
        head = "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        if not c.via_proxy:
            head += f"X-Forwarded-For: {c.address}\r\n"
        if kind == "expect":
            sock.sendall(
                (head + "Content-Length: 10000000\r\nExpect: 100-continue\r\n\r\n").encode()
            )
        else:
            sock.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
            chunk = b"ASK {}" + b" " * 65530
            with contextlib.suppress(OSError):
                for _ in range(20):
                    sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sock.sendall(b"0\r\n\r\n")
        reply = sock.recv(64)
        return f"{kind} " + (reply[9:12].decode() if reply.startswith(b"HTTP/") else "closed")
    except OSError:
        return f"{kind} closed"
    finally:
        sock.close()


def slow_header(c: Client, rng: random.Random) -> str:
    return _slow(c, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")


def slow_body(c: Client, rng: random.Random) -> str:
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    return _slow(c, head + b"Content-Length: 100000\r\n\r\n" + b"ASK {}" + b" " * 99994)


def _slow(c: Client, payload: bytes) -> str:
    """Send one byte a second until the server gives up on us (or the attack ends)."""
    sock = c.connect(timeout=120)
    try:
        for byte in payload:
            if STOP.is_set():
                return "held"
            sock.sendall(bytes([byte]))
            time.sleep(1.0)
        return "sent"
    except OSError:
        return "dropped"
    finally:
        sock.close()


STOP = threading.Event()

# name → (attack, threads, needs a buffering proxy)
ATTACKS: dict[str, tuple[Attack, int, bool]] = {
    "runaway loops (6, one client)": (runaway, 6, False),
    "memory: ORDER BY over a cartesian product (2)": (memory, 2, False),
    "SERVICE in 99 KB queries (4)": (service, 4, False),
    "distinct 95 KB queries (4)": (distinct_texts, 4, False),
    "distinct Host headers (4)": (distinct_hosts, 4, False),
    "deep nesting, 20k levels (4)": (nesting, 4, False),
    "/def/ with non-IRI characters (2)": (bad_def, 2, False),
    "8 addresses sharing the probe's unkeyed slots (8)": (collisions, 8, False),
    "chunked, Expect, empty bodies (4)": (bodies, 4, False),
    "slow headers, one byte a second (40)": (slow_header, 40, True),
    "slow bodies, one byte a second (16)": (slow_body, 16, True),
}


def run_attack(
    name: str, port: int, via_proxy: bool, server_pid: int, seconds: float, seed: int
) -> Outcome:
    attack, threads, needs_proxy = ATTACKS[name]
    outcome = Outcome(name)
    if needs_proxy and not via_proxy:
        outcome.skipped = "needs a buffering proxy (nginx not found)"
        return outcome
    STOP.clear()
    # Counted from when every thread has started (40 of them may take a moment to).
    deadline = time.monotonic() + 3600.0
    lock = threading.Lock()
    attacker = f"127.66.{seed % 250}.{len(name) % 250 + 1}"

    def attack_loop(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        client = Client(port, attacker, via_proxy)
        while time.monotonic() < deadline:
            try:
                result = attack(client, rng)
            except (OSError, http.client.HTTPException) as exc:
                result = type(exc).__name__
            with lock:
                outcome.attack[result] += 1

    def probe_loop() -> None:
        client = Client(port, PROBE, via_proxy)
        time.sleep(min(1.0, seconds / 5))  # let the attack take hold first
        for n in itertools.count():
            if time.monotonic() >= deadline:
                return
            started = time.monotonic()
            text = f'ASK {{ ?s ?p ?o FILTER(?o != "{seed}-{n}-{random.random()}") }}'
            try:
                status = client.query(text, timeout=10)
                if status != 200:
                    outcome.probe_failures[str(status)] += 1
            except (OSError, http.client.HTTPException) as exc:
                outcome.probe_failures[type(exc).__name__] += 1
            outcome.probe.append(time.monotonic() - started)
            time.sleep(max(0.0, 0.1 - (time.monotonic() - started)))

    workers = [threading.Thread(target=attack_loop, args=(n,), daemon=True) for n in range(threads)]
    probe = threading.Thread(target=probe_loop, daemon=True)
    for t in [*workers, probe]:
        t.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        outcome.peak_mib = max(outcome.peak_mib, rss_bytes(server_pid) / 2**20)
        time.sleep(0.2)
    STOP.set()
    probe.join(timeout=15)
    for t in workers:
        t.join(timeout=40)
    time.sleep(1.0)  # let the last killed query workers be replaced before the next attack
    return outcome


# --- the deployment ---------------------------------------------------------------------------

NGINX = """
worker_processes 1;
daemon off;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;
        client_header_timeout 10s;
        client_body_timeout 10s;
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ["/usr/sbin/nginx"] if os.access(p, os.X_OK)), None
    )


def start_nginx(tmp: Path, upstream: int) -> tuple[subprocess.Popen[bytes], int]:
    binary = nginx_binary()
    assert binary is not None
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX.format(user=user, tmp=tmp, port=port, upstream=upstream), "utf-8")
    proc = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port, proc, "nginx")
    return proc, port


def start_uasa(store: str, log: Any) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "UASA_STORE": store,
        "UASA_PORT": str(port),
        "UASA_TRUSTED_PROXIES": "1",
        "UASA_LOG_LEVEL": "warning",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "uasa.cli", "serve"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    wait_for(port, proc, "uasa serve")
    return proc, port


def wait_for(port: int, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"attack: {what} exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"attack: {what} did not start within 60 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- the report -------------------------------------------------------------------------------


def table(outcomes: list[Outcome]) -> str:
    rows = [
        "| attack | probe p50 | probe p99 | failed probes | attackers got | peak memory |",
        "|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        if o.skipped:
            rows.append(f"| {o.name} | - | - | - | skipped: {o.skipped} | - |")
            continue
        got = ", ".join(f"{k} x{v}" for k, v in o.attack.most_common(4))
        failed = sum(o.probe_failures.values())
        kinds = ", ".join(f"{k} x{v}" for k, v in o.probe_failures.items())
        detail = f" ({kinds})" if failed else ""
        rows.append(
            f"| {o.name} | {percentile(o.probe, 50) * 1000:.0f} ms "
            f"| {percentile(o.probe, 99) * 1000:.0f} ms | {failed} of {len(o.probe)}{detail} "
            f"| {got} | {o.peak_mib:.0f} MiB |"
        )
    return "\n".join(rows)


def attack(
    store: str | None, seconds: float, only: list[str], seed: int
) -> tuple[list[Outcome], bool]:
    names = [n for n in ATTACKS if not only or any(o.lower() in n.lower() for o in only)]
    with tempfile.TemporaryDirectory(prefix="uasa-attack-") as tmp_name:
        tmp = Path(tmp_name)
        store = store or build_store(tmp)
        with open(tmp / "uasa.log", "wb") as log:
            server, upstream = start_uasa(store, log)
            proxy = None
            try:
                port, via_proxy = upstream, False
                if nginx_binary():
                    proxy, port = start_nginx(tmp, upstream)
                    via_proxy = True
                outcomes = []
                for n, name in enumerate(names):
                    outcome = run_attack(name, port, via_proxy, server.pid, seconds, seed + n)
                    outcomes.append(outcome)
                    print(table([outcome]).splitlines()[-1], flush=True)
                if server.poll() is not None:
                    raise SystemExit("attack: the server died during the attacks")
            finally:
                if proxy is not None:
                    stop(proxy)
                stop(server)
    return outcomes, via_proxy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per attack")
    parser.add_argument("--store", help="a built store (default: build the real data)")
    parser.add_argument("--only", nargs="*", default=[], help="attacks whose name contains …")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", help="write the table into this file's attack block")
    args = parser.parse_args(argv)
    print(f"attack: {args.seconds:g} s per attack; every setting at its default", flush=True)
    print(table([]), flush=True)
    outcomes, behind_proxy = attack(args.store, args.seconds, args.only, args.seed)
    failed = [o.name for o in outcomes if not o.ok]
    peak = max((o.peak_mib for o in outcomes), default=0.0)
    hurt = "; ".join(failed) or "none"
    print(f"attack: peak server memory {peak:.0f} MiB; attacks that hurt the probe: {hurt}")
    if args.report:
        body = "\n".join(
            [
                "_Written by `benchmarks/attack.py --report`; do not edit by hand._",
                "",
                f"- Command: `{command_line('benchmarks/attack.py', argv or sys.argv[1:])}`",
                f"- Run: {utc_now():%Y-%m-%d %H:%M} UTC; {machine_line()}",
                "- Deployment: `uasa serve` with default settings and `UASA_TRUSTED_PROXIES=1`, "
                + ("behind nginx" if behind_proxy else "with no proxy (nginx not found)"),
                f"- Result: {'PASS' if not failed else 'FAIL: ' + '; '.join(failed)} "
                f"(probe p99 < {P99_TARGET:g} s and no failed probe during every attack); "
                f"peak server memory {peak:.0f} MiB",
                "",
                table(outcomes),
            ]
        )
        write_block(args.report, "attack", body)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
