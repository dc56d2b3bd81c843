"""A remote SPARQL 1.1 store behind the same server: for data that outgrows one process.

`UASA_REMOTE=sparql+http://host:port/query` makes the server send every query, after the
same refusals (updates, SERVICE) and with the same time limit, to that endpoint by the
SPARQL 1.1 Protocol. The local build named by `UASA_STORE` still provides the manifest and the
dumps; `uasa build --to URL` loads the same graphs into the remote store with the Graph Store
Protocol.

Remote stores do not take pyoxigraph's `substitutions=`, so saved-query parameters travel as a
`VALUES` block at the start of the WHERE group, its terms written by pyoxigraph's N-Triples
serializer (escaped, never raw text). Saved queries project every parameter, so this gives the
same rows as pre-binding (a test compares every saved query on both stores).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from urllib.parse import parse_qsl, urlsplit, urlunsplit
from xml.etree import ElementTree

import requests
import urllib3.exceptions

from uasa.core import negotiation as conneg
from uasa.core.urls import redact
from uasa.query.guard import keywords, where_group_start
from uasa.query.types import Kind, QueryError, QueryRequest, QueryResult, result_too_large

SCHEME = "sparql+"
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

log = logging.getLogger(__name__)


def endpoint_of(setting: str) -> tuple[str, list[tuple[str, str]]]:
    """`sparql+http://h/p?union-default-graph` → (`http://h/p`, [("union-default-graph", "")])."""
    if not setting.startswith(SCHEME):
        raise ValueError(f"a remote store is written {SCHEME}http(s)://host:port/path")
    parts = urlsplit(setting[len(SCHEME) :])
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"not an http(s) endpoint: {setting}")
    params = parse_qsl(parts.query, keep_blank_values=True)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), params


def with_values(query: str, substitutions: dict[str, object]) -> str:
    """The query with its parameters bound by a VALUES block at the start of the WHERE group,
    so FILTERs and BINDs in that group see them, as they would with pre-binding."""
    if not substitutions:
        return query
    names = sorted(substitutions)
    terms = " ".join(str(substitutions[name]) for name in names)
    variables = " ".join(f"?{name}" for name in names)
    block = f"\n  VALUES ({variables}) {{ ({terms}) }}\n"
    at = where_group_start(query)
    if at is None:  # e.g. DESCRIBE without a WHERE clause: bind at the end instead
        return f"{query}\n{block}"
    return query[:at] + block + query[at:]


class RemoteExecutor:
    """Same interface as :class:`uasa.executor.QueryExecutor`, over HTTP."""

    def __init__(
        self, setting: str, concurrency: int, queue_timeout: float, max_result_bytes: int = 0
    ) -> None:
        self.endpoint, self.union_params = endpoint_of(setting)
        self.queue_timeout = queue_timeout
        self.max_result_bytes = max_result_bytes
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._session = requests.Session()

    def execute(self, request: QueryRequest, timeout: float) -> QueryResult:
        if not self._slots.acquire(timeout=self.queue_timeout):
            raise QueryError(503, "The server is busy; try again shortly.", reason="busy")
        try:
            return self._send(request, timeout)
        finally:
            self._slots.release()

    def _send(self, req: QueryRequest, timeout: float) -> QueryResult:
        params: list[tuple[str, str]] = []
        if req.use_default_graph_as_union:
            params += self.union_params
        params += [("default-graph-uri", g) for g in req.default_graph or []]
        params += [("named-graph-uri", g) for g in req.named_graphs or []]
        accept = [m for m in (req.results_media_type, req.graph_media_type) if m]
        # Only the query form's own format: Virtuoso 7 answers a CONSTRUCT in a results format
        # (a table of triples) when the Accept header allows one.
        form = next((w for w in keywords(req.query) if w in QUERY_FORMS), "")
        own = req.graph_media_type if form in {"CONSTRUCT", "DESCRIBE"} else req.results_media_type
        if form and own:
            accept = [own]
        # The time limit covers the whole answer: requests' own timeout only bounds each wait
        # for the next bytes, so a store that trickles its answer would never hit it.
        deadline = time.monotonic() + timeout
        try:
            # "Query via URL-encoded POST": every store takes it. Virtuoso 7.2 never answers a
            # direct POST (application/sparql-query), so the query does not travel that way.
            response = self._session.post(
                self.endpoint,
                data=[("query", with_values(req.query, req.substitutions)), *params],
                headers={"Accept": ", ".join(accept) or "*/*"},
                timeout=timeout,
                stream=True,
            )
            with response:
                body = self._read(response, deadline)
        except (requests.Timeout, urllib3.exceptions.ReadTimeoutError):
            raise _timeout(timeout) from None
        except requests.RequestException as exc:
            # The detail names the store's internal address: it goes to the log, not the client.
            log.warning("remote store %s cannot be reached: %s", redact(self.endpoint), exc)
            raise QueryError(
                503, "The remote store cannot be reached; try again shortly.", reason="remote"
            ) from None
        except urllib3.exceptions.HTTPError as exc:
            # Reading the body goes through urllib3 directly (read1 below), so a store that
            # drops the connection mid-answer raises urllib3's errors, not requests'.
            log.warning("remote store %s broke off its answer: %s", redact(self.endpoint), exc)
            raise QueryError(
                502, "The remote store broke off its answer; try again shortly.", reason="remote"
            ) from None
        if body is None:
            raise _timeout(timeout)
        if response.status_code >= 400:
            status = 400 if response.status_code < 500 else 502
            text = body.decode("utf-8", errors="replace").strip()
            raise QueryError(status, f"The remote store refused the query: {text}")
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        for fmt in conneg.FORMATS:
            if fmt.media_type == media and media in accept and fmt.kind in ("results", "graph"):
                kind: Kind = "results" if fmt.kind == "results" else "graph"
                return QueryResult(kind, media, ask_table_as_boolean(media, body))
        raise QueryError(502, f"The remote store answered in an unexpected format: {media!r}")

    def _read(self, response: requests.Response, deadline: float) -> bytes | None:
        """The whole body, or None past the deadline; QueryError past the size limit."""
        parts, size = [], 0
        # read1 returns what has arrived (iter_content would wait for whole 64 KiB chunks).
        while chunk := response.raw.read1(64 * 1024, decode_content=True):
            size += len(chunk)
            if 0 < self.max_result_bytes < size and response.status_code < 400:
                raise result_too_large(self.max_result_bytes)
            parts.append(chunk)
            if time.monotonic() > deadline:
                return None
        return b"".join(parts)

    def close(self) -> None:
        self._session.close()


ASK_COLUMN = "__ASK_RETVAL"


def ask_table_as_boolean(media: str, body: bytes) -> bytes:
    """Virtuoso 7.2 answers an ASK with a one-row table, column `__ASK_RETVAL`, value 1 or 0;
    that becomes the boolean result the SPARQL formats define. Any other body is kept as is."""
    if ASK_COLUMN.encode() not in body[:400]:
        return body
    if media == "application/sparql-results+json":
        doc = json.loads(body)
        if doc.get("head", {}).get("vars") != [ASK_COLUMN]:
            return body
        rows = doc.get("results", {}).get("bindings", [])
        value = bool(rows) and rows[0].get(ASK_COLUMN, {}).get("value") not in {"0", "false"}
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media == "application/sparql-results+xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        root = ElementTree.fromstring(body)
        names = [v.get("name") for v in root.iter(f"{ns}variable")]
        if names != [ASK_COLUMN]:
            return body
        cells = [(c.text or "").strip() for c in root.iter(f"{ns}literal")]
        value = bool(cells) and cells[0] not in {"0", "false"}
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    return body


def _timeout(timeout: float) -> QueryError:
    return QueryError(
        503,
        f"Query stopped: the remote store did not answer within the time limit of "
        f"{timeout:g} s (UASA_QUERY_TIMEOUT). Narrow it down or add a LIMIT.",
        reason="timeout",
    )
