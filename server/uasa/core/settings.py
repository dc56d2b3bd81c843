"""Every setting in one table: name, default and help, read from ``UASA_<NAME>`` variables.

The README's settings table is generated from ``SETTINGS`` and a test keeps the two in step.
:class:`Settings` declares the same names with their types, so that code reading a setting is
type-checked; at import the two are checked against each other (names, order, default types).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, get_type_hints

Value = str | int | float | bool


class SettingsError(ValueError):
    """A ``UASA_*`` variable that does not parse; the message names the variable."""


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _forwarded(text: str) -> str:
    names = sorted(set(text.replace(",", " ").lower().split()))
    for name in names:
        if name not in {"host", "prefix"}:
            raise ValueError(f"expected host and/or prefix, got {name!r}")
    return " ".join(names)


def _iri_list(text: str) -> str:
    """Checked http(s) IRIs, space-separated (commas are accepted too)."""
    iris = sorted(set(text.replace(",", " ").split()))
    for iri in iris:
        if not iri.startswith(("http://", "https://")):
            raise ValueError(f"not an http(s) IRI: {iri!r}")
    return " ".join(iris)


@dataclass(frozen=True)
class Setting:
    name: str
    default: Value
    help: str
    parse: Callable[[str], Value] = str

    @property
    def env(self) -> str:
        return f"UASA_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "store",
        "var/store",
        "Store directory to build into and serve from (a link to the "
        "current build; each build goes to a new directory beside it).",
    ),
    Setting(
        "remote",
        "",
        "Query a remote SPARQL 1.1 endpoint instead of the embedded store, written "
        "`sparql+http://host:port/path` (add `?union-default-graph` for Oxigraph server). The "
        "local build in UASA_STORE still provides the manifest and the dumps.",
    ),
    Setting("host", "127.0.0.1", "Address `uasa serve` listens on."),
    Setting("port", 8000, "Port `uasa serve` listens on.", int),
    Setting(
        "public_base",
        "https://w3id.org/uasa/",
        "Public base of the dataset's IRIs; also the base IRI for relative IRIs in queries.",
    ),
    Setting(
        "http_workers",
        0,
        "HTTP worker processes (0: one per core, `os.cpu_count()`). Each has "
        "its own threads, query worker pool, result cache, build follower and metrics; "
        "rate limits are shared between them (see Serving).",
        int,
    ),
    Setting("threads", 8, "HTTP worker threads in each HTTP worker process.", int),
    Setting(
        "query_workers",
        3,
        "Query worker processes per HTTP worker process; each runs one query at a time and "
        "is killed when it overruns the time limit.",
        int,
    ),
    Setting(
        "query_timeout",
        10.0,
        "Seconds a query may run before it is stopped and answered with 503.",
        float,
    ),
    Setting(
        "query_memory",
        512,
        "MiB of memory one query may take in its query worker, above what the open store "
        "holds (0: no limit); a query that needs more is stopped and answered with 503, as "
        "one over the time limit is.",
        int,
    ),
    Setting(
        "max_query_depth",
        200,
        "Deepest nesting a query text may have (groups, brackets, `!`, sub-SELECTs); deeper "
        "ones get 400 before any parser reads them.",
        int,
    ),
    Setting(
        "queue_timeout",
        5.0,
        "Seconds a request waits for a free query worker before it is answered with 503.",
        float,
    ),
    Setting(
        "follow",
        2.0,
        "Seconds between checks of the store link for a new build (SIGHUP to the worker checks "
        "at once); the server swaps a new build in between requests. 0 turns following off; "
        "a remote store (UASA_REMOTE) is never followed.",
        float,
    ),
    Setting("max_body", 1_048_576, "Largest request body in bytes; larger ones get 413.", int),
    Setting(
        "max_query_length",
        100_000,
        "Longest SPARQL query text in characters (URL, form or body); longer ones get 400.",
        int,
    ),
    Setting(
        "max_params",
        100,
        "Most request parameters (query string and form fields together); more get 400.",
        int,
    ),
    Setting(
        "max_result_bytes",
        67_108_864,
        "Largest query result in bytes (0: no limit). A larger one is never truncated: it gets "
        "413 naming the limit and saying how to page (LIMIT/OFFSET, or a dump).",
        int,
    ),
    Setting(
        "rate_limit",
        0,
        "Requests per minute per client (0: off); past it, 429 with `Retry-After`. "
        "`/health` and `/metrics` are not counted.",
        int,
    ),
    Setting(
        "client_concurrency",
        2,
        "Requests one client (an IPv4 address, or an IPv6 /64) may have in progress at once "
        "(0: off); past it, 429 with `Retry-After`. Kept below UASA_QUERY_WORKERS, so that "
        "one client's runaway queries never hold every query worker.",
        int,
    ),
    Setting(
        "client_seconds",
        60.0,
        "Seconds of answering one client may use per minute, refilled steadily (0: off); a "
        "client that has used them up gets 429 with `Retry-After`, as the Wikidata Query "
        "Service's query-time budget. Static files, `/health` and `/metrics` are not counted.",
        float,
    ),
    Setting(
        "limit_loopback",
        False,
        "Apply the per-client limits (rate, time budget, concurrency) to loopback clients too. "
        "Off: a loopback address is a local proxy whose clients cannot be told apart (trust it "
        "with UASA_TRUSTED_PROXIES so its clients are limited one by one) or a local tool.",
        _bool,
    ),
    Setting(
        "trusted_proxies",
        0,
        "Reverse proxies in front of the server whose `X-Forwarded-For` and `-Proto` "
        "Werkzeug's ProxyFix believes: the client the limits and the access log name, and "
        "the scheme of the URLs the server writes (0: use the connection's address; never "
        "raise it unless each proxy overwrites or appends to the headers).",
        int,
    ),
    Setting(
        "trusted_forwarded",
        "",
        "Which of `X-Forwarded-Host` and `X-Forwarded-Prefix` to believe from those proxies "
        "(`host`, `prefix`, or both, space- or comma-separated; empty: neither, the "
        "`Host` header and the server's own root are used). Name one only if the proxy sets "
        "it on every request, overwriting what the client sent.",
        _forwarded,
    ),
    Setting(
        "union_default_graph",
        True,
        "Query the union of all graphs when a request names no "
        "dataset (no FROM, default-graph-uri or named-graph-uri).",
        _bool,
    ),
    Setting(
        "service_allow",
        "",
        "SPARQL endpoints a query may name in SERVICE (space- or comma-separated IRIs, matched "
        "exactly). Empty: every SERVICE is refused. Listed endpoints are really fetched by "
        "the server; variable endpoints are always refused.",
        _iri_list,
    ),
    Setting(
        "cors_origins",
        "*",
        "Origins allowed by CORS (`*`, or a comma-separated list; empty "
        "turns CORS off). Credentials are never allowed.",
        str,
    ),
    Setting(
        "cache_mb",
        64,
        "Memory for the in-process result cache, in MiB (0 turns it off). Results are keyed by "
        "query, parameters, format and build, so a new build never serves stale ones.",
        int,
    ),
    Setting(
        "cache_max_age",
        300,
        "`Cache-Control: max-age` in seconds on GET query results; each carries an ETag from the "
        "build and the request, and `If-None-Match` gets 304.",
        int,
    ),
    Setting("log_level", "info", "Log level of the server (debug, info, warning, error)."),
    Setting(
        "queries",
        "",
        "Folder of saved queries (`*.rq`) served under `/queries`; empty: the repository's "
        "`queries/`.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build them with :func:`load` or :meth:`Settings.of`.

    The fields are the names in ``SETTINGS``, in its order, with its defaults' types (checked
    at import); the defaults themselves live only in the table."""

    store: str
    remote: str
    host: str
    port: int
    public_base: str
    http_workers: int
    threads: int
    query_workers: int
    query_timeout: float
    query_memory: int
    max_query_depth: int
    queue_timeout: float
    follow: float
    max_body: int
    max_query_length: int
    max_params: int
    max_result_bytes: int
    rate_limit: int
    client_concurrency: int
    client_seconds: float
    limit_loopback: bool
    trusted_proxies: int
    trusted_forwarded: str
    union_default_graph: bool
    service_allow: str
    cors_origins: str
    cache_mb: int
    cache_max_age: int
    log_level: str
    queries: str

    @classmethod
    def of(cls, **overrides: Any) -> Settings:
        """Defaults, with keyword overrides (for tests and the CLI)."""
        unknown = set(overrides) - set(_BY_NAME)
        if unknown:
            raise KeyError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**{**{s.name: s.default for s in SETTINGS}, **overrides})

    def replace(self, **overrides: Any) -> Settings:
        return Settings.of(**{**asdict(self), **overrides})


def _check_table() -> None:
    """The dataclass and the table name the same settings, in order, with matching types."""
    hints = get_type_hints(Settings)
    names = [f.name for f in fields(Settings)]
    if names != [s.name for s in SETTINGS]:
        raise TypeError(f"Settings fields {names} differ from the SETTINGS table")
    for s in SETTINGS:
        if type(s.default) is not hints[s.name]:
            raise TypeError(f"setting {s.name}: default {s.default!r} is not {hints[s.name]}")


_check_table()


def load(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Defaults, then ``UASA_*`` variables, then explicit overrides (None: not given).

    Raises SettingsError naming the variable whose value does not parse."""
    environ = os.environ if environ is None else environ
    values: dict[str, Value] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None:
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise SettingsError(f"{setting.env}: {exc}") from None
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings.of(**values)


def markdown_table() -> str:
    """The settings table as it appears in the README."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = str(s.default).lower() if isinstance(s.default, bool) else s.default
        rows.append(f"| `{s.env}` | `{default}` | {s.help} |")
    return "\n".join(rows)
